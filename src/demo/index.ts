export type { AttendanceMark } from './attendance';
export type { DemoKind, DemoRow } from './columns';
export { DEMO_COLUMNS, DEMO_KINDS } from './columns';
export type { WrittenFile } from './csv-writer';
export { CORRECTIONS_FOLDER, csvLine, writeDemoCsv } from './csv-writer';
export type { DemoData, DemoOptions, TypeMix } from './generate';
export { DEMO_LIMITS, generateDemo } from './generate';
export type { DemoLoadSummary } from './load';
export { loadDemo, loadDemoIfEmpty } from './load';

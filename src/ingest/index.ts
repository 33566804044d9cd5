export type {
  AttendanceMark,
  AttendanceRegister,
  AttendanceVersion,
  HistoryFilter,
} from './attendance.service';
export { attendanceHistory, MAX_REGISTER_MARKS, submitAttendance } from './attendance.service';
export { errorsCsv } from './errors-csv';
export type { FolderOptions, ImportOptions } from './import.service';
export { importFile, importFolder, importRecords, kindDefinition } from './import.service';
export type { IngestErrorCode } from './ingest-error';
export { IngestError } from './ingest-error';
export type { ImportKind, ImportResult, RowError } from './kind-definition';
export { IMPORT_KINDS, isImportKind } from './kind-definition';
export type { ImportFormat, ImportSource } from './row-source';
export type { Upload, UploadEncoding } from './upload.service';
export { importUpload, MAX_UPLOAD_BYTES } from './upload.service';

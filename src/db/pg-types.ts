import { types } from 'pg';

/**
 * Day dates stay `YYYY-MM-DD` strings end to end (never JS Date, which would shift them by the time
 * zone); numeric and bigint become numbers (hours, pence and counts all fit a double exactly).
 */
export function installPgTypeParsers(): void {
  types.setTypeParser(types.builtins.DATE, (v) => v);
  types.setTypeParser(types.builtins.NUMERIC, (v) => Number.parseFloat(v));
  types.setTypeParser(types.builtins.INT8, (v) => Number.parseInt(v, 10));
}
installPgTypeParsers();

import { CreateSchema1764270000000 } from './1764270000000-CreateSchema';
import { AddIndicatorFunctions1764290000000 } from './1764290000000-AddIndicatorFunctions';
import { CheckAttendanceCode1764310000000 } from './1764310000000-CheckAttendanceCode';
import { CheckAttendancePlacementPerStatement1764320000000 } from './1764320000000-CheckAttendancePlacementPerStatement';
import { AttendanceVersionKey1764330000000 } from './1764330000000-AttendanceVersionKey';
import { AddAccessControl1765000000000 } from './1765000000000-AddAccessControl';
import { AttendanceSpan1765200000000 } from './1765200000000-AttendanceSpan';
import { CreateImportRun1765400000000 } from './1765400000000-CreateImportRun';
import { RecordVersions1765500000000 } from './1765500000000-RecordVersions';
import { RowSecurity1765600000000 } from './1765600000000-RowSecurity';
import { DeleteAndErase1765700000000 } from './1765700000000-DeleteAndErase';
import { IndicatorPoints1765800000000 } from './1765800000000-IndicatorPoints';
import { ChangedSinceByMax1765900000000 } from './1765900000000-ChangedSinceByMax';
import { AttendanceWeek1766000000000 } from './1766000000000-AttendanceWeek';
import { IndicatorScopes1766200000000 } from './1766200000000-IndicatorScopes';

/** Every migration, in order. Add new ones at the end. */
export const MIGRATIONS = [
  CreateSchema1764270000000,
  AddIndicatorFunctions1764290000000,
  CheckAttendanceCode1764310000000,
  CheckAttendancePlacementPerStatement1764320000000,
  AttendanceVersionKey1764330000000,
  AddAccessControl1765000000000,
  AttendanceSpan1765200000000,
  CreateImportRun1765400000000,
  RecordVersions1765500000000,
  RowSecurity1765600000000,
  DeleteAndErase1765700000000,
  IndicatorPoints1765800000000,
  ChangedSinceByMax1765900000000,
  AttendanceWeek1766000000000,
  IndicatorScopes1766200000000,
];

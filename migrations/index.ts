import { CreateSchema1764270000000 } from './1764270000000-CreateSchema';
import { AddIndicatorFunctions1764290000000 } from './1764290000000-AddIndicatorFunctions';
import { CheckAttendanceCode1764310000000 } from './1764310000000-CheckAttendanceCode';
import { CheckAttendancePlacementPerStatement1764320000000 } from './1764320000000-CheckAttendancePlacementPerStatement';
import { AttendanceVersionKey1764330000000 } from './1764330000000-AttendanceVersionKey';
import { AttendanceSpan1765200000000 } from './1765200000000-AttendanceSpan';

/** Every migration, in order. Add new ones at the end. */
export const MIGRATIONS = [
  CreateSchema1764270000000,
  AddIndicatorFunctions1764290000000,
  CheckAttendanceCode1764310000000,
  CheckAttendancePlacementPerStatement1764320000000,
  AttendanceVersionKey1764330000000,
  AttendanceSpan1765200000000,
];

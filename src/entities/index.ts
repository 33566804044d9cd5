import { Attendance } from './attendance.entity';
import { AttendanceCode } from './attendance-code.entity';
import { Authority } from './authority.entity';
import { CalendarEntry } from './calendar-entry.entity';
import { Destination } from './destination.entity';
import { ImportRun } from './import-run.entity';
import { Placement } from './placement.entity';
import { Provider } from './provider.entity';
import { ProviderEvidence } from './provider-evidence.entity';
import { ProviderVisit } from './provider-visit.entity';
import { Pupil } from './pupil.entity';
import { Review } from './review.entity';
import { School } from './school.entity';
import { SettingChange } from './setting-change.entity';
import { Target } from './target.entity';

export {
  Attendance,
  AttendanceCode,
  Authority,
  CalendarEntry,
  Destination,
  ImportRun,
  Placement,
  Provider,
  ProviderEvidence,
  ProviderVisit,
  Pupil,
  Review,
  School,
  SettingChange,
  Target,
};

export const ENTITIES = [
  Attendance,
  AttendanceCode,
  Authority,
  CalendarEntry,
  Destination,
  ImportRun,
  Placement,
  Provider,
  ProviderEvidence,
  ProviderVisit,
  Pupil,
  Review,
  School,
  SettingChange,
  Target,
];

import { recordAudit } from '../audit/audit.service';
import { rowWall } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { behindWall } from '../auth/row-wall';
import type { Database } from '../db/database';
import { academicYearStart, addDays, daysBetween, londonToday } from '../domain/dates';
import { INDICATOR_DEFINITIONS } from '../indicators/aggregates/indicator-definitions';
import type { Measure } from '../indicators/disclosure';
import {
  computeIndicatorsWithFlags,
  computeSeries,
  MAX_SERIES_POINTS,
} from '../indicators/indicators.service';
import { FLAG_DEFINITIONS } from '../indicators/registry';
import { formatMeasure } from './measure-format';

export interface DashboardQuery {
  authority?: string | null;
  asOf?: string | null;
}

export interface PupilAttention {
  upn: string;
  name: string;
  school: string | null;
  flags: { code: string; reason: string }[];
}

export interface DashboardView {
  asOf: string;
  authority: string | null;
  authorities: { laCode: string; name: string }[];
  headline: { title: string; text: string }[];
  flagCounts: { code: string; title: string; subjectType: string; text: string }[];
  /** Every pupil with a pupil flag, most flags first; absent for callers who see aggregates only. */
  pupils: PupilAttention[] | null;
  /** Placement and provider flags to chase; absent for callers who see aggregates only. */
  otherFlags: { code: string; subjectType: string; subjectKey: string; reason: string }[] | null;
}

/**
 * What an officer needs on one page at a date: headline figures, the count of each flag, every child
 * flagged with the reasons, and the placements and providers to chase.
 */
export async function buildDashboard(
  db: Database,
  principal: Principal,
  query: DashboardQuery,
): Promise<DashboardView> {
  const ds = db.dataSource;
  const asOf = query.asOf || londonToday();
  const authorities: { laCode: string; name: string }[] = await ds.query(
    `SELECT la_code AS "laCode", name FROM authority
      WHERE cardinality($1::text[]) = 0 OR la_code = ANY($1) ORDER BY la_code`,
    [principal.authorities],
  );
  const authority = query.authority || null;
  const { report, flags } = await computeIndicatorsWithFlags(ds, principal, { asOf, authority });
  const headline = INDICATOR_DEFINITIONS.filter((d) => report.headline[d.key]).map((d) => ({
    title: d.title,
    text: formatMeasure(report.headline[d.key] as Measure, d.unit),
  }));
  const flagCounts = report.flagCounts.map((c) => {
    const def = FLAG_DEFINITIONS.find((d) => d.code === c.code);
    return {
      code: c.code,
      title: def?.title ?? c.code,
      subjectType: def?.subjectType ?? '',
      text: formatMeasure(c.count, 'count'),
    };
  });
  if (!flags) {
    return { asOf, authority, authorities, headline, flagCounts, pupils: null, otherFlags: null };
  }
  const pupilFlags = flags.filter((f) => f.subjectType === 'pupil');
  const names: { upn: string; name: string; school: string | null }[] = await behindWall(
    ds,
    rowWall(principal),
    (m) =>
      m.query(
        `SELECT p.upn, p.first_name || ' ' || p.last_name AS name, s.name AS school
           FROM pupil p LEFT JOIN school s ON s.id = p.school_id
          WHERE p.upn = ANY($1)`,
        [[...new Set(pupilFlags.map((f) => f.subjectKey))]],
      ),
  );
  const byUpn = new Map<string, PupilAttention>(
    names.map((n) => [n.upn, { upn: n.upn, name: n.name, school: n.school, flags: [] }]),
  );
  for (const f of pupilFlags) byUpn.get(f.subjectKey)?.flags.push({ code: f.code, reason: f.reason });
  const pupils = [...byUpn.values()].sort(
    (a, b) => b.flags.length - a.flags.length || a.name.localeCompare(b.name),
  );
  const otherFlags = flags
    .filter((f) => f.subjectType !== 'pupil')
    .map(({ code, subjectType, subjectKey, reason }) => ({ code, subjectType, subjectKey, reason }));
  await recordAudit(ds, principal, {
    action: 'read',
    operation: 'dashboard',
    subjectKind: 'pupil',
    subjects: pupils.map((p) => p.upn),
    detail: { asOf, authority },
  });
  return { asOf, authority, authorities, headline, flagCounts, pupils, otherFlags };
}

/** The weekly dates of the attendance chart: from the start of the academic year (or as far back as a series may go) to `asOf`. */
export function chartRange(asOf: string): { from: string; to: string } {
  const yearStart = `${academicYearStart(asOf)}-09-01`;
  const earliest = addDays(asOf, -7 * (MAX_SERIES_POINTS - 1));
  const start = daysBetween(earliest, yearStart) > 0 ? yearStart : earliest;
  // align so that the last point falls on asOf
  const from = addDays(asOf, -7 * Math.floor(daysBetween(start, asOf) / 7));
  return { from, to: asOf };
}

export interface AttendanceSeries {
  labels: string[];
  attendanceRate: (number | null)[];
  persistentAbsenceRate: (number | null)[];
}

export async function attendanceSeries(
  db: Database,
  principal: Principal,
  query: DashboardQuery,
): Promise<AttendanceSeries> {
  const asOf = query.asOf || londonToday();
  const { from, to } = chartRange(asOf);
  const points = await computeSeries(db.dataSource, principal, {
    from,
    to,
    authority: query.authority || null,
  });
  return {
    labels: points.map((p) => p.date),
    attendanceRate: points.map((p) => p.headline.attendanceRate?.value ?? null),
    persistentAbsenceRate: points.map((p) => p.headline.persistentAbsenceRate?.value ?? null),
  };
}

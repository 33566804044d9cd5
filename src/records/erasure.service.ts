import { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { requireAdmin } from '../auth/policy';
import { Principal } from '../auth/principal';
import { isIsoDate, londonToday } from '../domain/dates';
import { isValidUpn } from '../domain/upn';
import { setChangeContext } from '../history/change-context';
import type { Queryable } from '../indicators/queryable';
import { forgetIndicatorPoints } from '../indicators/series-points';
import { logger } from '../logger';
import { DEFAULT_SETTINGS } from '../settings/settings.definitions';
import { holdOffImports } from './erasure-lock';
import { badInput, guardWrite, notFound } from './record-errors';

export interface ErasureResult {
  /** The erased pupil's internal id: the only thing about them that the audit keeps. */
  pupilId: number;
  /** Rows removed, per table (versions included). */
  removed: Record<string, number>;
  /** Earlier audit rows from which the pupil's data was taken out. */
  auditRowsRedacted: number;
}

/** What replaces the pupil's UPN and placement references in the audit trail. */
export function erasedMark(pupilId: number): string {
  return `erased-pupil-${pupilId}`;
}

/** Runs an UPDATE or DELETE and answers how many rows it changed (TypeORM answers `[rows, count]`). */
async function affected(m: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const [, n] = (await m.query(sql, params)) as [unknown[], number];
  return n;
}

/**
 * Erases a pupil: every row and every version of every record about them, in one transaction, and
 * their UPN and placement references out of earlier audit rows; one audit row records the erasure
 * by the pupil's internal id. Administrators only. A pupil is found by any UPN they have had (their
 * versions included), so a pupil already deleted by an undone import is erased too.
 *
 * What is about the pupil: the pupil; their destinations; their placements, with targets, reviews,
 * attendance (every version) and attendance span. A placement once recorded for them and then moved
 * to another pupil is that pupil's: it stays, and only its versions naming the erased pupil go.
 */
export async function erasePupil(ds: DataSource, caller: Principal, upn: string): Promise<ErasureResult> {
  requireAdmin(caller);
  const result = await guardWrite(() =>
    ds.transaction(async (m) => {
      await holdOffImports(m);
      const pupils: { id: number }[] = await m.query(
        `SELECT id FROM pupil WHERE upn = $1 UNION SELECT id FROM pupil_version WHERE upn = $1 ORDER BY id`,
        [upn],
      );
      if (!pupils.length) throw notFound('pupil', upn, 'upn');
      const ids = pupils.map((p) => p.id);
      await m.query('SELECT id FROM pupil WHERE id = ANY($1) FOR UPDATE', [ids]);
      // placements whose last word (the row, or for a deleted one its last version) names the pupil
      const placements: { id: number }[] = await m.query(
        `WITH ever AS (
           SELECT id FROM placement WHERE pupil_id = ANY($1)
           UNION SELECT id FROM placement_version WHERE pupil_id = ANY($1))
         SELECT e.id FROM ever e
         WHERE coalesce((SELECT pl.pupil_id FROM placement pl WHERE pl.id = e.id),
                        (SELECT v.pupil_id FROM placement_version v WHERE v.id = e.id ORDER BY v.v_id DESC LIMIT 1))
               = ANY($1)`,
        [ids],
      );
      const own = placements.map((p) => p.id);
      const keys: { key: string }[] = await m.query(
        `SELECT upn AS key FROM pupil WHERE id = ANY($1) UNION SELECT upn FROM pupil_version WHERE id = ANY($1)
         UNION SELECT placement_ref FROM placement WHERE id = ANY($2)
         UNION SELECT placement_ref FROM placement_version WHERE id = ANY($2)`,
        [ids, own],
      );

      await setChangeContext(m, { actor: caller.name });
      const removed: Record<string, number> = {};
      const run = async (table: string, where: string, params: unknown[]) => {
        removed[table] =
          (removed[table] ?? 0) + (await affected(m, `DELETE FROM ${table} WHERE ${where}`, params));
      };
      // the records first (their triggers add deletion versions), then every version, those included
      await run('attendance', 'placement_id = ANY($1)', [own]);
      await run('attendance_span', 'placement_id = ANY($1)', [own]);
      await run('target', 'placement_id = ANY($1)', [own]);
      await run('review', 'placement_id = ANY($1)', [own]);
      await run('destination', 'pupil_id = ANY($1)', [ids]);
      await run('placement', 'id = ANY($1)', [own]);
      await run('pupil', 'id = ANY($1)', [ids]);
      await run('target_version', 'placement_id = ANY($1)', [own]);
      await run('review_version', 'placement_id = ANY($1)', [own]);
      await run('destination_version', 'pupil_id = ANY($1)', [ids]);
      await run('placement_version', 'id = ANY($1) OR pupil_id = ANY($2)', [own, ids]);
      await run('pupil_version', 'id = ANY($1)', [ids]);

      const mark = erasedMark(ids[0]);
      const redacted = await redactAudit(
        m,
        keys.map((k) => k.key),
        mark,
      );
      // an import's failure message may quote a UPN (placement references are too short to replace as text)
      for (const k of keys.filter((k) => isValidUpn(k.key)))
        await m.query(
          `UPDATE import_run SET message = replace(message, $1, $2) WHERE strpos(message, $1) > 0`,
          [k.key, mark],
        );
      await recordAudit(m, caller, {
        action: 'delete',
        operation: 'erase pupil',
        subjectKind: 'pupil',
        subjects: [mark],
        detail: { pupilIds: ids, removed, auditRowsRedacted: redacted },
      });
      return { pupilId: ids[0], removed, auditRowsRedacted: redacted };
    }),
  );
  // the pupil's marks are gone from every past date: stored series points counted them (the erasure's
  // triggers forgot them in its transaction; this catches a point computed while it ran). The erasure
  // has committed: a failure here is logged, not answered as if nothing was erased.
  await forgetIndicatorPoints(ds).catch((err) =>
    logger.warn({ err }, 'could not forget the stored series points after an erasure; the pupil is erased'),
  );
  return result;
}

/**
 * Takes a pupil's keys (UPNs, placement references) out of the audit trail, through the one UPDATE
 * the append-only trigger allows (migration DeleteAndErase: `alp.audit_redaction`, set here for this
 * transaction only). A subject that is a key, starts with `<key>/` (a target `PL1/T2`, a destination
 * `<upn>/2026-07-01`) or is one of those after a `<kind>:` prefix (a flag's `pupil:<upn>`) becomes the
 * erased mark. A row about the pupil alone loses its before, after and detail (they are the pupil's
 * data); in a row about others too, the keys are replaced wherever they appear as JSON strings in
 * those forms. Returns the rows changed.
 */
async function redactAudit(m: EntityManager, keys: string[], mark: string): Promise<number> {
  if (!keys.length) return 0;
  await m.query(`SELECT set_config('alp.audit_redaction', 'on', true)`);
  // a subject without its kind prefix, and whether it is about the pupil
  const bare = (s: string) => `regexp_replace(${s}, '^[a-z_]+:', '')`;
  const about = (s: string) =>
    `(${bare(s)} = ANY($1::text[]) OR EXISTS (SELECT 1 FROM unnest($1::text[]) k WHERE starts_with(${bare(s)}, k || '/')))`;
  const changed = await affected(
    m,
    `WITH hit AS (
       SELECT e.id FROM audit_event e
       WHERE e.subjects && $1::text[]
          OR EXISTS (SELECT 1 FROM unnest(e.subjects) s WHERE ${about('s')})
          OR EXISTS (SELECT 1 FROM unnest($1::text[]) k
                     WHERE strpos(concat(e.before::text, e.after::text, e.detail::text), k) > 0)),
     subj AS (
       SELECT h.id, ARRAY(
         SELECT x.s FROM (
           SELECT DISTINCT ON (m.s) m.s, m.i FROM (
             SELECT CASE WHEN ${about('u.s')} THEN $2 ELSE u.s END AS s, u.i
             FROM audit_event e2, unnest(e2.subjects) WITH ORDINALITY u(s, i) WHERE e2.id = h.id) m
           ORDER BY m.s, m.i) x
         ORDER BY x.i) AS subjects
       FROM hit h)
     UPDATE audit_event e SET
       subjects = subj.subjects,
       subject_count = greatest(e.subject_count - (cardinality(e.subjects) - cardinality(subj.subjects)), 0),
       before = CASE WHEN subj.subjects = ARRAY[$2] THEN NULL ELSE alp_redact_json(e.before, $1, $2) END,
       after = CASE WHEN subj.subjects = ARRAY[$2] THEN NULL ELSE alp_redact_json(e.after, $1, $2) END,
       detail = CASE WHEN subj.subjects = ARRAY[$2] THEN NULL ELSE alp_redact_json(e.detail, $1, $2) END
     FROM subj WHERE subj.id = e.id`,
    [keys, mark],
  );
  await m.query(`SELECT set_config('alp.audit_redaction', '', true)`);
  return changed;
}

export interface RetentionCandidate {
  upn: string;
  laCode: string;
  /** The end of their last placement (null: they had none). */
  lastPlacementEnded: string | null;
  /** The later of that and the pupil's 18th birthday, plus the authority's retentionYears. */
  keptUntil: string;
  retentionYears: number;
}

/**
 * Pupils past their authority's retention on `on` (default today, Europe/London): no placement open
 * (every one has an end date), and the later of their last placement's end and their 18th birthday
 * is more than `retentionYears` years before. The list is what an administrator needs to decide on
 * an erasure (`pupils erase <upn>`): no names, no date of birth. Administrators only; reading it is
 * audited.
 */
export async function pupilsPastRetention(
  db: Queryable,
  caller: Principal,
  on: string = londonToday(),
): Promise<RetentionCandidate[]> {
  requireAdmin(caller);
  if (!isIsoDate(on)) throw badInput(`${on} is not a date YYYY-MM-DD`, 'on');
  const rows: RetentionCandidate[] = await db.query(
    `WITH p AS (
       SELECT p.upn, a.la_code,
              coalesce((a.settings->>'retentionYears')::int, $2::int) AS years,
              max(pl.end_date) AS last_end,
              bool_or(pl.id IS NOT NULL AND pl.end_date IS NULL) AS open,
              (p.date_of_birth + interval '18 years')::date AS adult_on
       FROM pupil p
       JOIN authority a ON a.id = p.authority_id
       LEFT JOIN placement pl ON pl.pupil_id = p.id
       GROUP BY p.id, a.id)
     SELECT upn, la_code AS "laCode", last_end AS "lastPlacementEnded", years AS "retentionYears",
            (greatest(last_end, adult_on) + make_interval(years => years))::date AS "keptUntil"
     FROM p
     WHERE open IS NOT TRUE AND (greatest(last_end, adult_on) + make_interval(years => years))::date < $1::date
     ORDER BY la_code, "keptUntil", upn`,
    [on, DEFAULT_SETTINGS.retentionYears],
  );
  await recordAudit(db, caller, {
    action: 'read',
    operation: 'pupils retention',
    subjectKind: 'pupil',
    subjects: rows.map((r) => r.upn),
    detail: { on },
  });
  return rows;
}

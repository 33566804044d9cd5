import { localAdministrator, Principal } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { makeUpn } from '../../src/domain/upn';
import { ImportKind, ImportResult, importFile } from '../../src/ingest';

export const admin: Principal = localAdministrator('ingest-test');

/** Two synthetic pupils: one in authority 802 (with a calendar), one in 803 (no calendar). */
export const UPN_802 = makeUpn('802200026001');
export const UPN_803 = makeUpn('803200026002');

export const BASE: [ImportKind, string][] = [
  ['authorities', 'la_code,name\n802,North Test\n803,South Test\n'],
  [
    'calendar',
    'la_code,start_date,end_date,kind,label\n802,2026-01-05,2026-03-27,term,Spring\n802,2026-02-16,2026-02-20,closure,Half term\n',
  ],
  ['schools', 'urn,name,la_code,type\n100001,Test School,802,academy\n100002,Other School,803,pru\n'],
  ['providers', 'provider_ref,name,on_framework,registered\nALP-1,Test Provider,yes,no\n'],
  [
    'pupils',
    `upn,first_name,last_name,date_of_birth,la_code,school_urn\n${UPN_802},Ada,Test,2011-05-01,802,100001\n${UPN_803},Bo,Test,2012-06-01,803,100002\n`,
  ],
  [
    'placements',
    `placement_ref,upn,provider_ref,type,start_date,end_date,hours_per_week\nPL-1,${UPN_802},ALP-1,part_time,2026-01-05,2026-03-20,12.5\nPL-2,${UPN_803},ALP-1,full_time,2026-01-05,,25\n`,
  ],
];

export function importCsv(
  db: Database,
  kind: ImportKind,
  text: string,
  opts: { now?: Date; principal?: Principal } = {},
): Promise<ImportResult> {
  return importFile(
    db,
    opts.principal ?? admin,
    kind,
    { content: Buffer.from(text, 'utf8') },
    { now: opts.now },
  );
}

export async function loadBase(db: Database): Promise<void> {
  for (const [kind, text] of BASE) {
    const result = await importCsv(db, kind, text);
    if (result.errors.length > 0) throw new Error(`base ${kind}: ${JSON.stringify(result.errors)}`);
  }
}

/** Row counts of every table an import writes, to show that a rejected file stored nothing. */
export async function tableCounts(db: Database): Promise<Record<string, number>> {
  const [row] = await db.dataSource.query(`SELECT
    (SELECT count(*) FROM authority)::int AS authority, (SELECT count(*) FROM calendar_entry)::int AS calendar_entry,
    (SELECT count(*) FROM school)::int AS school, (SELECT count(*) FROM provider)::int AS provider,
    (SELECT count(*) FROM provider_evidence)::int AS provider_evidence,
    (SELECT count(*) FROM provider_visit)::int AS provider_visit, (SELECT count(*) FROM pupil)::int AS pupil,
    (SELECT count(*) FROM placement)::int AS placement, (SELECT count(*) FROM target)::int AS target,
    (SELECT count(*) FROM review)::int AS review, (SELECT count(*) FROM attendance)::int AS attendance,
    (SELECT count(*) FROM destination)::int AS destination`);
  return row;
}

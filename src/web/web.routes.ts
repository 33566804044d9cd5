import { Request, Response, Router } from 'express';
import { flagSubject, recordReadAudits } from '../audit/audit.service';
import { visibleFlags } from '../auth/flag-scope';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/database';
import type { KeyStage } from '../domain/dates';
import { londonToday } from '../domain/dates';
import type { PlacementReason, PlacementType } from '../entities/placement.entity';
import type { SenStatus } from '../entities/pupil.entity';
import { DomainError } from '../errors';
import { requireDate } from '../indicators/access';
import type { Flag, SubjectType } from '../indicators/flag-definition';
import { computeFlags, FlagQuery } from '../indicators/flags.service';
import { computeIndicatorsWithFlags, computeSeries } from '../indicators/indicators.service';
import { flagDefinition } from '../indicators/registry';
import { logger } from '../logger';
import { AuthorityService } from '../records/authority.service';
import { PlacementService } from '../records/placement.service';
import { PlacementPlanService } from '../records/placement-plan.service';
import { ProviderService } from '../records/provider.service';
import { PupilService } from '../records/pupil.service';
import { notFound } from '../records/record-errors';
import { SchoolService } from '../records/school.service';
import { chartRange } from '../reports/dashboard.service';
import { REPORT_KINDS } from '../reports/documents';
import type { ReportKind } from '../reports/documents/document';
import { buildGovernorReport, loadGovernorReport } from '../reports/documents/governor.document';
import { trendBlocks } from '../reports/documents/la-monitoring.document';
import {
  buildProviderScorecard,
  loadProviderScorecard,
} from '../reports/documents/provider-scorecard.document';
import { html } from '../reports/html';
import { generateReport } from '../reports/report.service';
import { reportLinks as linkStore } from '../reports/report-links';
import { assetsRouter, ruruHTML } from './assets';
import { chartFigure, documentBody, reportLinks } from './document.view';
import { link, page, qs, viewForm } from './layout';
import { childrenBySchool, renderOverview } from './overview.page';
import {
  renderFlagList,
  renderPlacementList,
  renderPlacementPage,
  renderPupilList,
  renderPupilPage,
} from './records.page';

/** Decides who a request is from; may become asynchronous when sign-in lands, so always awaited. */
export type WebPrincipalFor = (req: Request) => Principal | Promise<Principal>;

type Query = Record<string, unknown>;
const one = (q: Query, k: string): string | null => {
  const v = q[k];
  return typeof v === 'string' && v !== '' ? v : null;
};

function base(q: Query): { asOf: string; authority: string | null } {
  return { asOf: requireDate(one(q, 'asOf') ?? londonToday(), 'asOf'), authority: one(q, 'authority') };
}

const PAGE_SIZE = 100;

/**
 * The dashboard: server-rendered GOV.UK pages, each reading through the same services as the API with the
 * caller's Principal (what a role may not see is refused there), plus report downloads and the offline
 * GraphQL IDE. Routes: see docs/reports.md.
 */
/** Flags as the caller may see them: narrowed to its pupils and placements, or pseudonymised. */
async function scopedFlags(ds: Database['dataSource'], principal: Principal, query: FlagQuery) {
  return visibleFlags(ds, principal, await computeFlags(ds, principal, query));
}

/** What a page shows of pupil-level rows: UPNs, placement references, flags. */
interface Shown {
  pupil?: Iterable<string>;
  placement?: Iterable<string>;
  flag?: readonly Flag[];
}

/**
 * The read audit of a page that names children (docs/access.md, "The audit trail"): a row per kind of
 * subject shown, written before the page is sent, as GraphQL's read audit is.
 */
function auditShown(ds: Database['dataSource'], req: Request, principal: Principal, shown: Shown) {
  const flags = (shown.flag ?? []).flatMap((f) => flagSubject(f) ?? []);
  const kinds: [string, Iterable<string>][] = [
    ['pupil', shown.pupil ?? []],
    ['placement', shown.placement ?? []],
    ['flag', flags],
  ];
  return recordReadAudits(
    ds,
    principal,
    kinds.flatMap(([kind, keys]) => {
      const subjects = [...new Set(keys)];
      return subjects.length
        ? [{ action: 'read' as const, operation: `GET ${req.path}`, subjectKind: kind, subjects }]
        : [];
    }),
  );
}

export function webRouter(db: Database, principalFor: WebPrincipalFor): Router {
  const ds = db.dataSource;
  const router = Router();
  router.use(assetsRouter());

  const authoritiesFor = async (principal: Principal) => {
    const rows = (await new AuthorityService(ds).list(principal, { first: 500 })).rows.map((r) => r.row);
    return rows
      .filter((a) => principal.authorities.length === 0 || principal.authorities.includes(a.laCode))
      .map((a) => ({ laCode: a.laCode, name: a.name }));
  };

  const route = (
    path: string,
    handler: (req: Request, res: Response, principal: Principal) => Promise<void>,
  ) =>
    router.get(path, async (req, res) => {
      let principal: Principal | null = null;
      try {
        principal = await principalFor(req);
        await handler(req, res, principal);
      } catch (err) {
        sendError(res, err, principal);
      }
    });

  route('/', async (req, res, principal) => {
    // a school's users and governors, and providers, have a page of their own rather than an authority's
    if ((principal.role === 'school' || principal.role === 'governor') && principal.schoolUrn) {
      res.redirect(303, `/schools/${encodeURIComponent(principal.schoolUrn)}${qs(base(req.query))}`);
      return;
    }
    if (principal.role === 'provider' && principal.providerRef) {
      res.redirect(303, `/providers/${encodeURIComponent(principal.providerRef)}${qs(base(req.query))}`);
      return;
    }
    const b = base(req.query);
    const { report: indicators, flags: every } = await computeIndicatorsWithFlags(ds, principal, b);
    const authorities = await authoritiesFor(principal);
    let bySchool = null;
    if (every) {
      const flags = await visibleFlags(
        ds,
        principal,
        every.filter((f) => f.subjectType === 'pupil'),
      );
      const pupils = await new PupilService(ds).byIds(principal, [...new Set(flags.map((f) => f.subjectId))]);
      const schoolIds = [...new Set(pupils.flatMap((p) => (p.schoolId === null ? [] : [p.schoolId])))];
      const schools = await new SchoolService(ds).byIds(principal, schoolIds);
      bySchool = childrenBySchool(
        flags,
        new Map(pupils.map((p) => [p.id, { schoolId: p.schoolId }])),
        new Map(schools.map((s) => [s.id, { urn: s.urn, name: s.name }])),
      );
    }
    res.type('html').send(renderOverview({ principal, ...b, authorities, indicators, bySchool }));
  });

  route('/trends', async (req, res, principal) => {
    const b = base(req.query);
    const series = await computeSeries(ds, principal, { ...chartRange(b.asOf), authority: b.authority });
    const authorities = await authoritiesFor(principal);
    const scope = b.authority
      ? (authorities.find((a) => a.laCode === b.authority)?.name ?? b.authority)
      : 'all authorities';
    const charts = trendBlocks(series, scope).flatMap((blk) =>
      blk.kind === 'chart' ? [chartFigure(blk.chart)] : [],
    );
    const body = html`<h1 class="govuk-heading-l">Trends: ${scope}<span class="govuk-caption-m">week by week to ${b.asOf}</span></h1>
${viewForm('/trends', b, authorities)}${charts}`;
    res.type('html').send(
      page(
        {
          title: `Trends, ${scope}`,
          principal,
          section: 'trends',
          query: new URLSearchParams(qs(b)),
          charts: true,
        },
        body,
      ),
    );
  });

  route('/flags', async (req, res, principal) => {
    const b = base(req.query);
    const code = one(req.query, 'code');
    const subjectType = one(req.query, 'subjectType') as SubjectType | null;
    const school = one(req.query, 'school');
    const provider = one(req.query, 'provider');
    let flags = await scopedFlags(ds, principal, { ...b, codes: code ? [code] : null, subjectType });
    const placements = await new PlacementService(ds).byIds(principal, [
      ...new Set(flags.filter((f) => f.subjectType === 'placement').map((f) => f.subjectId)),
    ]);
    const pupils = await new PupilService(ds).byIds(principal, [
      ...new Set([
        ...flags.filter((f) => f.subjectType === 'pupil').map((f) => f.subjectId),
        ...placements.map((p) => p.pupilId),
      ]),
    ]);
    const pupilById = new Map(pupils.map((p) => [p.id, p]));
    const placementById = new Map(placements.map((p) => [p.id, p]));
    if (school) {
      const schoolId =
        school === 'none' ? null : ((await new SchoolService(ds).byUrn(principal, school))?.id ?? -1);
      flags = flags.filter(
        (f) => f.subjectType === 'pupil' && (pupilById.get(f.subjectId)?.schoolId ?? null) === schoolId,
      );
    }
    if (provider) {
      const providerId = (await new ProviderService(ds).byRef(principal, provider))?.id ?? -1;
      flags = flags.filter((f) =>
        f.subjectType === 'provider'
          ? f.subjectKey === provider
          : f.subjectType === 'placement' && placementById.get(f.subjectId)?.providerId === providerId,
      );
    }
    const rows = flags.map((f) => {
      if (f.subjectType === 'pupil') {
        const p = pupilById.get(f.subjectId);
        return {
          flag: f,
          subjectHref: `/pupils/${f.subjectKey}${qs(b)}`,
          subjectText: p ? `${p.firstName} ${p.lastName} (${p.upn})` : f.subjectKey,
        };
      }
      if (f.subjectType === 'placement')
        return {
          flag: f,
          subjectHref: `/placements/${encodeURIComponent(f.subjectKey)}${qs(b)}`,
          subjectText: `Placement ${f.subjectKey}`,
        };
      return {
        flag: f,
        subjectHref: `/providers/${encodeURIComponent(f.subjectKey)}${qs(b)}`,
        subjectText: `Provider ${f.subjectKey}`,
      };
    });
    const what = code
      ? (flagDefinition(code)?.title ?? code)
      : subjectType
        ? `${subjectType} flags`
        : 'All flags';
    const title = [what, school ? `school ${school}` : null, provider ? `provider ${provider}` : null]
      .filter(Boolean)
      .join(', ');
    await auditShown(ds, req, principal, {
      flag: flags,
      pupil: flags.flatMap((f) =>
        f.subjectType === 'pupil' && pupilById.has(f.subjectId) ? [f.subjectKey] : [],
      ),
      placement: flags.flatMap((f) => (f.subjectType === 'placement' ? [f.subjectKey] : [])),
    });
    res.type('html').send(renderFlagList(principal, b, title, rows));
  });

  route('/pupils', async (req, res, principal) => {
    const b = base(req.query);
    const flag = (k: string) => (one(req.query, k) === null ? null : one(req.query, k) === 'true');
    const filter = {
      asOf: b.asOf,
      activeAt: b.asOf,
      laCode: b.authority,
      keyStage: one(req.query, 'keyStage') as KeyStage | null,
      senStatus: one(req.query, 'sen') as SenStatus | null,
      lookedAfter: flag('lookedAfter'),
      fsm: flag('fsm'),
      providerRef: one(req.query, 'provider'),
    };
    const found = await new PupilService(ds).list(principal, filter, {
      first: PAGE_SIZE,
      after: one(req.query, 'after'),
    });
    const parts = [
      filter.keyStage,
      filter.senStatus ? `SEN: ${filter.senStatus.replace(/_/g, ' ')}` : null,
      filter.lookedAfter === null ? null : filter.lookedAfter ? 'looked after' : 'not looked after',
      filter.fsm === null ? null : filter.fsm ? 'free school meals' : 'no free school meals',
      filter.providerRef ? `at ${filter.providerRef}` : null,
    ].filter(Boolean);
    await auditShown(ds, req, principal, { pupil: found.rows.map((r) => r.row.upn) });
    const next = found.hasNextPage
      ? `/pupils${qs({ ...Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, String(v)])), after: found.endCursor })}`
      : null;
    res.type('html').send(
      renderPupilList(
        principal,
        b,
        `Pupils in AP${parts.length ? `: ${parts.join(', ')}` : ''}`,
        found.rows.map((r) => r.row),
        await found.totalCount(),
        next,
      ),
    );
  });

  route('/placements', async (req, res, principal) => {
    const b = base(req.query);
    const filter = {
      asOf: b.asOf,
      activeAt: b.asOf,
      laCode: b.authority,
      type: one(req.query, 'type') as PlacementType | null,
      reason: one(req.query, 'reason') as PlacementReason | null,
      providerRef: one(req.query, 'provider'),
    };
    const found = await new PlacementService(ds).list(
      principal,
      filter,
      { first: PAGE_SIZE, after: one(req.query, 'after') },
      { pupil: true, provider: true },
    );
    await auditShown(ds, req, principal, {
      placement: found.rows.map(({ row }) => row.placement.placementRef),
      pupil: found.rows.flatMap(({ row }) => (row.pupil ? [row.pupil.upn] : [])),
    });
    const parts = [filter.type?.replace(/_/g, ' '), filter.reason?.replace(/_/g, ' ')].filter(Boolean);
    res.type('html').send(
      renderPlacementList(
        principal,
        b,
        `Active placements${parts.length ? `: ${parts.join(', ')}` : ''}`,
        found.rows.map(({ row }) => ({
          placement: row.placement,
          upn: row.pupil?.upn ?? '',
          provider: row.provider?.name ?? '',
        })),
        await found.totalCount(),
      ),
    );
  });

  route('/pupils/:upn', async (req, res, principal) => {
    const b = base(req.query);
    const pupils = new PupilService(ds);
    const pupil = await pupils.byUpn(principal, String(req.params.upn));
    if (!pupil) throw notFound('pupil', String(req.params.upn), 'upn');
    const [authority] = await new AuthorityService(ds).byIds(principal, [pupil.authorityId]);
    const placements = await new PlacementService(ds).ofPupils(principal, [pupil.id]);
    const flags = (await scopedFlags(ds, principal, { asOf: b.asOf, authority: authority.laCode })).filter(
      (f) =>
        (f.subjectType === 'pupil' && f.subjectId === pupil.id) ||
        (f.subjectType === 'placement' && placements.some((p) => p.id === f.subjectId)),
    );
    const providers = new Map(
      (
        await new ProviderService(ds).byIds(
          principal,
          placements.map((p) => p.providerId),
        )
      ).map((p) => [p.id, p.name]),
    );
    const school =
      pupil.schoolId === null
        ? null
        : ((await new SchoolService(ds).byIds(principal, [pupil.schoolId]))[0]?.name ?? null);
    const destinations = await pupils.destinationsOf(principal, [pupil.id]);
    await auditShown(ds, req, principal, {
      pupil: [pupil.upn],
      placement: placements.map((p) => p.placementRef),
      flag: flags,
    });
    res.type('html').send(
      renderPupilPage(principal, b, {
        pupil,
        school,
        flags,
        placements: placements.map((p) => ({ placement: p, provider: providers.get(p.providerId) ?? '' })),
        destinations: destinations.map((d) => ({
          recordedOn: d.recordedOn,
          activity: d.activity,
          sustained: d.sustained,
        })),
      }),
    );
  });

  route('/placements/:ref', async (req, res, principal) => {
    const b = base(req.query);
    const placement = await new PlacementService(ds).byRef(principal, String(req.params.ref));
    if (!placement) throw notFound('placement', String(req.params.ref), 'placementRef');
    const [pupil] = await new PupilService(ds).byIds(principal, [placement.pupilId]);
    const [provider] = await new ProviderService(ds).byIds(principal, [placement.providerId]);
    const [authority] = await new AuthorityService(ds).byIds(principal, [pupil.authorityId]);
    const flags = (
      await scopedFlags(ds, principal, {
        asOf: b.asOf,
        authority: authority.laCode,
        subjectType: 'placement',
      })
    ).filter((f) => f.subjectId === placement.id);
    const plans = new PlacementPlanService(ds);
    const targets = await plans.targetsOf(principal, [placement.id]);
    const reviews = await plans.reviewsOf(principal, [placement.id]);
    await auditShown(ds, req, principal, {
      placement: [placement.placementRef],
      pupil: [pupil.upn],
      flag: flags,
    });
    res.type('html').send(
      renderPlacementPage(principal, b, {
        placement,
        upn: pupil.upn,
        pupilName: `${pupil.firstName} ${pupil.lastName}`,
        provider: { ref: provider.providerRef, name: provider.name },
        flags,
        targets,
        reviews: reviews.map((r) => ({ reviewDate: r.reviewDate, kind: r.kind, progress: r.progress })),
      }),
    );
  });

  route('/schools', async (req, res, principal) => {
    const b = base(req.query);
    const found = await new SchoolService(ds).list(principal, { laCode: b.authority }, { first: 500 });
    const authorities = await authoritiesFor(principal);
    const visible = new Set(authorities.map((a) => a.laCode));
    const byId = new Map(
      (
        await new AuthorityService(ds).byIds(principal, [
          ...new Set(found.rows.map((r) => r.row.authorityId)),
        ])
      ).map((a) => [a.id, a.laCode]),
    );
    const schools = found.rows.map((r) => r.row).filter((s) => visible.has(byId.get(s.authorityId) ?? ''));
    const body = html`<h1 class="govuk-heading-l">Schools</h1>${viewForm('/schools', b, authorities)}
<ul class="govuk-list">${schools.map((s) => html`<li>${link(`/schools/${s.urn}${qs(b)}`, `${s.name} (URN ${s.urn})`)}</li>`)}</ul>`;
    res
      .type('html')
      .send(
        page({ title: 'Schools', principal, section: 'schools', query: new URLSearchParams(qs(b)) }, body),
      );
  });

  route('/schools/:urn', async (req, res, principal) => {
    const b = base(req.query);
    const from = one(req.query, 'from');
    const to = one(req.query, 'to');
    const doc = buildGovernorReport(
      await loadGovernorReport(db, principal, { asOf: b.asOf, schoolUrn: String(req.params.urn), from, to }),
    );
    const q = qs({ asOf: b.asOf, school: String(req.params.urn), from, to });
    const body = html`<h1 class="govuk-heading-l">${doc.title}<span class="govuk-caption-m">${doc.subtitle}</span></h1>
<form method="get" action="/schools/${String(req.params.urn)}" class="govuk-!-margin-bottom-6"><div class="govuk-grid-row">
<div class="govuk-grid-column-one-quarter govuk-form-group"><label class="govuk-label" for="asOf">As of</label><input class="govuk-input" id="asOf" name="asOf" type="date" value="${b.asOf}"></div>
<div class="govuk-grid-column-one-quarter govuk-form-group"><label class="govuk-label" for="from">From</label><input class="govuk-input" id="from" name="from" type="date" value="${doc.period?.from ?? ''}"></div>
<div class="govuk-grid-column-one-quarter govuk-form-group"><label class="govuk-label" for="to">To</label><input class="govuk-input" id="to" name="to" type="date" value="${doc.period?.to ?? ''}"></div>
<div class="govuk-grid-column-one-quarter govuk-form-group"><button type="submit" class="govuk-button govuk-!-margin-top-6">Show</button></div></div></form>
${reportLinks("Governors' report", '/reports/governor', q)}${documentBody(doc)}`;
    res.type('html').send(
      page(
        {
          title: doc.title,
          principal,
          section: 'schools',
          query: new URLSearchParams(qs(b)),
          charts: true,
        },
        body,
      ),
    );
  });

  route('/providers', async (req, res, principal) => {
    const b = base(req.query);
    const found = await new ProviderService(ds).list(principal, {}, { first: 500 });
    const body = html`<h1 class="govuk-heading-l">Provider scorecards</h1>
<ul class="govuk-list">${found.rows.map((r) => html`<li>${link(`/providers/${encodeURIComponent(r.row.providerRef)}${qs(b)}`, `${r.row.name} (${r.row.providerRef})`)}</li>`)}</ul>`;
    res
      .type('html')
      .send(
        page(
          { title: 'Providers', principal, section: 'providers', query: new URLSearchParams(qs(b)) },
          body,
        ),
      );
  });

  route('/providers/:ref', async (req, res, principal) => {
    const b = base(req.query);
    const from = one(req.query, 'from');
    const to = one(req.query, 'to');
    const ref = String(req.params.ref);
    const doc = buildProviderScorecard(
      await loadProviderScorecard(db, principal, {
        asOf: b.asOf,
        providerRef: ref,
        authority: b.authority,
        from,
        to,
      }),
    );
    const authorities = await authoritiesFor(principal);
    const body = html`<h1 class="govuk-heading-l">${doc.title}<span class="govuk-caption-m">${doc.subtitle}</span></h1>
${viewForm(`/providers/${encodeURIComponent(ref)}`, b, authorities)}
${reportLinks('Scorecard', '/reports/provider', qs({ ...b, provider: ref, from, to }))}${documentBody(doc)}`;
    res
      .type('html')
      .send(
        page({ title: doc.title, principal, section: 'providers', query: new URLSearchParams(qs(b)) }, body),
      );
  });

  // GET /reports/<kind>.<format>?asOf&authority&school&provider&from&to&table: generated for the caller.
  route('/reports/:file', async (req, res, principal) => {
    const m = /^([a-z]+)\.([a-z]+)$/.exec(String(req.params.file));
    if (!m || !(REPORT_KINDS as readonly string[]).includes(m[1]))
      throw notFound('report', String(req.params.file), 'kind');
    const q = req.query;
    const report = await generateReport(db, principal, {
      kind: m[1] as ReportKind,
      format: m[2],
      asOf: one(q, 'asOf'),
      authority: one(q, 'authority'),
      schoolUrn: one(q, 'school'),
      providerRef: one(q, 'provider'),
      from: one(q, 'from'),
      to: one(q, 'to'),
      table: one(q, 'table'),
    });
    sendFile(res, report);
  });

  route('/downloads/:token', async (req, res, principal) => {
    const stored = linkStore.get(String(req.params.token));
    if (!stored) throw notFound('download', 'link', 'token');
    if (stored.owner !== principal.name)
      throw new DomainError('FORBIDDEN', 'this link was made for someone else; generate the report again');
    sendFile(res, stored);
  });

  // The GraphQL IDE for browsers, served from the hub (ruru's files under /assets/ruru/): no internet.
  router.get('/graphql', (req, res, next) => {
    if (!req.accepts('html') || req.query.query) return next();
    // the IDE (GraphiQL) starts from inline scripts and runs its editor in workers: this page alone,
    // which shows no data of the hub's until the signed-in user queries it, allows them
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'self'",
    );
    res.type('html').send(ruruHTML({ endpoint: '/graphql', staticPath: '/assets/ruru/' }));
  });
  return router;
}

function sendFile(res: Response, r: { data: Buffer; contentType: string; fileName: string }): void {
  const inline = r.contentType.startsWith('application/pdf') || r.contentType.startsWith('text/html');
  res
    .status(200)
    .set('Content-Type', r.contentType)
    .set('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${r.fileName}"`)
    .set('Cache-Control', 'private, no-store')
    .set('X-Content-Type-Options', 'nosniff')
    .send(r.data);
}

function sendError(res: Response, err: unknown, principal: Principal | null): void {
  const status =
    err instanceof DomainError
      ? err.code === 'FORBIDDEN'
        ? 403
        : err.code === 'NOT_FOUND'
          ? 404
          : 400
      : 500;
  if (status === 500) logger.error({ err }, 'dashboard failed');
  const message = status === 500 ? 'Something went wrong; it has been logged.' : (err as Error).message;
  const title =
    status === 403
      ? 'You cannot see this page'
      : status === 404
        ? 'Page not found'
        : status === 400
          ? 'There is a problem'
          : 'Sorry, there is a problem with the service';
  const body = html`<h1 class="govuk-heading-l">${title}</h1><p class="govuk-body">${message}</p><p class="govuk-body"><a class="govuk-link" href="/">Go to the overview</a></p>`;
  // an error before the caller was known: the page shows no more than an aggregates-only caller's
  const who: Principal = principal ?? {
    role: 'analyst',
    name: 'unknown',
    userId: null,
    authorities: [],
    schoolUrn: null,
    providerRef: null,
    aggregatesOnly: true,
  };
  res
    .status(status)
    .type('html')
    .send(page({ title, principal: who, section: 'none', query: new URLSearchParams() }, body));
}

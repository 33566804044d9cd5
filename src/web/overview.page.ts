import type { Principal } from '../auth/principal';
import { INDICATOR_DEFINITIONS } from '../indicators/aggregates/indicator-definitions';
import type { Flag } from '../indicators/flag-definition';
import type { IndicatorReport } from '../indicators/indicators.service';
import { flagDefinition } from '../indicators/registry';
import { cellText, figure } from '../reports/documents/document';
import { DIMENSIONS, unitOf, words } from '../reports/documents/la-monitoring.document';
import { html, SafeHtml } from '../reports/html';
import { reportLinks } from './document.view';
import { page, qs, viewForm } from './layout';

export interface OverviewView {
  principal: Principal;
  asOf: string;
  authority: string | null;
  authorities: { laCode: string; name: string }[];
  indicators: IndicatorReport;
  /** Children flagged, by school on roll; null for callers who may see aggregates only. */
  bySchool: { urn: string | null; name: string; children: number }[] | null;
}

/** Which list a breakdown's count opens, and with which filter. */
const BREAKDOWN_LISTS: Record<string, { path: string; param: string }> = {
  keyStage: { path: '/pupils', param: 'keyStage' },
  sen: { path: '/pupils', param: 'sen' },
  lookedAfter: { path: '/pupils', param: 'lookedAfter' },
  fsm: { path: '/pupils', param: 'fsm' },
  type: { path: '/placements', param: 'type' },
  reason: { path: '/placements', param: 'reason' },
};

function countLink(text: string, href: string | null): SafeHtml {
  return href && text !== '0' && text !== 'suppressed' && text !== '–'
    ? html`<a class="govuk-link" href="${href}">${text}</a>`
    : html`${text}`;
}

export function renderOverview(v: OverviewView): string {
  const base = { asOf: v.asOf, authority: v.authority };
  const scope = v.authority
    ? (v.authorities.find((a) => a.laCode === v.authority)?.name ?? v.authority)
    : 'all authorities';
  const ind = v.indicators;
  const rowsAllowed = !v.principal.aggregatesOnly;
  const flagRows = ind.flagCounts.map((c) => {
    const def = flagDefinition(c.code);
    const text = cellText(figure(c.count, 'count'));
    return html`<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${def?.title ?? c.code}</th>
<td class="govuk-table__cell">${def?.subjectType ?? ''}</td>
<td class="govuk-table__cell govuk-table__cell--numeric">${countLink(text, rowsAllowed ? `/flags${qs({ ...base, code: c.code })}` : null)}</td></tr>`;
  });
  const dims = [...new Set(ind.breakdowns.map((b) => b.dimension))];
  const breakdowns = dims.map((d) => {
    const list = BREAKDOWN_LISTS[d];
    return html`<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s">By ${(DIMENSIONS[d] ?? d).toLowerCase()}</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">${DIMENSIONS[d] ?? d}</th>
<th scope="col" class="govuk-table__header govuk-table__header--numeric">Pupils</th><th scope="col" class="govuk-table__header govuk-table__header--numeric">Placements</th></tr></thead>
<tbody class="govuk-table__body">${ind.breakdowns
      .filter((b) => b.dimension === d)
      .map((b) => {
        const href = rowsAllowed && list ? `${list.path}${qs({ ...base, [list.param]: b.value })}` : null;
        return html`<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${words(b.value)}</th>
<td class="govuk-table__cell govuk-table__cell--numeric">${countLink(cellText(figure(b.pupils, 'count')), list?.path === '/pupils' ? href : null)}</td>
<td class="govuk-table__cell govuk-table__cell--numeric">${countLink(cellText(figure(b.placements, 'count')), href ? `/placements${qs({ ...base, [list.param]: b.value })}` : null)}</td></tr>`;
      })}</tbody></table>`;
  });
  const providers = html`<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--m">By provider</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Provider</th>
<th scope="col" class="govuk-table__header govuk-table__header--numeric">Pupils now</th>
<th scope="col" class="govuk-table__header govuk-table__header--numeric">Attendance</th>
<th scope="col" class="govuk-table__header govuk-table__header--numeric">Compliance flags</th></tr></thead>
<tbody class="govuk-table__body">${ind.providers.map(
    (
      p,
    ) => html`<tr class="govuk-table__row"><th scope="row" class="govuk-table__header"><a class="govuk-link" href="/providers/${encodeURIComponent(p.providerRef)}${qs(base)}">${p.name}</a> <span class="govuk-body-s">${p.providerRef}</span></th>
<td class="govuk-table__cell govuk-table__cell--numeric">${countLink(cellText(figure(p.pupils, 'count')), rowsAllowed ? `/pupils${qs({ ...base, provider: p.providerRef })}` : null)}</td>
<td class="govuk-table__cell govuk-table__cell--numeric">${cellText(figure(p.attendanceRate, 'share'))}</td>
<td class="govuk-table__cell govuk-table__cell--numeric">${countLink(cellText(figure(p.complianceFlags, 'count')), rowsAllowed ? `/flags${qs({ ...base, subjectType: 'provider', provider: p.providerRef })}` : null)}</td></tr>`,
  )}</tbody></table>`;
  const schools = v.bySchool
    ? html`<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--m">Children flagged, by school on roll</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">School</th>
<th scope="col" class="govuk-table__header govuk-table__header--numeric">Children flagged</th></tr></thead>
<tbody class="govuk-table__body">${v.bySchool.map(
        (
          s,
        ) => html`<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${s.urn ? html`<a class="govuk-link" href="/schools/${s.urn}${qs(base)}">${s.name}</a>` : s.name}</th>
<td class="govuk-table__cell govuk-table__cell--numeric"><a class="govuk-link" href="/flags${qs({ ...base, subjectType: 'pupil', school: s.urn ?? 'none' })}">${s.children}</a></td></tr>`,
      )}</tbody></table>`
    : html`<p class="govuk-body">Lists of children are not shown to readers who see aggregates only.</p>`;
  const body = html`<h1 class="govuk-heading-l">Alternative provision: ${scope}<span class="govuk-caption-m">as of ${v.asOf}</span></h1>
${viewForm('/', base, v.authorities)}
${v.authority ? reportLinks('Monitoring report', '/reports/la', qs(base)) : html`<p class="govuk-body">Choose an authority to download its monitoring report.</p>`}
<h2 class="govuk-heading-m">Headline figures</h2>
<dl class="app-figures">${INDICATOR_DEFINITIONS.filter((d) => ind.headline[d.key]).map(
    (d) =>
      html`<div><dt>${d.title}</dt><dd>${cellText(figure(ind.headline[d.key], unitOf(d.unit)))}</dd></div>`,
  )}</dl>
<p class="govuk-body"><a class="govuk-link" href="/trends${qs(base)}">Trends this academic year, week by week</a></p>
<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--m">Flags to act on</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Flag</th><th scope="col" class="govuk-table__header">About</th>
<th scope="col" class="govuk-table__header govuk-table__header--numeric">Count</th></tr></thead><tbody class="govuk-table__body">${flagRows}</tbody></table>
${schools}
${providers}
<h2 class="govuk-heading-m">Who is in AP</h2>
<div class="govuk-grid-row">${breakdowns.map((b) => html`<div class="govuk-grid-column-one-half">${b}</div>`)}</div>`;
  return page(
    {
      title: `Overview, ${scope}`,
      principal: v.principal,
      section: 'overview',
      query: new URLSearchParams(qs(base)),
    },
    body,
  );
}

/** Children flagged per school on roll, most first. */
export function childrenBySchool(
  flags: Flag[],
  pupils: Map<number, { schoolId: number | null }>,
  schools: Map<number, { urn: string; name: string }>,
): { urn: string | null; name: string; children: number }[] {
  const per = new Map<number | null, Set<number>>();
  for (const f of flags) {
    if (f.subjectType !== 'pupil') continue;
    const school = pupils.get(f.subjectId)?.schoolId ?? null;
    per.set(school, (per.get(school) ?? new Set()).add(f.subjectId));
  }
  return [...per.entries()]
    .map(([id, set]) => ({
      urn: id === null ? null : (schools.get(id)?.urn ?? null),
      name: id === null ? 'On no school roll' : (schools.get(id)?.name ?? String(id)),
      children: set.size,
    }))
    .sort((a, b) => b.children - a.children || a.name.localeCompare(b.name));
}

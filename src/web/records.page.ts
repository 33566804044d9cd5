import type { Principal } from '../auth/principal';
import type { Placement, Pupil } from '../entities';
import type { Flag } from '../indicators/flag-definition';
import { flagDefinition } from '../indicators/registry';
import { words } from '../reports/documents/la-monitoring.document';
import { html, SafeHtml } from '../reports/html';
import { page, qs } from './layout';

type Base = { asOf: string; authority: string | null };

export interface FlagListRow {
  flag: Flag;
  subjectHref: string;
  subjectText: string;
}

function table(caption: string, headers: string[], rows: SafeHtml[][], empty: string): SafeHtml {
  if (rows.length === 0) return html`<p class="govuk-body">${empty}</p>`;
  return html`<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--m">${caption}</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row">${headers.map((h) => html`<th scope="col" class="govuk-table__header">${h}</th>`)}</tr></thead>
<tbody class="govuk-table__body">${rows.map(
    (r) =>
      html`<tr class="govuk-table__row">${r.map((c, i) =>
        i === 0
          ? html`<th scope="row" class="govuk-table__header">${c}</th>`
          : html`<td class="govuk-table__cell app-pre">${c}</td>`,
      )}</tr>`,
  )}</tbody></table>`;
}

const a = (href: string, text: string) => html`<a class="govuk-link" href="${href}">${text}</a>`;
const t = (text: unknown) => html`${text === null || text === undefined || text === '' ? '–' : String(text)}`;

export function renderFlagList(principal: Principal, base: Base, title: string, rows: FlagListRow[]): string {
  const body = html`<h1 class="govuk-heading-l">${title}<span class="govuk-caption-m">as of ${base.asOf}</span></h1>
${table(
  `${rows.length} flags`,
  ['Subject', 'Flag', 'Reason'],
  rows.map((r) => [
    a(r.subjectHref, r.subjectText),
    t(flagDefinition(r.flag.code)?.title ?? r.flag.code),
    t(r.flag.reason),
  ]),
  'No flag matches.',
)}`;
  return page(
    { title, principal, section: 'overview', query: new URLSearchParams(qs(base)), backLink: `/${qs(base)}` },
    body,
  );
}

export function renderPupilList(
  principal: Principal,
  base: Base,
  title: string,
  pupils: Pupil[],
  total: number,
  next: string | null,
): string {
  const body = html`<h1 class="govuk-heading-l">${title}<span class="govuk-caption-m">as of ${base.asOf}</span></h1>
${table(
  `${total} pupils${pupils.length < total ? `, ${pupils.length} on this page` : ''}`,
  ['Pupil', 'UPN', 'SEN', 'Looked after'],
  pupils.map((p) => [
    a(`/pupils/${p.upn}${qs(base)}`, `${p.firstName} ${p.lastName}`),
    t(p.upn),
    t(words(p.senStatus)),
    t(p.lookedAfter ? 'yes' : 'no'),
  ]),
  'No pupil matches.',
)}${next ? html`<p class="govuk-body">${a(next, 'Next page')}</p>` : html``}`;
  return page(
    { title, principal, section: 'overview', query: new URLSearchParams(qs(base)), backLink: `/${qs(base)}` },
    body,
  );
}

export function renderPlacementList(
  principal: Principal,
  base: Base,
  title: string,
  placements: { placement: Placement; upn: string; provider: string }[],
  total: number,
): string {
  const body = html`<h1 class="govuk-heading-l">${title}<span class="govuk-caption-m">as of ${base.asOf}</span></h1>
${table(
  `${total} placements`,
  ['Placement', 'Pupil', 'Provider', 'Type', 'Reason', 'Started'],
  placements.map((p) => [
    a(`/placements/${encodeURIComponent(p.placement.placementRef)}${qs(base)}`, p.placement.placementRef),
    a(`/pupils/${p.upn}${qs(base)}`, p.upn),
    t(p.provider),
    t(words(p.placement.type)),
    t(p.placement.reason ? words(p.placement.reason) : ''),
    t(p.placement.startDate),
  ]),
  'No placement matches.',
)}`;
  return page(
    { title, principal, section: 'overview', query: new URLSearchParams(qs(base)), backLink: `/${qs(base)}` },
    body,
  );
}

function summary(rows: [string, SafeHtml | string | null][]): SafeHtml {
  return html`<dl class="govuk-summary-list">${rows.map(
    ([k, v]) =>
      html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${k}</dt><dd class="govuk-summary-list__value">${v ?? '–'}</dd></div>`,
  )}</dl>`;
}

export interface PupilPageView {
  pupil: Pupil;
  school: string | null;
  flags: Flag[];
  placements: { placement: Placement; provider: string }[];
  destinations: { recordedOn: string; activity: string; sustained: boolean | null }[];
}

export function renderPupilPage(principal: Principal, base: Base, v: PupilPageView): string {
  const p = v.pupil;
  const body = html`<h1 class="govuk-heading-l">${p.firstName} ${p.lastName}<span class="govuk-caption-m">UPN ${p.upn}</span></h1>
${summary([
  ['Date of birth', p.dateOfBirth],
  ['School on roll', v.school ?? 'none'],
  ['SEN', words(p.senStatus)],
  ['Looked after', p.lookedAfter ? 'yes' : 'no'],
  ['Free school meals', p.fsm ? 'yes' : 'no'],
  ['Electively home educated', p.homeEducated ? 'yes' : 'no'],
])}
${table(
  `Flags as of ${base.asOf}`,
  ['Flag', 'Reason'],
  v.flags.map((f) => [
    f.subjectType === 'placement'
      ? a(
          `/placements/${encodeURIComponent(f.subjectKey)}${qs(base)}`,
          `${flagDefinition(f.code)?.title ?? f.code} (${f.subjectKey})`,
        )
      : t(flagDefinition(f.code)?.title ?? f.code),
    t(f.reason),
  ]),
  `No flag is raised as of ${base.asOf}.`,
)}
${table(
  'Placements, oldest first',
  ['Placement', 'Provider', 'Type', 'Started', 'Planned end', 'Ended', 'Why it ended'],
  v.placements.map(({ placement: pl, provider }) => [
    a(`/placements/${encodeURIComponent(pl.placementRef)}${qs(base)}`, pl.placementRef),
    t(provider),
    t(words(pl.type)),
    t(pl.startDate),
    t(pl.plannedEndDate),
    t(pl.endDate),
    t(pl.endReason ? words(pl.endReason) : ''),
  ]),
  'No placements.',
)}
${table(
  'Destinations recorded',
  ['Recorded on', 'Activity', 'Sustained'],
  v.destinations.map((d) => [
    t(d.recordedOn),
    t(words(d.activity)),
    t(d.sustained === null ? '' : d.sustained ? 'yes' : 'no'),
  ]),
  'No destination recorded.',
)}`;
  return page(
    {
      title: `${p.firstName} ${p.lastName}`,
      principal,
      section: 'none',
      query: new URLSearchParams(qs(base)),
      backLink: `/${qs(base)}`,
    },
    body,
  );
}

export interface PlacementPageView {
  placement: Placement;
  upn: string;
  pupilName: string;
  provider: { ref: string; name: string };
  flags: Flag[];
  targets: { targetRef: string; kind: string; description: string; status: string }[];
  reviews: { reviewDate: string; kind: string; progress: string | null }[];
}

export function renderPlacementPage(principal: Principal, base: Base, v: PlacementPageView): string {
  const pl = v.placement;
  const body = html`<h1 class="govuk-heading-l">Placement ${pl.placementRef}<span class="govuk-caption-m">${v.pupilName} at ${v.provider.name}</span></h1>
${summary([
  ['Pupil', a(`/pupils/${v.upn}${qs(base)}`, `${v.pupilName} (${v.upn})`)],
  ['Provider', a(`/providers/${encodeURIComponent(v.provider.ref)}${qs(base)}`, v.provider.name)],
  ['Type', words(pl.type)],
  ['Reason', pl.reason ? words(pl.reason) : null],
  ['Started', pl.startDate],
  ['Planned end', pl.plannedEndDate],
  ['Ended', pl.endDate ? `${pl.endDate} (${pl.endReason ? words(pl.endReason) : 'no reason given'})` : null],
  [
    'Hours a week',
    `${pl.hoursPerWeek} here${pl.schoolHoursPerWeek === null ? '' : `, ${pl.schoolHoursPerWeek} in school`}`,
  ],
  ['Objectives', pl.objectives],
  ['Weekly cost', pl.weeklyCostPence === null ? null : `£${(Number(pl.weeklyCostPence) / 100).toFixed(2)}`],
])}
${table(
  `Flags as of ${base.asOf}`,
  ['Flag', 'Reason'],
  v.flags.map((f) => [t(flagDefinition(f.code)?.title ?? f.code), t(f.reason)]),
  `No flag is raised as of ${base.asOf}.`,
)}
${table(
  'Targets',
  ['Target', 'Kind', 'Description', 'Status'],
  v.targets.map((x) => [t(x.targetRef), t(words(x.kind)), t(x.description), t(words(x.status))]),
  'No targets.',
)}
${table(
  'Reviews and visits, oldest first',
  ['Date', 'Kind', 'Progress'],
  v.reviews.map((r) => [t(r.reviewDate), t(words(r.kind)), t(r.progress ? words(r.progress) : '')]),
  'No reviews.',
)}`;
  return page(
    {
      title: `Placement ${pl.placementRef}`,
      principal,
      section: 'none',
      query: new URLSearchParams(qs(base)),
      backLink: `/pupils/${v.upn}${qs(base)}`,
    },
    body,
  );
}

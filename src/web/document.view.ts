import { Block, cellText, isFigure, ReportDocument, Table } from '../reports/documents/document';
import { html, SafeHtml } from '../reports/html';

/** A GOV.UK table of a document table; `links` turns a first-column value into a link. */
export function govukTable(
  t: Table,
  links: (first: string, row: number) => string | null = () => null,
): SafeHtml {
  if (t.rows.length === 0) return html`<p class="govuk-body"><strong>${t.caption}.</strong> ${t.empty}</p>`;
  return html`<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s">${t.caption}</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row">${t.columns.map(
    (c) =>
      html`<th scope="col" class="govuk-table__header${c.numeric ? ' govuk-table__header--numeric' : ''}">${c.header}</th>`,
  )}</tr></thead><tbody class="govuk-table__body">${t.rows.map(
    (r, ri) =>
      html`<tr class="govuk-table__row">${r.map((cell, i) => {
        const text = cellText(cell);
        const numeric = t.columns[i]?.numeric ? ' govuk-table__cell--numeric' : '';
        const sup =
          isFigure(cell) && cell.suppressed
            ? html` <span class="govuk-visually-hidden">(a small number, not shown)</span>`
            : html``;
        if (i === 0) {
          const href = links(text, ri);
          return html`<th scope="row" class="govuk-table__header">${href ? html`<a class="govuk-link" href="${href}">${text}</a>` : text}</th>`;
        }
        return html`<td class="govuk-table__cell app-pre${numeric}">${text}${sup}</td>`;
      })}</tr>`,
  )}</tbody></table>`;
}

function block(b: Block): SafeHtml {
  switch (b.kind) {
    case 'paragraph':
      return html`<p class="govuk-body">${b.text}</p>`;
    case 'figures':
      return html`<dl class="app-figures">${b.items.map(
        (i) => html`<div><dt>${i.label}</dt><dd>${cellText(i.figure)}</dd></div>`,
      )}</dl>`;
    case 'table':
      return govukTable(b.table);
    case 'chart':
      return chartFigure(b.chart);
  }
}

/** A chart: its table always (readable without JavaScript), drawn by chart.js above it when scripts run. */
export function chartFigure(c: Extract<Block, { kind: 'chart' }>['chart']): SafeHtml {
  const spec = JSON.stringify({
    type: c.type,
    title: c.title,
    xLabel: c.xLabel,
    yLabel: c.yLabel,
    percent: c.percent,
    labels: c.labels,
    series: c.series,
    alt: c.alt,
  }).replace(/</g, '\\u003c');
  return html`<figure class="app-chart govuk-!-margin-0 govuk-!-margin-bottom-6" data-chart>
<script type="application/json">${new SafeHtml(spec)}</script>
<figcaption class="govuk-body-s">${c.alt}</figcaption>
<details class="govuk-details"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">${c.title}: the numbers</span></summary>
<div class="govuk-details__text">${govukTable(c.table)}</div></details></figure>`;
}

/** A document's sections, definitions and suppression notes, in GOV.UK styles (school and provider pages). */
export function documentBody(doc: ReportDocument, headingLevel: 'h2' | 'h3' = 'h2'): SafeHtml {
  const h = (text: string) =>
    headingLevel === 'h2'
      ? html`<h2 class="govuk-heading-m">${text}</h2>`
      : html`<h3 class="govuk-heading-s">${text}</h3>`;
  return html`${doc.sections.map((s) => html`<section>${h(s.title)}${s.blocks.map(block)}</section>`)}
<details class="govuk-details"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Definitions</span></summary>
<div class="govuk-details__text"><dl class="govuk-summary-list">${doc.definitions.map(
    (d) =>
      html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${d.term}</dt><dd class="govuk-summary-list__value">${d.text}</dd></div>`,
  )}</dl></div></details>
<div class="govuk-inset-text">${doc.suppressionNotes.map((n) => html`<p class="govuk-body">${n}</p>`)}</div>`;
}

/** Links to a report in every format. */
export function reportLinks(label: string, path: string, query: string): SafeHtml {
  return html`<p class="govuk-body">${label}: ${(['pdf', 'html', 'xlsx', 'csv'] as const).map(
    (f, i) =>
      html`${i ? ', ' : ''}<a class="govuk-link" href="${path}.${f}${query}">${f.toUpperCase()}<span class="govuk-visually-hidden"> (${label})</span></a>`,
  )}</p>`;
}

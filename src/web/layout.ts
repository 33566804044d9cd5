import type { Principal } from '../auth/principal';
import { html, SafeHtml } from '../reports/html';

export interface PageOptions {
  title: string;
  principal: Principal;
  /** Which item of the service navigation is current. */
  section: 'overview' | 'schools' | 'providers' | 'trends' | 'none';
  /** The view's query (asOf, authority) kept by the navigation links. */
  query: URLSearchParams;
  backLink?: string;
  charts?: boolean;
}

const NAV: { key: PageOptions['section']; href: string; label: string }[] = [
  { key: 'overview', href: '/', label: 'Overview' },
  { key: 'trends', href: '/trends', label: 'Trends' },
  { key: 'schools', href: '/schools', label: 'Schools' },
  { key: 'providers', href: '/providers', label: 'Providers' },
];

/** A GOV.UK Frontend page (no crown: councils are not GOV.UK), every asset from the hub. */
export function page(opts: PageOptions, body: SafeHtml): string {
  const q = opts.query.toString();
  const withQuery = (href: string) => (q ? `${href}?${q}` : href);
  return html`<!doctype html>
<html lang="en-GB" class="govuk-template govuk-template--rebranded"><head><meta charset="utf-8">
<title>${opts.title} – Alternative provision hub</title>
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<link rel="icon" href="/favicon.ico" type="image/png">
<link rel="stylesheet" href="/assets/govuk-frontend.min.css"><link rel="stylesheet" href="/assets/app.css">
</head><body class="govuk-template__body">
<a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>
<header class="govuk-header" data-module="govuk-header"><div class="govuk-header__container govuk-width-container">
<div class="govuk-header__content"><a href="${withQuery('/')}" class="govuk-header__link govuk-header__service-name">Alternative provision hub</a></div>
</div></header>
<section aria-label="Service menu" class="govuk-service-navigation" data-module="govuk-service-navigation">
<div class="govuk-width-container"><div class="govuk-service-navigation__container">
<nav aria-label="Menu" class="govuk-service-navigation__wrapper"><ul class="govuk-service-navigation__list">
${NAV.map((n) =>
  n.key === opts.section
    ? html`<li class="govuk-service-navigation__item govuk-service-navigation__item--active"><a class="govuk-service-navigation__link" href="${withQuery(n.href)}" aria-current="page"><strong class="govuk-service-navigation__active-fallback">${n.label}</strong></a></li>`
    : html`<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="${withQuery(n.href)}">${n.label}</a></li>`,
)}
<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="/graphql">GraphQL API</a></li>
</ul></nav></div></div></section>
<div class="govuk-width-container">
${opts.backLink ? html`<a href="${opts.backLink}" class="govuk-back-link">Back</a>` : html``}
<main class="govuk-main-wrapper" id="main-content">
<span class="govuk-caption-m">Signed in as ${opts.principal.name} (${opts.principal.role.replace(/_/g, ' ')})</span>
${body}
</main></div>
<footer class="govuk-footer"><div class="govuk-width-container"><div class="govuk-footer__meta"><div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
<p class="govuk-body-s">All data in this hub is synthetic. Figures follow the hub's indicator definitions.</p></div></div></div></footer>
${opts.charts ? html`<script src="/assets/chart.umd.min.js"></script><script src="/assets/charts.js"></script>` : html``}
</body></html>`.value;
}

/** The as-of date and authority form; GET, so the view's address can be shared. */
export function viewForm(
  action: string,
  values: { asOf: string; authority: string | null },
  authorities: { laCode: string; name: string }[],
  hidden: Record<string, string | null | undefined> = {},
): SafeHtml {
  return html`<form method="get" action="${action}" class="govuk-!-margin-bottom-6">
${Object.entries(hidden)
  .filter(([, v]) => v)
  .map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<div class="govuk-grid-row">
<div class="govuk-grid-column-one-third govuk-form-group"><label class="govuk-label" for="asOf">As of</label>
<input class="govuk-input govuk-input--width-10" id="asOf" name="asOf" type="date" value="${values.asOf}"></div>
<div class="govuk-grid-column-one-third govuk-form-group"><label class="govuk-label" for="authority">Authority</label>
<select class="govuk-select" id="authority" name="authority"><option value="">All you may see</option>
${authorities.map(
  (a) =>
    html`<option value="${a.laCode}"${a.laCode === values.authority ? html` selected` : html``}>${a.laCode} ${a.name}</option>`,
)}</select></div>
<div class="govuk-grid-column-one-third govuk-form-group"><button type="submit" class="govuk-button govuk-!-margin-top-6" data-module="govuk-button">Show</button></div>
</div></form>`;
}

export function link(href: string, text: string): SafeHtml {
  return html`<a class="govuk-link" href="${href}">${text}</a>`;
}

/** A query string from the non-empty values. */
export function qs(values: Record<string, string | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

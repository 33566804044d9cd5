import type { DashboardView } from './dashboard.service';
import { html, SafeHtml } from './html';

const STYLE = `
body{font-family:system-ui,Arial,sans-serif;margin:0;color:#0b0c0c;background:#f3f2f1}
header{background:#0b0c0c;color:#fff;padding:12px 24px}header a{color:#fff}
main{padding:16px 24px;max-width:1200px}
section{background:#fff;margin:0 0 16px;padding:12px 16px;border-left:4px solid #1d70b8}
h1{font-size:20px;margin:0}h2{font-size:17px;margin:4px 0 10px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #d8d8d8;vertical-align:top}
.tiles{display:flex;flex-wrap:wrap;gap:8px}.tile{background:#f3f2f1;padding:8px 12px;min-width:150px}
.tile b{display:block;font-size:20px}code{font-size:12px;background:#f3f2f1;padding:1px 4px}
form{display:inline}nav a{margin-right:10px}img{max-width:100%}
`;

function query(view: DashboardView, authority: string | null): string {
  const params = new URLSearchParams({ asOf: view.asOf });
  if (authority) params.set('authority', authority);
  return params.toString();
}

/** The dashboard as one self-contained HTML page (the chart is a PNG drawn on the server). */
export function renderDashboard(view: DashboardView): string {
  const scope = view.authority
    ? (view.authorities.find((a) => a.laCode === view.authority)?.name ?? view.authority)
    : 'all authorities';
  const nav = [
    html`<a href="/?${query(view, null)}">All</a>`,
    ...view.authorities.map((a) => html`<a href="/?${query(view, a.laCode)}">${a.laCode} ${a.name}</a>`),
  ];
  const pupils: SafeHtml = view.pupils
    ? html`<section><h2>Children to act on (${view.pupils.length})</h2>
        <table><tr><th>Pupil</th><th>UPN</th><th>School on roll</th><th>Flags and reasons</th></tr>
        ${view.pupils.map(
          (p) =>
            html`<tr><td>${p.name}</td><td>${p.upn}</td><td>${p.school ?? 'none'}</td><td>${p.flags.map(
              (f) => html`<div><code>${f.code}</code> ${f.reason}</div>`,
            )}</td></tr>`,
        )}</table></section>`
    : html``;
  const others: SafeHtml = view.otherFlags
    ? html`<section><h2>Placements and providers to chase (${view.otherFlags.length})</h2>
        <table><tr><th>Flag</th><th>Subject</th><th>Reason</th></tr>
        ${view.otherFlags.map(
          (f) =>
            html`<tr><td><code>${f.code}</code></td><td>${f.subjectType} ${f.subjectKey}</td><td>${f.reason}</td></tr>`,
        )}</table></section>`
    : html``;
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>alp-hub: ${scope} at ${view.asOf}</title><style>${new SafeHtml(STYLE)}</style></head>
<body><header><h1>Alternative provision: ${scope}, as of ${view.asOf}</h1>
<nav>${nav} <a href="/graphql">GraphQL</a></nav></header><main>
<section><form method="get" action="/">
${view.authority ? html`<input type="hidden" name="authority" value="${view.authority}">` : html``}
<label>As of <input type="date" name="asOf" value="${view.asOf}"></label> <button>Show</button></form></section>
<section><h2>Headline</h2><div class="tiles">${view.headline.map(
    (h) => html`<div class="tile">${h.title}<b>${h.text}</b></div>`,
  )}</div></section>
<section><h2>Attendance this academic year, week by week</h2>
<img alt="Weekly attendance and persistent absence rates" width="900" height="360"
 src="/charts/attendance.png?${query(view, view.authority)}"></section>
<section><h2>Flags</h2><table><tr><th>Code</th><th>What</th><th>Subject</th><th>Count</th></tr>
${view.flagCounts.map(
  (c) =>
    html`<tr><td><code>${c.code}</code></td><td>${c.title}</td><td>${c.subjectType}</td><td>${c.text}</td></tr>`,
)}</table></section>
${pupils}${others}
</main></body></html>`.value;
}

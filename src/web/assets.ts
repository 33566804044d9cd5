import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import express, { Router } from 'express';
import { FONT_DIR } from '../reports/fonts';

// ruru declares its entry points in package.json `exports` only, which this project's module resolution
// does not read for types; the functions are typed here.
const { serveStatic } = require('ruru/static') as {
  serveStatic(staticPath: string): express.RequestHandler;
};
export const { ruruHTML } = require('ruru/server') as {
  ruruHTML(config: { endpoint: string; staticPath: string }): string;
};

const GOVUK = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist', 'govuk');
const CHART_JS = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');

/**
 * GOV.UK Frontend's look without its typeface: GDS Transport is for GOV.UK services only, so every
 * element is set in Roboto (the documents' font, served from the pdfmake package) and no page ever
 * asks for the GOV.UK font files.
 */
export const APP_CSS = `
@font-face{font-family:"Roboto";src:url(/assets/fonts/Roboto-Regular.ttf) format("truetype");font-weight:400;font-display:swap}
@font-face{font-family:"Roboto";src:url(/assets/fonts/Roboto-Medium.ttf) format("truetype");font-weight:700;font-display:swap}
*{font-family:Roboto,Arial,sans-serif!important}
.app-figures{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 20px;padding:0}
.app-figures div{background:#f3f2f1;padding:10px 15px;min-width:11em;flex:1 1 11em}
.app-figures dt{font-size:1rem}.app-figures dd{margin:0;font-size:1.5rem;font-weight:700}
.app-chart{max-width:960px}.app-chart canvas{max-width:100%}
.app-pre{white-space:pre-line}
.govuk-header__service-name{font-size:1.25rem}
.govuk-table__cell--numeric,.govuk-table__header--numeric{font-variant-numeric:tabular-nums}
`;

/** Draws every chart of a page with chart.js from the numbers in its figure (the page works without it). */
const CHARTS_JS = `// Draws every chart of a page with chart.js from the numbers of its table (the page works without it).
(function () {
  if (!window.Chart) return;
  var palette = ['#1d70b8', '#d4351c', '#00703c', '#f47738', '#4c2c92', '#505a5f'];
  document.querySelectorAll('figure[data-chart]').forEach(function (figure) {
    var spec = JSON.parse(figure.querySelector('script[type="application/json"]').textContent);
    var canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', spec.alt);
    figure.insertBefore(canvas, figure.firstChild);
    var pct = function (v) { return Math.round(v * 100) + '%'; };
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          return { label: s.label, data: s.values, borderColor: palette[i % 6], backgroundColor: palette[i % 6], spanGaps: false };
        }),
      },
      options: {
        animation: false,
        font: { family: 'Roboto' },
        plugins: {
          title: { display: true, text: spec.title },
          tooltip: { callbacks: spec.percent ? { label: function (c) { return c.dataset.label + ': ' + (c.parsed.y * 100).toFixed(1) + '%'; } } : {} },
        },
        scales: {
          x: { title: { display: true, text: spec.xLabel } },
          y: { beginAtZero: true, max: spec.percent ? 1 : undefined, title: { display: true, text: spec.yLabel }, ticks: spec.percent ? { callback: pct } : { precision: 0 } },
        },
      },
    });
  });
})();
`;

/** A 32 px icon drawn once at start-up (a favicon request that 404s is a console error in a browser). */
const FAVICON = (() => {
  const canvas = createCanvas(32, 32);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#1d70b8';
  ctx.fillRect(0, 0, 32, 32);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(6, 20, 20, 5);
  ctx.fillRect(6, 8, 5, 12);
  ctx.fillRect(21, 8, 5, 12);
  return canvas.toBuffer('image/png');
})();

/** Everything a page loads, served by the hub itself: no CDN, works on a council network offline. */
export function assetsRouter(): Router {
  const router = Router();
  const long = { maxAge: '7d', immutable: false, index: false as const, fallthrough: false };
  router.get('/favicon.ico', (_req, res) => {
    res.type('png').set('Cache-Control', 'public, max-age=604800').send(FAVICON);
  });
  router.get('/assets/app.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'public, max-age=3600').send(APP_CSS);
  });
  router.get('/assets/govuk-frontend.min.css', (_req, res) =>
    res.sendFile(path.join(GOVUK, 'govuk-frontend.min.css')),
  );
  router.get('/assets/govuk-frontend.min.js', (_req, res) =>
    res.sendFile(path.join(GOVUK, 'govuk-frontend.min.js')),
  );
  router.get('/assets/chart.umd.min.js', (_req, res) => res.sendFile(CHART_JS));
  router.use('/assets/fonts', express.static(FONT_DIR, long));
  router.use('/assets/images', express.static(path.join(GOVUK, 'assets', 'images'), long));
  router.get('/assets/charts.js', (_req, res) => {
    res.type('js').set('Cache-Control', 'public, max-age=3600').send(CHARTS_JS);
  });
  // ruru's own static server reads the whole URL path, so it is not mounted under a path prefix
  const ruru = serveStatic('/assets/ruru/');
  router.use((req, res, next) => (req.path.startsWith('/assets/ruru/') ? ruru(req, res, next) : next()));
  return router;
}

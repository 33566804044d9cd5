import { Router } from 'express';
import type { Database } from '../db/database';
import { DomainError } from '../errors';
import { logger } from '../logger';
import type { PrincipalFor } from '../server/context';
import { renderLineChart } from './chart';
import { renderDashboard } from './dashboard.page';
import { attendanceSeries, buildDashboard, DashboardQuery } from './dashboard.service';
import { esc } from './html';

function readQuery(q: Record<string, unknown>): DashboardQuery {
  const one = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return { authority: one(q.authority), asOf: one(q.asOf) };
}

/** GET / (the dashboard page) and GET /charts/attendance.png, for the same caller rules as the API. */
export function dashboardRouter(db: Database, principalFor: PrincipalFor): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    try {
      const view = await buildDashboard(db, principalFor(req), readQuery(req.query));
      res.type('html').send(renderDashboard(view));
    } catch (err) {
      sendError(res, err);
    }
  });
  router.get('/charts/attendance.png', async (req, res) => {
    try {
      const s = await attendanceSeries(db, principalFor(req), readQuery(req.query));
      const png = renderLineChart({
        title: 'Attendance and persistent absence (pupils with at least 10 possible sessions)',
        labels: s.labels,
        series: [
          { label: 'Attendance rate', data: s.attendanceRate },
          { label: 'Persistent absence rate', data: s.persistentAbsenceRate },
        ],
        percent: true,
      });
      res.type('png').send(png);
    } catch (err) {
      sendError(res, err);
    }
  });
  return router;
}

function sendError(res: import('express').Response, err: unknown): void {
  if (err instanceof DomainError) {
    res
      .status(err.code === 'FORBIDDEN' ? 403 : 400)
      .type('html')
      .send(`<p>${esc(err.message)}</p>`);
    return;
  }
  logger.error({ err }, 'dashboard failed');
  res.status(500).type('html').send('<p>Something went wrong; it has been logged.</p>');
}

import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { localAdministrator } from '../../src/auth/principal';
import { addUser } from '../../src/auth/users.service';
import { importFolder } from '../../src/ingest';
import { startTestApi, TestApi } from '../support/api-server';

jest.setTimeout(180_000);

const EXAMPLE = path.join(__dirname, '../../spec/example');
const AXE = require.resolve('axe-core/axe.min.js');
/** Set SCREENSHOTS=docs/screenshots to write a PNG of every page visited. */
const SCREENSHOTS = process.env.SCREENSHOTS;

/** Signs the browser in through the sign-in form, as a person would, and lands on the overview. */
async function signIn(page: Page, user: { username: string; password: string }, base: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.waitForURL(/\/sign-in/);
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/sign-in')),
    page.click('button[type=submit]'),
  ]);
  // the overview's fonts still loading when the next goto starts would be cut off and reported as failed
  await page.waitForLoadState('load');
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

interface Problems {
  console: string[];
}

/** Every console error, page error and failed request (a missing favicon is one). */
function watch(page: Page): Problems {
  const p: Problems = { console: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') p.console.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => p.console.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => p.console.push(`failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) p.console.push(`${r.status()}: ${r.url()}`);
  });
  return p;
}

async function axeSeriousOrCritical(page: Page): Promise<string[]> {
  // evaluated by the browser's debugging protocol, which the pages' Content-Security-Policy does not bar
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations: { id: string; impact: string; nodes: { target: string[] }[] }[] = await page.evaluate(
    async () =>
      (await (window as unknown as { axe: { run(): Promise<{ violations: never[] }> } }).axe.run())
        .violations,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('dashboard in a real browser', () => {
  let api: TestApi;
  let base: string;
  let browser: Browser;
  const officer = { username: 'browser-officer', password: 'a password for the browser test' };

  beforeAll(async () => {
    api = await startTestApi();
    await addUser(api.db.dataSource, localAdministrator(), { ...officer, role: 'admin' });
    const results = await importFolder(api.db, localAdministrator(), EXAMPLE);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    base = api.server.url.replace(/\/graphql$/, '');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** Checks the page that is open: no console error so far, no serious or critical axe violation. */
  async function check(page: Page, problems: Problems, name: string): Promise<void> {
    await page.waitForLoadState('load');
    expect(await axeSeriousOrCritical(page)).toEqual([]);
    expect(problems.console).toEqual([]);
    if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  it('follows a count to a child, changes the date and a filter, with no console error and no serious axe violation', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(90_000);
    const problems = watch(page);
    await signIn(page, officer, base);
    await page.goto(`${base}/?asOf=2026-11-03&authority=801`);
    await expect(page.locator('h1').textContent()).resolves.toContain('Alternative provision: Bristol');
    await check(page, problems, 'overview');

    // by keyboard: the count of children not on roll, focused and followed with Enter
    const count = page.locator('a[href*="code=NOT_ON_ROLL"]');
    await count.focus();
    await Promise.all([page.waitForURL(/\/flags\?/), page.keyboard.press('Enter')]);
    await check(page, problems, 'flag-list');
    await Promise.all([
      page.waitForURL(/\/pupils\/Z801200025003/),
      page.getByRole('link', { name: /\(Z801200025003\)/ }).click(),
    ]);
    await expect(page.locator('h1').textContent()).resolves.toContain('Pupil3 Test');
    expect(await page.textContent('main')).toContain('on no school roll');
    await check(page, problems, 'pupil');
    await Promise.all([
      page.waitForURL(/\/placements\/PL-0005/),
      page.getByRole('link', { name: 'PL-0005' }).first().click(),
    ]);
    await check(page, problems, 'placement');

    await page.goto(`${base}/?asOf=2026-11-03&authority=801`);
    await page.fill('#asOf', '2026-03-02');
    await page.selectOption('#authority', '802');
    await Promise.all([
      page.waitForURL(/asOf=2026-03-02/),
      page.getByRole('button', { name: 'Show' }).click(),
    ]);
    // the first Tab of a page reaches the skip link
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    expect(page.url()).toMatch(/[?&]authority=802/);
    await expect(page.locator('h1').textContent()).resolves.toContain('as of 2026-03-02');
    await page.close();
  });

  it('shows the school, provider and trends pages (charts drawn by chart.js), also at 200% zoom', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(90_000);
    const problems = watch(page);
    await signIn(page, officer, base);
    await page.goto(`${base}/schools/100049?asOf=2026-11-03`);
    await check(page, problems, 'school');
    await page.goto(`${base}/providers/ALP-000?asOf=2026-11-03&authority=801`);
    await check(page, problems, 'provider');
    await page.goto(`${base}/trends?asOf=2026-11-03&authority=801`);
    expect(await page.locator('figure[data-chart] canvas').count()).toBe(2);
    await check(page, problems, 'trends');
    // 200% zoom of a 1280 px window: the overview fits 640 CSS pixels without scrolling sideways
    await page.setViewportSize({ width: 640, height: 900 });
    await page.goto(`${base}/?asOf=2026-11-03&authority=801`);
    await page.waitForLoadState('load');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    if (SCREENSHOTS)
      await page.screenshot({ path: path.join(SCREENSHOTS, 'overview-200-percent.png'), fullPage: false });
    expect(problems.console).toEqual([]);
    await page.close();
  });

  it('serves the GraphQL IDE from the hub, working with the network to the internet blocked', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    const outside: string[] = [];
    await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => {
      outside.push(route.request().url());
      return route.abort();
    });
    await signIn(page, officer, base);
    await page.goto(`${base}/graphql`);
    await page.waitForSelector('.graphiql-container', { timeout: 60_000 });
    expect(outside).toEqual([]);
    expect(problems.console).toEqual([]);
    if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, 'graphql-ide.png') });
    await page.close();
  });
});

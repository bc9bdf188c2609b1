import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePerson } from '../helpers/people.js';
import { expectNoAxeViolations, useServedApp } from '../helpers/served-app.js';

/**
 * The spaces' charts on a 360px-wide phone and on a desktop: the heat map's numbers and the
 * month-by-month bars stay readable (text at least 10px high as drawn), nothing widens the page,
 * and axe finds nothing. Set KITH_SCREENSHOTS=<folder> to keep the screenshots and look at them.
 */

const SHOTS = process.env.KITH_SCREENSHOTS;
const server = useServedApp(async () => {
  if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
});

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };

async function open(url: string, viewport: { width: number; height: number }, cookie?: string) {
  const context = await server.browser.newContext({ viewport });
  if (cookie) {
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: server.baseUrl }]);
  }
  const page = await context.newPage();
  const res = await page.goto(server.baseUrl + url);
  assert.equal(res?.status(), 200, url);
  return page;
}

const noAxeViolations = (page: Page) =>
  expectNoAxeViolations(page, `${page.url()} at ${page.viewportSize()?.width}px`);

/** The smallest height, as drawn on screen, of the text in the visible SVGs matching a selector. */
async function smallestText(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const heights = [...document.querySelectorAll<SVGSVGElement>(sel)]
      .filter((svg) => svg.getBoundingClientRect().width > 0)
      .flatMap((svg) => [...svg.querySelectorAll('text')].map((t) => t.getBoundingClientRect().height))
      .filter((h) => h > 0);
    return heights.length ? Math.min(...heights) : 0;
  }, selector);
}

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** The whole page, and each chart shown on it at the size it is drawn. */
async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const charts = page.locator(
    'svg.kith-heat-map__wide:visible, svg.kith-heat-map__tall:visible, svg.kith-chart__svg',
  );
  for (let i = 0; i < (await charts.count()); i++)
    await charts.nth(i).screenshot({ path: path.join(SHOTS, `${name}-chart-${i}.png`) });
}

test('the heat map turns on its side on a 360px phone, with readable numbers; wide on a desktop', async () => {
  for (const url of ['/trafford/spaces/stretford-library/use', '/trafford/spaces/use']) {
    const phone = await open(url, PHONE);
    assert.equal(await phone.locator('svg.kith-heat-map__wide').isVisible(), false);
    assert.equal(await phone.locator('svg.kith-heat-map__tall').isVisible(), true);
    assert.ok((await smallestText(phone, 'svg.kith-heat-map__tall')) >= 10, 'numbers at least 10px high');
    assert.ok((await pageWidth(phone)) <= PHONE.width, 'nothing wider than the screen');
    // Open the table behind the map: it scrolls within itself rather than widening the page.
    await phone.getByText('Show the heat map’s figures as a table').click();
    assert.ok((await pageWidth(phone)) <= PHONE.width, 'the open table does not widen the page');
    // The one shown is the one read out: its title names the map.
    assert.match(
      (await phone.locator('svg.kith-heat-map__tall').getAttribute('aria-labelledby')) ?? '',
      /heat-map-tall-title/,
    );
    await noAxeViolations(phone);
    await shot(phone, `heat-map-360${url.replaceAll('/', '-')}`);
    await phone.context().close();

    const desktop = await open(url, DESKTOP);
    assert.equal(await desktop.locator('svg.kith-heat-map__wide').isVisible(), true);
    assert.equal(await desktop.locator('svg.kith-heat-map__tall').isVisible(), false);
    assert.ok((await smallestText(desktop, 'svg.kith-heat-map__wide')) >= 10);
    await noAxeViolations(desktop);
    await shot(desktop, `heat-map-1280${url.replaceAll('/', '-')}`);
    await desktop.context().close();
  }
});

test('month by month: the bar chart and its table fit a 360px phone, and pass axe there and on a desktop', async () => {
  for (const url of ['/trafford/spaces/stretford-library/use/months', '/trafford/spaces/use/months']) {
    for (const [name, viewport] of [
      ['360', PHONE],
      ['1280', DESKTOP],
    ] as const) {
      const page = await open(url, viewport);
      assert.equal(await page.locator('svg.kith-chart__svg').isVisible(), true);
      assert.ok((await smallestText(page, 'svg.kith-chart__svg')) >= 10, `${url} chart text at ${name}px`);
      assert.ok((await pageWidth(page)) <= viewport.width, `${url} fits ${name}px`);
      await noAxeViolations(page);
      await shot(page, `months-${name}${url.replaceAll('/', '-')}`);
      await page.context().close();
    }
  }
});

test('the change form for an activity passes axe on a phone', async () => {
  const officer = await makePerson(server.db, { roles: ['officer'] });
  const [activity] = await server.db.query<{ id: string }>(
    "select id from activities where status = 'active' order by created_at limit 1",
  );
  const page = await open(`/trafford/whats-on/activities/${activity?.id}/edit`, PHONE, officer.cookie);
  assert.ok((await page.getByLabel('Name of the activity').inputValue()).length > 0);
  await noAxeViolations(page);
  await shot(page, 'activity-edit-360');
  await page.context().close();
});

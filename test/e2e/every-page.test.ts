import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { FINISHED_SLUG, PROPOSING_SLUG } from '../../src/modules/budgeting/seed/demo-budgets.js';
import { DEMO_CIRCLE_ID } from '../../src/modules/mutual-aid/circles/circle-seed.js';
import { DEMO_NOTICE_ID } from '../../src/modules/streets/notices/notice-seed.js';
import { hashToken, newToken } from '../../src/platform/auth/secrets.js';
import { demoUrl } from '../../src/platform/demo-params.js';
import { axeViolations } from '../helpers/axe.js';
import { launchBrowser, serveTestApp } from '../helpers/browser.js';
import { makePerson } from '../helpers/people.js';

const PAGE_BUDGET_BYTES = 150 * 1024;
/**
 * Pages checked at once. Chromium renders each page in its own process, so a few at a time keep
 * both of a CI machine's cores busy while another waits on the server; the sweep is the longest
 * part of CI.
 */
const AT_ONCE = 3;
const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 360, height: 740 },
];
let server: Awaited<ReturnType<typeof serveTestApp>>;
let browser: Browser;
let pages: string[] = [];
/** Pages that need sign-in are swept as a place admin (who may see them all). */
const protectedPages = new Set<string>();
let adminCookie = '';

before(async () => {
  server = await serveTestApp();
  browser = await launchBrowser();
  const gets = server.app.routeTable.filter((r) => r.method === 'GET' && !r.url.startsWith('/assets'));
  const missing = gets.filter((r) => demoUrl(r.url) === null).map((r) => r.url);
  assert.deepEqual(missing, [], 'every route parameter needs a demo value (a module’s demoParams)');
  const urls = [...new Set(gets.map((r) => demoUrl(r.url) as string))];
  const admin = await makePerson(server.db, { roles: ['place-admin'] });
  adminCookie = admin.cookie;
  // The admin asked for the demo help, so the pages only its two sides see (choosing a helper, the
  // match and its messages) are swept too.
  await server.db.query('update aid_posts set author_id = $1 where id = any($2::uuid[])', [
    admin.userId,
    // The demo need and the need in the demo match (src/modules/mutual-aid/posts/post-seed.ts).
    ['3f0c6a52-91d4-4c1e-9a7b-5e2d8f1a0001', '3f0c6a52-91d4-4c1e-9a7b-5e2d8f1a0003'],
  ]);
  // The admin organised the demo street party, so its question pages (only the organiser's) are swept.
  await server.db.query('update street_notices set organiser_id = $1 where id = $2', [
    admin.userId,
    DEMO_NOTICE_ID,
  ]);
  // A care circle is private to its members, staff included: the admin joins the demo one (as a
  // connector acting for the person, who sees every page of it) so that its pages are swept.
  await server.db.query(
    "insert into aid_circle_members (circle_id, user_id, role) values ($1, $2, 'connector')",
    [DEMO_CIRCLE_ID, admin.userId],
  );
  // Only the routes that answer with an HTML page are pages; the rest are data (tested elsewhere).
  for (const url of urls) {
    let res = await fetch(server.baseUrl + url, { redirect: 'follow' });
    if (new URL(res.url).pathname === '/account/sign-in' && !url.startsWith('/account/sign-in')) {
      res = await fetch(server.baseUrl + url, { redirect: 'follow', headers: { cookie: adminCookie } });
      protectedPages.add(new URL(res.url).pathname);
    }
    const landed = new URL(res.url);
    if ((res.headers.get('content-type') ?? '').startsWith('text/html') && res.status === 200) {
      pages.push(landed.pathname + landed.search);
    }
  }
  // Pages that take their subject in the query string: a hidden post by the admin to report and appeal.
  const [item] = await server.db.query<{ id: string }>(
    `insert into moderation_items (place_id, module, content_type, content_id, author_id, summary, status, hidden_reason)
     select p.id, 'ideas', 'idea', 'sweep', s.user_id, 'A bench by the canal', 'hidden', 'Rule 2'
     from places p, sessions s where p.slug = 'trafford' and s.id_hash is not null limit 1 returning id`,
  );
  await server.db.query(
    'update moderation_items set author_id = (select user_id from sessions order by created_at desc limit 1) where id = $1',
    [item?.id ?? null],
  );
  for (const extra of [
    `/trafford/report?item=${item?.id}`,
    `/trafford/moderation/appeal?item=${item?.id}`,
    // The second step of recording a signposting, once the subject and ward are chosen.
    '/trafford/connectors/signpost?ward=altrincham&category=food',
    // DBS answers and check-answers pages, reached only with answers in the query string.
    '/trafford/help/dbs-check/answer?setting=group&helps=children&tasks=supervising-children&frequency=weekly-or-more&supervised=yes&establishment=no&policy=enhanced',
    '/trafford/help/dbs-check/check-answers?setting=group&helps=adults&tasks=personal-care&frequency=once&supervised=no&policy=no-policy',
    // Reviewing a merge of two directory records (any two will do for the page).
    await mergePreviewUrl(),
    // Joining a care circle from an emailed invitation (to the admin's address).
    await circleInvitationUrl(admin.email),
    // The budgets' demo parameters name the one open for voting; these are the finished one's
    // results and delivery and the pages of the one taking proposals.
    ...budgetPages(),
  ]) {
    protectedPages.add(extra.split('?')[0] as string);
    pages.push(extra);
  }
  pages = [...new Set(pages)].sort();
});

function budgetPages(): string[] {
  const finished = `/trafford/budgets/${FINISHED_SLUG}`;
  const proposing = `/trafford/budgets/${PROPOSING_SLUG}`;
  return [
    `${finished}/results`,
    `${finished}/delivery`,
    `${finished}/delivery/1/update`,
    `${finished}/proposals`,
    `${proposing}/proposals/new`,
    `${proposing}/proposals/1/feasibility`,
    `${proposing}/proposals/1/cost`,
    `${proposing}/merges/new`,
  ];
}

async function circleInvitationUrl(email: string): Promise<string> {
  const token = newToken();
  await server.db.query(
    `insert into aid_circle_invitations (circle_id, email, token_hash, expires_at) values ($1, $2, $3, now() + interval '1 day')`,
    [DEMO_CIRCLE_ID, email, hashToken(token)],
  );
  return `/trafford/help/circles/invitation?token=${token}`;
}

async function mergePreviewUrl(): Promise<string> {
  const rows = await server.db.query<{ id: string }>(
    "select g.id from directory_groups g join places p on p.id = g.place_id where p.slug = 'trafford' order by g.slug limit 2",
  );
  return `/trafford/admin/directory/merge?keep=${rows[0]?.id}&duplicate=${rows[1]?.id}`;
}

after(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Runs check on every page, AT_ONCE at a time. Each worker keeps one browser page and moves it
 * from address to address (opening a page costs more than loading one), with only the admin's
 * cookie when the address needs it and none otherwise. The first failure fails the whole.
 */
async function eachPage(
  options: Parameters<Browser['newContext']>[0],
  check: (page: Page, url: string) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    try {
      while (next < pages.length) {
        const url = pages[next++] as string;
        await context.clearCookies();
        if (protectedPages.has(url.split('?')[0] ?? url)) {
          const [name, value] = adminCookie.split('=') as [string, string];
          await context.addCookies([{ name, value, url: server.baseUrl }]);
        }
        await check(page, url);
      }
    } finally {
      await context.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, pages.length) }, worker));
}

test('the sweep finds every page of the demo place', () => {
  for (const p of [
    '/trafford/',
    '/trafford/wards',
    '/trafford/wards/altrincham',
    '/trafford/contact',
    '/trafford/data',
    '/account/sign-in',
    '/account/sign-up',
    '/account',
    '/account/two-factor/setup',
    '/trafford/admin/audit',
    '/trafford/admin/jobs',
    '/dev/outbox',
    '/trafford/help/matches/6b1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d0001',
    '/trafford/help/needs/3f0c6a52-91d4-4c1e-9a7b-5e2d8f1a0001/ask/3f0c6a52-91d4-4c1e-9a7b-5e2d8f1a0004',
  ]) {
    assert.ok(pages.includes(p), `${p} is swept`);
  }
});

/**
 * One cold-cache load per page serves two checks: what it weighs on the wire, and axe at each
 * width. Loading each page once rather than once per check keeps the sweep, the longest part of
 * CI, as short as it can be.
 */
test('every page has zero axe violations against WCAG 2.2 AA, wide and narrow, and transfers under 150 KB', async () => {
  const failures: string[] = [];
  const report: string[] = [];
  const tooHeavy: string[] = [];
  await eachPage({}, async (page, url) => {
    await page.setViewportSize(VIEWPORTS[0] as { width: number; height: number });
    // A cold cache for every page, though the browser page is reused.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const responses: Promise<number>[] = [];
    const onFinished = (request: Request) => {
      responses.push(request.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
    };
    page.on('requestfinished', onFinished);
    // Network idle: the favicon and anything else late has arrived and been counted.
    await page.goto(server.baseUrl + url, { waitUntil: 'networkidle' });
    page.off('requestfinished', onFinished);
    const bytes = (await Promise.all(responses)).reduce((a, b) => a + b, 0);
    report.push(`${url}: ${(bytes / 1024).toFixed(1)} KB`);
    if (bytes >= PAGE_BUDGET_BYTES) tooHeavy.push(`${url} transferred ${bytes} bytes`);
    await cdp.detach();
    // Checked at each width on one load: no page runs script, so resizing the window lays out the
    // same document under the narrow media queries exactly as a phone loading it would.
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      for (const v of await axeViolations(page)) {
        failures.push(
          `${url} @${viewport.width}px: ${v.id} (${v.impact}) ${v.help}\n  ${v.targets.join('\n  ')}`,
        );
      }
    }
  });
  console.log(`Page weights:\n  ${report.sort().join('\n  ')}`);
  assert.deepEqual(failures.sort(), []);
  assert.deepEqual(tooHeavy.sort(), []);
});

/**
 * The only scripts a page may load: small, deferred enhancements served by Kith itself, over a
 * page that already works without them (here checked with JavaScript off).
 */
const ENHANCEMENTS = [
  /^\/trafford\/ideas\/similar\.js\?v=/, // similar ideas shown while typing a title
  /^\/trafford\/budgets\/ballot\.js\?v=/, // a points or within-budget ballot's running total
];

test('every page works with JavaScript switched off and loads no script but its own enhancements', async () => {
  await eachPage({ javaScriptEnabled: false }, async (page, url) => {
    const res = await page.goto(server.baseUrl + url);
    assert.equal(res?.status(), 200, url);
    assert.equal(await page.locator('h1').count(), 1, `${url} has one h1`);
    assert.ok(await page.locator('h1').isVisible(), `${url} heading visible`);
    // JSON-LD is data for machines (the OpenActive dataset site needs it), never run.
    const scripts = await page
      .locator('script:not([type="application/ld+json"])')
      .evaluateAll((list) =>
        list.map((s) => ({ src: s.getAttribute('src') ?? '', defer: s.hasAttribute('defer') })),
      );
    for (const script of scripts)
      assert.ok(
        script.defer && ENHANCEMENTS.some((e) => e.test(script.src)),
        `${url} loads only its own deferred enhancements, not ${script.src || 'an inline script'}`,
      );
  });
});

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { axeViolations } from './axe.js';
import { launchBrowser, serveTestApp } from './browser.js';
import { TEST_PASSWORD } from './people.js';

export type ServedApp = Awaited<ReturnType<typeof serveTestApp>> & {
  browser: Browser;
  /**
   * A person's own browser, without JavaScript, signed in on the way to `start` and landed there:
   * through the sign-in page with `start` as its return address, or (`redirected`) by opening
   * `start` and being sent to sign in first.
   */
  signedIn(email: string, start: string, options?: { redirected?: boolean }): Promise<Page>;
};

/**
 * One app for the whole e2e file, on a fresh demo database and a free loopback port, and one
 * headless Chromium: started before the first test, closed after the last. The returned object is
 * filled in by the `before` hook, so use it inside tests only; `setup` runs once both are ready.
 */
export function useServedApp(setup?: (served: ServedApp) => Promise<void>): ServedApp {
  const served = {
    async signedIn(email: string, start: string, options: { redirected?: boolean } = {}) {
      const context = await served.browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(
        options.redirected
          ? `${served.baseUrl}${start}`
          : `${served.baseUrl}/account/sign-in?return=${encodeURIComponent(start)}`,
      );
      await signIn(page, email);
      assert.equal(new URL(page.url()).pathname, start.split('?')[0]);
      return page;
    },
  } as ServedApp;
  // One hook does all, because the order of several top-level `before` hooks is not ours to rely on.
  before(async () => {
    Object.assign(served, await serveTestApp());
    served.browser = await launchBrowser();
    await setup?.(served);
  });
  after(async () => {
    await served.browser?.close();
    await served.close?.();
  });
  return served;
}

/** Fills in the sign-in form the page shows and sends it. */
export async function signIn(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Axe on a page that runs script, as it stands; `where` names the page in a failure. */
export async function expectNoAxeViolations(page: Page, where = page.url()): Promise<void> {
  assert.deepEqual(
    (await axeViolations(page)).map((v) => `${where}: ${v.id} ${v.help}\n  ${v.targets.join('\n  ')}`),
    [],
  );
}

/** A browser context with script, holding the same session (cookies) as the page's. */
async function scriptedCopy(page: Page) {
  const browser = page.context().browser();
  assert.ok(browser, 'the page is in a launched browser');
  const context = await browser.newContext();
  await context.addCookies(await page.context().cookies());
  return { context, copy: await context.newPage() };
}

/** Axe needs script in the page, so it checks the same address in a scripted copy of the session. */
export async function expectAccessible(page: Page): Promise<void> {
  const { context, copy } = await scriptedCopy(page);
  await copy.goto(page.url());
  try {
    await expectNoAxeViolations(copy, page.url());
  } finally {
    await context.close();
  }
}

/** Axe on the page as it stands (an error page after a POST cannot be fetched again). */
export async function expectAccessibleAsPosted(page: Page): Promise<void> {
  const { context, copy } = await scriptedCopy(page);
  // The same address first, so the page's styles load as they would; then the page as posted.
  await copy.goto(page.url());
  await copy.setContent(await page.content(), { waitUntil: 'load' });
  try {
    await expectNoAxeViolations(copy, `${page.url()} (after posting)`);
  } finally {
    await context.close();
  }
}

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';

/** How much of the last content read a timeout shows. */
const SHOWN = 1000;

/** page.content() and page.title() throw this while the page is between documents (Playwright's words). */
const NAVIGATING = /page is navigating|Execution context was destroyed/;

/**
 * Reads with `read` every 50 ms until what it reads matches `pattern` or `timeout` ms have
 * passed, counting a read that throws because the page is navigating as '' (no match yet).
 * Gives whether it matched and the last text read.
 */
async function readUntilMatching(
  read: () => Promise<string>,
  pattern: RegExp,
  timeout: number,
): Promise<{ matched: boolean; last: string }> {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    try {
      last = await read();
      // search() ignores a global pattern's lastIndex, so every read starts from the beginning.
      if (last.search(pattern) !== -1) return { matched: true, last };
    } catch (error) {
      if (!NAVIGATING.test(String(error))) throw error;
      last = '';
    }
    if (Date.now() >= deadline) return { matched: false, last };
    await sleep(50);
  }
}

/**
 * The page's HTML once it matches `pattern`, read again every 50 ms until it does.
 *
 * Why: a click or a form submit that loads a new page does not wait for that page, so a bare
 * `page.content()` straight after it can run while the page is between documents and return ''
 * or the old page, or throw "the page is navigating" (seen in CI). A pattern that only the new
 * page has proves it has loaded; read the other things to check from the returned content.
 * On timeout it fails as an assertion, with the pattern, the address and the start of the last
 * content read.
 */
export async function contentMatching(page: Page, pattern: RegExp, timeout = 10_000): Promise<string> {
  const { matched, last } = await readUntilMatching(() => page.content(), pattern, timeout);
  if (matched) return last;
  const shown = last.length > SHOWN ? `${last.slice(0, SHOWN)}…` : last || "'' (or the page was navigating)";
  assert.fail(
    `The page did not match ${pattern} within ${timeout} ms.\nAt ${page.url()}, the last content read began:\n${shown}`,
  );
}

/**
 * The page's title once it matches `pattern`, read again every 50 ms until it does.
 *
 * Why: the same race as contentMatching's. A bare `page.title()` straight after a navigating
 * click can read '' or the old page's title (seen in CI: '' after "Start now"), or throw while
 * the page is between documents. On timeout it fails as an assertion, with the pattern, the
 * address and the last title read.
 */
export async function titleMatching(page: Page, pattern: RegExp, timeout = 10_000): Promise<string> {
  const { matched, last } = await readUntilMatching(() => page.title(), pattern, timeout);
  if (matched) return last;
  const shown = last ? JSON.stringify(last) : "'' (or the page was navigating)";
  assert.fail(
    `The page title did not match ${pattern} within ${timeout} ms.\nAt ${page.url()}, the last title read was ${shown}`,
  );
}

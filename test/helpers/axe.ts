import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** The rules the pages are held to: WCAG 2.2 AA. */
export const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * axe-core itself, the copy @axe-core/playwright uses, run directly in the page: its builder opens
 * an extra page for every check, which doubles the cost of the e2e suite's slowest part.
 */
const AXE_SOURCE = fs.readFileSync(
  createRequire(createRequire(import.meta.url).resolve('@axe-core/playwright')).resolve(
    'axe-core/axe.min.js',
  ),
  'utf8',
);

export type AxeViolation = { id: string; impact: string | null; help: string; targets: string[] };

/** Runs in the page: axe over the whole document with the given tags. */
async function runAxe(tags: string[]): Promise<AxeViolation[]> {
  type Axe = {
    run: (
      context: Document,
      options: object,
    ) => Promise<{
      violations: Array<{
        id: string;
        impact: string | null;
        help: string;
        nodes: Array<{ target: unknown[] }>;
      }>;
    }>;
  };
  const axe = (window as unknown as { axe: Axe }).axe;
  const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}

/**
 * WCAG 2.2 AA violations on the page as it stands. Axe is injected once per document, so checking
 * again after resizing the window (or changing the page) costs only the check.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(runAxe, WCAG_22_AA);
}

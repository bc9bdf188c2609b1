import { monthlyRecord, tally } from '../../lib/standards/performance.js';
import type { ServiceContext } from '../../platform/http/request-context.js';
import type { Stat } from '../../platform/module-definition.js';
import { figuresOf, latestReportableMonth, listStandards } from './standards-service.js';

/**
 * For the annual report: over the last twelve months, how many monthly figures met their
 * standard, how many missed, and how many months had no figure at all.
 */
export async function standardsStats(ctx: ServiceContext, now = new Date()): Promise<Stat[]> {
  const [standards, figures] = await Promise.all([listStandards(ctx), figuresOf(ctx)]);
  const latest = latestReportableMonth(now);
  const total = { met: 0, missed: 0, noFigure: 0 };
  for (const s of standards) {
    const values = new Map(figures.filter((f) => f.standardId === s.id).map((f) => [f.month, f.value]));
    const t = tally(monthlyRecord(values, latest, 12, s.target, s.direction, s.sinceMonth));
    total.met += t.met;
    total.missed += t.missed;
    total.noFigure += t.noFigure;
  }
  return [
    { key: 'standards.standards', labelKey: 'standards.stats.standards', value: standards.length },
    { key: 'standards.met', labelKey: 'standards.stats.met', value: total.met },
    { key: 'standards.missed', labelKey: 'standards.stats.missed', value: total.missed },
    { key: 'standards.noFigure', labelKey: 'standards.stats.noFigure', value: total.noFigure },
  ];
}

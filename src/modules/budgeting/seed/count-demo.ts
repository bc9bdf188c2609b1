import { poundsText } from '../../../lib/money/pounds.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { postDeliveryUpdate } from '../delivery/delivery-service.js';
import { movePhase } from '../processes/process-service.js';
import { closeAndCount, requireResults } from '../results/result-service.js';

/** Delivery so far for the finished demo budget's funded projects, in the order they were funded. */
const PROGRESS = [
  {
    status: 'delivered',
    note: 'Finished and open. Thank you to everyone who helped plant and paint.',
    share: 100,
  },
  {
    status: 'in-progress',
    note: 'Work started in November; the contractor expects to finish in spring.',
    share: 60,
  },
  {
    status: 'in-progress',
    note: 'Materials ordered; volunteers meet on the first Saturday of each month.',
    share: 35,
  },
  {
    status: 'delayed',
    note: 'Waiting for a utility survey before digging. New start date in February.',
    share: 10,
  },
  { status: 'not-started', note: 'Planned for the spring planting season.', share: 0 },
] as const;

/**
 * Counts the finished demo budget with the real engine (as an officer would), moves it on to
 * delivery and posts progress on each funded project. Returns the funded project numbers.
 */
export async function countDemoBudget(seed: SeedContext, slug: string, officerId: string): Promise<number[]> {
  const ctx: ServiceContext = {
    db: seed.db,
    place: seed.place,
    actor: { userId: officerId, roles: ['officer'], platformAdmin: false },
  };
  await closeAndCount(ctx, slug);
  await movePhase(ctx, slug, 'delivery');
  const results = await requireResults(ctx, slug);
  for (const [i, project] of results.funded.entries()) {
    const step = PROGRESS[i % PROGRESS.length] ?? PROGRESS[0];
    const spent = (project.costPence * BigInt(step.share)) / 100n;
    await postDeliveryUpdate(ctx, slug, project.number, {
      status: step.status,
      note: step.note,
      spent: poundsText(spent),
    });
  }
  return results.funded.map((p) => p.number);
}

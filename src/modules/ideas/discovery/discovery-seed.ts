import type { SeedContext } from '../../../platform/module-definition.js';
import { listChallenges } from '../../mutual-aid/challenges/challenge-service.js';

/** A call that has closed (its ideas stay listed, nobody can answer it now). */
export const DEMO_CLOSED_CALL_ID = '1dea0000-0000-4000-8002-000000000001';

/**
 * The second demo call: closed a month ago, and belonging to the demo council challenge (when
 * the mutual-aid module has one), so the call pages show both states and the challenge link.
 */
export async function seedDiscovery({ db, place, log }: SeedContext): Promise<void> {
  const challenge = (await listChallenges({ db, place, actor: null })).find((c) => c.status === 'published');
  const rows = await db.query(
    `insert into idea_calls (id, place_id, question, description, challenge_id, opens_on, closes_on)
     values ($1, $2, $3, $4, $5, (now() at time zone 'Europe/London')::date - 120,
       (now() at time zone 'Europe/London')::date - 30)
     on conflict (id) do nothing returning id`,
    [
      DEMO_CLOSED_CALL_ID,
      place.id,
      'How might we help older neighbours who live alone to meet people every week?',
      'Many older people live on their own and some go days without talking to anyone. We asked for ideas that neighbours, groups and the council could try together, from lunch clubs to walking groups.',
      challenge?.id ?? null,
    ],
  );
  if (rows.length) log('Ideas: a closed call');
}

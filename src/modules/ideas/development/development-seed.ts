import { addDays } from '../../../lib/civil-date.js';
import { londonAt, londonParts } from '../../../lib/london-clock.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { holdSpaceForSessions } from '../../spaces/bookings/booking-service.js';
import { listSpaces } from '../../spaces/spaces/space-service.js';
import type { Stage } from '../idea-kinds.js';
import { DEMO_DEVELOPING_IDEA_ID, DEMO_IDEA_AUTHORS, DEMO_TESTING_IDEA_ID } from '../seed/demo-ideas.js';

/** This part's fixed ids: 1dea0000-0000-4000-8003-… */
const id = (n: number) => `1dea0000-0000-4000-8003-${String(n).padStart(12, '0')}`;
const idea = (n: number) => `1dea0000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const DEMO_ADOPTED_IDEA_ID = idea(7);
export const DEMO_LEARNED_IDEA_ID = idea(8);
/** The space the demo trial books (spaces seed), open every day. */
const TRIAL_SPACE = 'partington-community-centre';

/** Residents who joined the demo teams (accounts without passwords). */
export const DEMO_TEAM_MEMBERS = [
  { id: id(1), email: 'rosa.team@trafford-together.example', name: 'Rosa Kowalski' },
  { id: id(2), email: 'dev.team@trafford-together.example', name: 'Dev Mistry' },
  { id: id(3), email: 'kemi.team@trafford-together.example', name: 'Kemi Adebayo' },
  { id: id(4), email: 'sam.team@trafford-together.example', name: 'Sam Hughes' },
] as const;

const TEAMS: { idea: string; members: { who: number; role: string }[] }[] = [
  {
    idea: DEMO_DEVELOPING_IDEA_ID,
    members: [
      { who: 0, role: 'Steward the north end of the road' },
      { who: 1, role: 'Apply for the road closure and talk to the council' },
      { who: 2, role: 'Knock on doors and put the leaflet through' },
    ],
  },
  {
    idea: DEMO_TESTING_IDEA_ID,
    members: [
      { who: 3, role: 'Run the tea rota' },
      { who: 2, role: 'Count who comes and ask what they think' },
    ],
  },
];

type SeedUpdate = { idea: string; from?: Stage; to?: Stage; body: string; daysAgo: number; author: string };

const UPDATES: SeedUpdate[] = [
  {
    idea: DEMO_DEVELOPING_IDEA_ID,
    from: 'proposed',
    to: 'developing',
    body: 'We have a team! Next we will ask the neighbours on the street what they think, and find out what the council needs for a road closure.',
    daysAgo: 30,
    author: DEMO_IDEA_AUTHORS[3].id,
  },
  {
    idea: DEMO_DEVELOPING_IDEA_ID,
    body: 'Thirty households have said yes so far, and two said they were worried about parking. We are working out a plan for residents’ cars.',
    daysAgo: 9,
    author: DEMO_IDEA_AUTHORS[3].id,
  },
  {
    idea: DEMO_TESTING_IDEA_ID,
    from: 'proposed',
    to: 'developing',
    body: 'The market hall’s owners have said we can use the empty unit. Next: a rota of volunteers and a food hygiene course.',
    daysAgo: 60,
    author: DEMO_IDEA_AUTHORS[0].id,
  },
  {
    idea: DEMO_TESTING_IDEA_ID,
    from: 'developing',
    to: 'testing',
    body: 'The café opens for six weeks. A session at the community centre trains the volunteers first.',
    daysAgo: 12,
    author: DEMO_IDEA_AUTHORS[0].id,
  },
];

const OUTCOMES = [
  {
    idea: DEMO_ADOPTED_IDEA_ID,
    ending: 'adopted',
    whatHappened:
      'The three verges were left unmown from April to August. The school counted bees and butterflies every fortnight: more than twice as many as on the mown verges. Only two people complained, and both liked it once they read the signs.',
    evidence:
      'The school’s counts: 212 bees and butterflies on the wild verges against 96 on the mown ones. The parks team’s costs fell by £1,800 for the season.',
    carriedOnBy: 'The council’s parks team, with the primary school counting each summer',
    author: DEMO_IDEA_AUTHORS[1].id,
  },
  {
    idea: DEMO_LEARNED_IDEA_ID,
    ending: 'learned',
    whatHappened:
      'The library stayed open until 7pm on Tuesdays and Thursdays for a term. Eight to twelve pupils came each evening, but we could not find enough volunteers for a second term, and the library could not pay for the extra staff hours.',
    evidence:
      'Pupils said the quiet and the help with maths mattered most. The youth service will try a homework club in the youth centre instead, where staff are already there.',
    carriedOnBy: '',
    author: DEMO_IDEA_AUTHORS[2].id,
  },
] as const;

async function seedTrialBooking(tx: Tx, seed: SeedContext): Promise<string | null> {
  const author = DEMO_IDEA_AUTHORS[0];
  const ctx: ServiceContext = {
    db: tx as unknown as Db,
    place: seed.place,
    actor: { userId: author.id, roles: ['resident'], platformAdmin: false },
  };
  if (!seed.place.modules.includes('spaces')) return null;
  const space = (await listSpaces(ctx)).find((s) => s.slug === TRIAL_SPACE);
  if (!space) return null;
  const today = londonParts(new Date()).date;
  // The volunteers' training session, on the first free morning from next week.
  for (let d = 7; d < 28; d++) {
    const date = addDays(today, d);
    try {
      const [bookingId] = await holdSpaceForSessions(tx, ctx, space.id, {
        title: 'Trial: volunteers’ training for the pay-as-you-feel café',
        groupId: null,
        times: [{ startsAt: londonAt(date, 10 * 60), endsAt: londonAt(date, 13 * 60) }],
      });
      return bookingId ?? null;
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
    }
  }
  return null;
}

/**
 * Teams, a trial, updates and outcomes for the demo ideas (after seedDemoIdeas). Idempotent:
 * every row has a fixed key, and an idea that already has updates or a trial is left alone.
 */
export async function seedDevelopment(seed: SeedContext): Promise<void> {
  const { db, place, log } = seed;
  const present = await db.query<{ id: string }>(
    'select id from ideas where place_id = $1 and id = any($2::uuid[])',
    [place.id, [DEMO_DEVELOPING_IDEA_ID, DEMO_TESTING_IDEA_ID, DEMO_ADOPTED_IDEA_ID, DEMO_LEARNED_IDEA_ID]],
  );
  if (present.length < 4) return;
  await withTransaction(db, async (tx) => {
    for (const p of DEMO_TEAM_MEMBERS)
      await tx.query(
        'insert into users (id, email, display_name, email_verified_at) values ($1, $2, $3, now()) on conflict do nothing',
        [p.id, p.email, p.name],
      );
    for (const team of TEAMS) {
      const [author] = await tx.query<{ author_id: string | null }>(
        'select author_id from ideas where id = $1',
        [team.idea],
      );
      if (author?.author_id)
        await tx.query(
          `insert into idea_team_members (idea_id, user_id, is_lead, role, joined_at)
           values ($1, $2, true, 'Started the idea', now() - interval '40 days') on conflict do nothing`,
          [team.idea, author.author_id],
        );
      for (const [i, m] of team.members.entries())
        await tx.query(
          `insert into idea_team_members (idea_id, user_id, is_lead, role, joined_at)
           values ($1, $2, false, $3, now() - make_interval(days => $4)) on conflict do nothing`,
          [team.idea, DEMO_TEAM_MEMBERS[m.who]?.id ?? null, m.role, 35 - i * 5],
        );
    }
    const seeded = await tx.query('select 1 from idea_updates where idea_id = any($1::uuid[]) limit 1', [
      TEAMS.map((t) => t.idea),
    ]);
    if (!seeded.length)
      for (const u of UPDATES)
        await tx.query(
          `insert into idea_updates (idea_id, kind, from_stage, to_stage, body, created_by, created_at)
           values ($1, $2, $3, $4, $5, $6, now() - make_interval(days => $7))`,
          [u.idea, u.to ? 'stage' : 'note', u.from ?? null, u.to ?? null, u.body, u.author, u.daysAgo],
        );
    const trial = await tx.query('select 1 from idea_trials where idea_id = $1', [DEMO_TESTING_IDEA_ID]);
    if (!trial.length) {
      const bookingId = await seedTrialBooking(tx, seed);
      const today = londonParts(new Date()).date;
      await tx.query(
        `insert into idea_trials (idea_id, starts_on, ends_on, measure, booking_id, booked_by, grant_pence, grant_from,
           created_by)
         values ($1, $2, $3, $4, $5, $6, 45000, 'Altrincham ward fund', $6)`,
        [
          DEMO_TESTING_IDEA_ID,
          addDays(today, -12),
          addDays(today, 30),
          'How many people come each day, how many came on their own, what they spend, and what they tell us on the feedback cards.',
          bookingId,
          DEMO_IDEA_AUTHORS[0].id,
        ],
      );
    }
    for (const o of OUTCOMES)
      await tx.query(
        `insert into idea_outcomes (idea_id, ending, what_happened, evidence, carried_on_by, created_by)
         values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
        [o.idea, o.ending, o.whatHappened, o.evidence, o.carriedOnBy, o.author],
      );
  });
  log('Ideas: teams, a trial, updates and outcomes');
}

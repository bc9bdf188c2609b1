import { createHash } from 'node:crypto';
import { addDays } from '../../../lib/civil-date.js';
import { endOfLondonDay, londonAt, londonParts } from '../../../lib/london-clock.js';
import { seededRandom } from '../../../lib/random/seeded.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { AGE_BANDS } from '../verification/voter-service.js';
import { countDemoBudget } from './count-demo.js';
import {
  type DemoProposal,
  FINISHED_ID,
  FINISHED_PROPOSALS,
  FINISHED_SLUG,
  PROPOSING_ID,
  PROPOSING_PROPOSALS,
  PROPOSING_SLUG,
  VOTING_ID,
  VOTING_PROPOSALS,
  VOTING_SLUG,
} from './demo-budgets.js';
import { seedVoterChecks } from './voter-seed.js';

/** The people who put the demo proposals forward (accounts without passwords). */
const AUTHORS = [
  {
    id: 'b0d9e7a0-0000-4000-8000-0000000000a1',
    email: 'amina.pb@trafford-together.example',
    name: 'Amina Yusuf',
  },
  {
    id: 'b0d9e7a0-0000-4000-8000-0000000000a2',
    email: 'tom.pb@trafford-together.example',
    name: 'Tom Gallagher',
  },
  {
    id: 'b0d9e7a0-0000-4000-8000-0000000000a3',
    email: 'grace.pb@trafford-together.example',
    name: 'Grace Owusu',
  },
];
export const SEED_OFFICER = {
  id: 'b0d9e7a0-0000-4000-8000-0000000000b1',
  email: 'pb-team@trafford-together.example',
  name: 'Participatory budgeting team',
};

type Ward = { code: string; population: number };

/** A random receipt nobody holds: synthetic ballots can be checked by nobody. */
const receiptHash = (seed: string) => createHash('sha256').update(`demo-ballot:${seed}`).digest('hex');

async function insertProcess(
  tx: Tx,
  placeId: string,
  p: Record<string, string | number | boolean | string[] | Date | null>,
): Promise<boolean> {
  const names = Object.keys(p);
  const rows = await tx.query(
    `insert into pb_processes (place_id, ${names.join(', ')})
     values ($1, ${names.map((_, i) => `$${i + 2}`).join(', ')}) on conflict do nothing returning id`,
    [placeId, ...Object.values(p)],
  );
  return rows.length > 0;
}

/** Proposals 1…n in list order; returns the ids and costs of the feasible ones. */
async function insertProposals(
  tx: Tx,
  processId: string,
  proposals: DemoProposal[],
  checked: boolean,
  putForward: Date = new Date(),
) {
  const feasible: { id: string; costPence: number; ward: string; appeal: number }[] = [];
  for (const [i, p] of proposals.entries()) {
    const costPence = p.costs.reduce((sum, [, pounds]) => sum + pounds * 100, 0);
    const status = !checked ? 'submitted' : p.notFeasible ? 'not-feasible' : 'feasible';
    const reason = !checked
      ? ''
      : (p.notFeasible ?? 'Checked by the council: it can be built on council land within the cost given.');
    const rows = await tx.query<{ id: string }>(
      `insert into pb_proposals (process_id, number, title, summary, description, ward_code, category, location,
         author_id, status, feasibility_reason, checked_by, checked_at, cost_pence, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) returning id`,
      [
        processId,
        i + 1,
        p.title,
        p.summary,
        p.summary,
        p.ward,
        p.category,
        p.location,
        AUTHORS[i % AUTHORS.length]?.id ?? null,
        status,
        reason,
        checked ? SEED_OFFICER.id : null,
        checked ? new Date(Math.min(putForward.getTime() + 40 * 86_400_000, Date.now())) : null,
        costPence,
        putForward,
      ],
    );
    const id = rows[0]?.id as string;
    for (const [position, [label, pounds]] of p.costs.entries())
      await tx.query(
        'insert into pb_proposal_costs (proposal_id, position, label, amount_pence) values ($1, $2, $3, $4)',
        [id, position, label, pounds * 100],
      );
    if (status === 'feasible') feasible.push({ id, costPence, ward: p.ward, appeal: p.appeal });
  }
  return feasible;
}

type Project = { id: string; costPence: number; ward: string; appeal: number };

/** One synthetic voter's choices: approval of up to `max` projects, or a knapsack within `budget`. */
function choose(
  random: () => number,
  projects: Project[],
  ward: string,
  ballot: { max: number } | { budgetPence: number },
): string[] {
  const liked = projects
    .map((p) => ({ p, score: random() / (p.appeal * (p.ward === ward ? 2.2 : 0.8)) }))
    .sort((a, b) => a.score - b.score);
  if ('max' in ballot) {
    const picked = liked.filter(
      ({ p }) => random() < Math.min(0.95, p.appeal * (p.ward === ward ? 2.2 : 0.8)),
    );
    return (picked.length ? picked : liked.slice(0, 1)).slice(0, ballot.max).map(({ p }) => p.id);
  }
  const out: string[] = [];
  let left = ballot.budgetPence;
  for (const { p } of liked) {
    if (p.costPence <= left && (out.length === 0 || random() < 0.7)) {
      out.push(p.id);
      left -= p.costPence;
    }
  }
  return out;
}

/** Inserts `count` voters and ballots, in chunks, with wards weighted by population. */
async function castSynthetic(
  tx: Tx,
  processId: string,
  projects: Project[],
  wards: Ward[],
  count: number,
  seed: number,
  ballot: { max: number } | { budgetPence: number },
): Promise<void> {
  const random = seededRandom(seed);
  const total = wards.reduce((s, w) => s + w.population, 0);
  const pickWard = () => {
    let r = random() * total;
    for (const w of wards) {
      r -= w.population;
      if (r < 0) return w.code;
    }
    return wards[wards.length - 1]?.code as string;
  };
  const methods = ['email', 'email', 'email', 'letter', 'letter', 'in-person'] as const;
  const voters: unknown[][] = [];
  const papers: unknown[][] = [];
  const ballots: unknown[][] = [];
  for (let i = 0; i < count; i++) {
    const ward = pickWard();
    const ageBand = random() < 0.8 ? AGE_BANDS[Math.floor(random() * AGE_BANDS.length)] : null;
    const paper = random() < 0.08;
    if (paper) papers.push([String(i + 1), ward, ageBand]);
    else voters.push([methods[Math.floor(random() * methods.length)], ward, ageBand]);
    ballots.push([
      receiptHash(`${processId}:${i}`),
      paper ? 'paper' : 'online',
      choose(random, projects, ward, ballot),
    ]);
  }
  const chunk = 500;
  for (let i = 0; i < voters.length; i += chunk) {
    const part = voters.slice(i, i + chunk);
    await tx.query(
      `insert into pb_voters (process_id, method, ward_code, age_band, voted, channel)
       select $1, m, w, a, true, 'online' from unnest($2::text[], $3::text[], $4::text[]) as v(m, w, a)`,
      [
        processId,
        part.map((v) => v[0] as string),
        part.map((v) => v[1] as string),
        part.map((v) => v[2] as string | null),
      ],
    );
  }
  if (papers.length)
    await tx.query(
      `insert into pb_paper_ballots (process_id, round, paper_number, status, ward_code, age_band)
       select $1, 1, n, 'counted', w, a from unnest($2::text[], $3::text[], $4::text[]) as p(n, w, a)`,
      [
        processId,
        papers.map((p) => p[0] as string),
        papers.map((p) => p[1] as string),
        papers.map((p) => p[2] as string | null),
      ],
    );
  for (let i = 0; i < ballots.length; i += chunk) {
    const part = ballots.slice(i, i + chunk);
    await tx.query(
      `insert into pb_ballots (process_id, round, receipt_hash, channel, projects)
       select $1, 1, r, c, string_to_array(p, ',')::uuid[]
       from unnest($2::text[], $3::text[], $4::text[]) as b(r, c, p)`,
      [
        processId,
        part.map((b) => b[0] as string),
        part.map((b) => b[1] as string),
        part.map((b) => (b[2] as string[]).join(',')),
      ],
    );
  }
}

/**
 * Three demo budgets in Trafford: a finished one (3,000 synthetic ballots, counted by the real
 * engine, delivery under way), a ward budget open for voting, and one taking proposals.
 * Idempotent: a budget that exists is left alone.
 */
export async function seedBudgets(ctx: SeedContext): Promise<void> {
  const { db, place, log } = ctx;
  if (place.slug !== 'trafford') return;
  const wards = await db.query<Ward>(
    'select code, coalesce(population, 10000) as population from wards where place_id = $1 order by code',
    [place.id],
  );
  if (!wards.length) return;
  const today = londonParts(new Date()).date;
  let finishedIsNew = false;
  let votingIsNew = false;
  await withTransaction(db, async (tx) => {
    for (const person of [...AUTHORS, SEED_OFFICER])
      await tx.query(
        'insert into users (id, email, display_name, email_verified_at) values ($1, $2, $3, now()) on conflict do nothing',
        [person.id, person.email, person.name],
      );

    finishedIsNew = await insertProcess(tx, place.id, {
      id: FINISHED_ID,
      slug: FINISHED_SLUG,
      title: 'Green Streets Fund 2026',
      summary:
        'Residents across Trafford decided how to spend £150,000 on greener, safer and friendlier streets and parks.',
      budget_pence: 15_000_000,
      ballot_type: 'approval',
      min_selections: 1,
      max_selections: 5,
      verification_methods: ['email', 'letter', 'in-person'],
      phase: 'voting',
      ideas_from: '2026-04-01',
      proposals_from: '2026-05-01',
      feasibility_from: '2026-07-01',
      voting_opens_at: londonAt('2026-09-01'),
      voting_closes_at: endOfLondonDay('2026-09-30'),
      results_from: '2026-10-05',
      delivery_from: '2026-10-15',
      locked_at: londonAt('2026-09-01'),
    });
    if (finishedIsNew) {
      const projects = await insertProposals(
        tx,
        FINISHED_ID,
        FINISHED_PROPOSALS,
        true,
        londonAt('2026-05-20'),
      );
      await castSynthetic(tx, FINISHED_ID, projects, wards, 3000, 2026, { max: 5 });
    }

    votingIsNew = await insertProcess(tx, place.id, {
      id: VOTING_ID,
      slug: VOTING_SLUG,
      title: 'Stretford & Humphrey Park Ward Budget 2027',
      summary: '£40,000 for projects in Stretford & Humphrey Park, chosen by the people who live there.',
      ward_code: 'E05015256',
      budget_pence: 4_000_000,
      ballot_type: 'knapsack',
      min_selections: 1,
      max_selections: null,
      verification_methods: ['email', 'letter', 'register', 'in-person'],
      phase: 'voting',
      proposals_from: addDays(today, -70),
      feasibility_from: addDays(today, -35),
      voting_opens_at: londonAt(addDays(today, -7)),
      voting_closes_at: endOfLondonDay(addDays(today, 21)),
      results_from: addDays(today, 24),
      locked_at: londonAt(addDays(today, -7)),
    });
    if (votingIsNew) {
      const projects = await insertProposals(tx, VOTING_ID, VOTING_PROPOSALS, true);
      await castSynthetic(
        tx,
        VOTING_ID,
        projects,
        wards.filter((w) => w.code === 'E05015256'),
        140,
        2027,
        {
          budgetPence: 4_000_000,
        },
      );
    }

    if (
      await insertProcess(tx, place.id, {
        id: PROPOSING_ID,
        slug: PROPOSING_SLUG,
        title: 'Sale Moor Play Fund',
        summary: '£25,000 for places to play in Sale Moor. Put your idea forward.',
        ward_code: 'E05015255',
        budget_pence: 2_500_000,
        ballot_type: 'approval',
        min_selections: 1,
        max_selections: 2,
        verification_methods: ['email'],
        phase: 'proposals',
        ideas_from: addDays(today, -30),
        proposals_from: addDays(today, -10),
        feasibility_from: addDays(today, 30),
      })
    )
      await insertProposals(tx, PROPOSING_ID, PROPOSING_PROPOSALS, false);
  });
  if (finishedIsNew) {
    const funded = await countDemoBudget(ctx, FINISHED_SLUG, SEED_OFFICER.id);
    log(`budgeting: counted ${FINISHED_SLUG}; funded ${funded.length} projects`);
  }
  if (votingIsNew)
    await seedVoterChecks(ctx, SEED_OFFICER.id, { voting: VOTING_SLUG, proposing: PROPOSING_SLUG });
  log('budgeting: 3 participatory budgets (finished, voting, proposals)');
}

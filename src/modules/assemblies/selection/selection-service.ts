import { createHash } from 'node:crypto';
import { z } from 'zod';
import { checkQuotaArithmetic } from '../../../lib/sortition/csv-input.js';
import { drawIndex } from '../../../lib/sortition/draw.js';
import { makeLottery } from '../../../lib/sortition/lottery.js';
import { InfeasibleQuotasError, replacementProblem, selectPanel } from '../../../lib/sortition/select.js';
import type { RandomSource, Selection, SelectionProblem } from '../../../lib/sortition/types.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { queueEmail } from '../../../platform/email/outbox.js';
import { Conflict, Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { isLanguage } from '../../../platform/i18n/i18n.js';
import type { JobSite } from '../../../platform/module-definition.js';
import {
  type Assembly,
  type AssemblyAlgorithm,
  getAssembly,
  requireAssignedOfficer,
  setStatus,
} from '../setup/assembly-service.js';
import { buildProblem, type PoolRespondent, quotaCoverage } from './selection-problem.js';

/**
 * Choosing an assembly's panel: the sortition engine (src/lib/sortition) finds the fairest
 * distribution over panels that meet the quotas, it becomes a lottery of LOTTERY_SIZE numbered
 * panels (public from the moment it is made), and the assigned officers then draw one with a
 * public random number. Publishing is final. Members who drop out are replaced the same way.
 */

/** Numbered panels in a lottery: three ten-sided dice read as 000 to 999. */
export const LOTTERY_SIZE = 1000;
/** A selection runs inside the officer's request, so the search is cut off after this long. */
export const TIME_LIMIT_SECONDS = 120;

const E = 'assemblies.selection.errors';

/** The quotas cannot be met; `conflicts` says which, in plain English, from the engine. */
export class SelectionInfeasible extends Invalid {
  constructor(readonly conflicts: string[]) {
    super({ quotas: `${E}.infeasible` }, 'No panel from these respondents meets the quotas');
  }
}

/** The public random number (000–999) or an agreed seed, as an officer types it in. */
export const RandomInput = z
  .object({
    randomKind: z.enum(['number', 'seed'], { message: `${E}.randomKindMissing` }),
    randomNumber: z.string().trim().default(''),
    randomSeed: z.string().trim().default(''),
  })
  .superRefine((v, ctx) => {
    if (v.randomKind === 'number' && !/^\d{1,3}$/.test(v.randomNumber))
      ctx.addIssue({ code: 'custom', path: ['randomNumber'], message: `${E}.randomNumberInvalid` });
    if (v.randomKind === 'seed' && (v.randomSeed === '' || v.randomSeed.length > 200))
      ctx.addIssue({ code: 'custom', path: ['randomSeed'], message: `${E}.randomSeedInvalid` });
  })
  .transform(
    (v): RandomSource =>
      v.randomKind === 'number'
        ? { kind: 'number', value: Number(v.randomNumber) }
        : { kind: 'seed', value: v.randomSeed },
  );

export const DropoutInput = z.object({
  member: z
    .string()
    .trim()
    .regex(/^R[0-9]{4,6}$/, `${E}.memberMissing`),
  reason: z.string().trim().min(1, `${E}.reasonMissing`).max(1000, `${E}.reasonTooLong`),
});

export type SelectionRun = {
  id: string;
  algorithm: AssemblyAlgorithm;
  runAt: Date;
  n: number;
  k: number;
  minProbability: number;
  bound: number;
  optimal: boolean;
  seconds: number;
  lotterySize: number;
  lotteryMaxDeviation: number;
  /** Each lottery panel as respondents' references. */
  lottery: string[][];
  /** Chance by respondent id. */
  probabilities: Record<string, number>;
  random: RandomSource | null;
  panelIndex: number | null;
  publishedAt: Date | null;
};

type RunRow = {
  id: string;
  algorithm: AssemblyAlgorithm;
  run_at: Date;
  n: number;
  k: number;
  min_probability: number;
  bound: number;
  optimal: boolean;
  seconds: number;
  lottery_size: number;
  lottery_max_deviation: number;
  lottery: string[][];
  probabilities: Record<string, number>;
  random_kind: 'number' | 'seed' | null;
  random_value: string | null;
  panel_index: number | null;
  published_at: Date | null;
};

const RUN_COLUMNS = `id, algorithm, run_at, n, k, min_probability, bound, optimal, seconds, lottery_size,
  lottery_max_deviation, lottery, probabilities, random_kind, random_value, panel_index, published_at`;

function randomOf(kind: 'number' | 'seed' | null, value: string | null): RandomSource | null {
  if (kind === null || value === null) return null;
  return kind === 'number' ? { kind, value: Number(value) } : { kind, value };
}

function toRun(r: RunRow): SelectionRun {
  return {
    id: r.id,
    algorithm: r.algorithm,
    runAt: new Date(r.run_at),
    n: r.n,
    k: r.k,
    minProbability: r.min_probability,
    bound: r.bound,
    optimal: r.optimal,
    seconds: r.seconds,
    lotterySize: r.lottery_size,
    lotteryMaxDeviation: r.lottery_max_deviation,
    lottery: r.lottery,
    probabilities: r.probabilities,
    random: randomOf(r.random_kind, r.random_value),
    panelIndex: r.panel_index,
    publishedAt: r.published_at ? new Date(r.published_at) : null,
  };
}

/** The latest run: the published one if there is one (publishing is final), else the newest. */
export async function latestRun(db: Db | Tx, assemblyId: string, lock = false): Promise<SelectionRun | null> {
  const rows = await db.query<RunRow>(
    `select ${RUN_COLUMNS} from assembly_selection_runs where assembly_id = $1
     order by published_at is null, run_at desc, id limit 1${lock ? ' for update' : ''}`,
    [assemblyId],
  );
  return rows[0] ? toRun(rows[0]) : null;
}

type RespondentRow = PoolRespondent & {
  name: string;
  email: string | null;
  status: string;
  probability: number | null;
  lang: string | null;
};

async function respondents(db: Db | Tx, assemblyId: string, statuses: string[]): Promise<RespondentRow[]> {
  return db.query<RespondentRow>(
    `select r.id, r.reference, r.household, r.features, r.name, r.email, r.status, r.probability,
            u.preferred_language as lang
     from assembly_respondents r left join users u on u.id = r.user_id
     where r.assembly_id = $1 and r.status = any($2::text[]) order by r.reference`,
    [assemblyId, statuses],
  );
}

async function officerAssembly(ctx: ServiceContext, slug: string, db: Db | Tx = ctx.db): Promise<Assembly> {
  const assembly = await getAssembly(ctx, slug, db);
  await requireAssignedOfficer(ctx, assembly);
  return assembly;
}

/** What the officer sees before and after running the selection. */
export async function selectionOverview(ctx: ServiceContext, slug: string) {
  const assembly = await officerAssembly(ctx, slug);
  const registered = await respondents(ctx.db, assembly.id, ['registered']);
  const built = buildProblem(assembly.features, registered, assembly.panelSize);
  const run = await latestRun(ctx.db, assembly.id);
  return {
    assembly,
    registered: registered.length,
    pool: built.pool.length,
    incomplete: built.incomplete,
    coverage: quotaCoverage(assembly.features, built.pool),
    quotaProblems:
      assembly.features.length && built.pool.length
        ? checkQuotaArithmetic(built.problem.features, built.problem.people, assembly.panelSize)
        : [],
    run,
    chances: run ? Object.values(run.probabilities) : [],
  };
}

/** A 32-bit seed for the legacy selector (random by nature), fixed per assembly so runs repeat. */
function legacySeed(assemblyId: string): number {
  return createHash('sha256').update(`legacy:${assemblyId}`).digest().readUInt32BE(0);
}

/** How long the engine and the lottery's rounding may take (the demo seed keeps them short). */
export type SolveLimits = { timeLimitSeconds?: number; lotteryTimeLimitSeconds?: number };

async function solve(
  problem: SelectionProblem,
  algorithm: AssemblyAlgorithm,
  seed: number,
  limits: SolveLimits,
) {
  const timeLimit = limits.timeLimitSeconds ?? TIME_LIMIT_SECONDS;
  let selection: Selection;
  try {
    selection = await selectPanel(problem, { algorithm, timeLimitSeconds: timeLimit, seed });
  } catch (error) {
    if (error instanceof InfeasibleQuotasError) throw new SelectionInfeasible(error.conflicts);
    throw error;
  }
  const lottery = await makeLottery(selection.distribution, problem.people.length, LOTTERY_SIZE, {
    timeLimitSeconds: limits.lotteryTimeLimitSeconds,
  });
  return { selection, lottery };
}

/**
 * Runs the selection over the registered respondents and stores the run and its lottery (the
 * assembly moves to `selecting`). Nothing about any respondent changes until it is published;
 * running again before then replaces what the public sees with a newer lottery.
 */
export async function runSelection(
  ctx: ServiceContext,
  slug: string,
  options: SolveLimits = {},
): Promise<string> {
  const assembly = await officerAssembly(ctx, slug);
  if (await publishedRun(ctx.db, assembly.id)) throw new Conflict('The selection has been published');
  if (!assembly.features.length) throw new Invalid({ quotas: `${E}.noFeatures` });
  const registered = await respondents(ctx.db, assembly.id, ['registered']);
  const { problem, pool } = buildProblem(assembly.features, registered, assembly.panelSize);
  if (!pool.length) throw new Invalid({ quotas: `${E}.noRespondents` });
  const arithmetic = checkQuotaArithmetic(problem.features, problem.people, problem.k);
  if (arithmetic.length) throw new SelectionInfeasible(arithmetic);

  const { algorithm } = assembly;
  const started = performance.now();
  const { selection, lottery } = await solve(problem, algorithm, legacySeed(assembly.id), options);
  const seconds = (performance.now() - started) / 1000;
  const probabilities = Object.fromEntries(
    pool.map((r, i) => [r.id, clamp(selection.distribution.probabilities[i] ?? 0)]),
  );
  const lotteryRefs = lottery.panels.map((panel) => panel.map((i) => pool[i]?.reference as string));
  const minProbability = Math.min(...Object.values(probabilities));

  return withTransaction(ctx.db, async (tx) => {
    if (await publishedRun(tx, assembly.id)) throw new Conflict('The selection has been published');
    const rows = await tx.query<{ id: string }>(
      `insert into assembly_selection_runs (assembly_id, algorithm, run_by, n, k, min_probability, bound,
         optimal, seconds, lottery_size, lottery_max_deviation, lottery, probabilities)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13::jsonb) returning id`,
      [
        assembly.id,
        algorithm,
        ctx.actor?.userId ?? null,
        pool.length,
        problem.k,
        minProbability,
        clamp(selection.bound),
        selection.optimal,
        seconds,
        lottery.panels.length,
        lottery.maxDeviation,
        JSON.stringify(lotteryRefs),
        JSON.stringify(probabilities),
      ],
    );
    const id = rows[0]?.id as string;
    if (assembly.status !== 'selecting') await setStatus(ctx, assembly.slug, 'selecting', tx);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.selection.run',
      targetType: 'assembly',
      targetId: assembly.id,
      after: {
        run: id,
        algorithm,
        n: pool.length,
        k: problem.k,
        minProbability,
        optimal: selection.optimal,
        seconds,
      },
      requestId: ctx.requestId ?? null,
    });
    return id;
  });
}

/** LP noise just outside 0 to 1 is rounded in (the columns check the range). */
const clamp = (p: number) => Math.min(1, Math.max(0, p));

async function publishedRun(db: Db | Tx, assemblyId: string): Promise<boolean> {
  const rows = await db.query(
    'select 1 from assembly_selection_runs where assembly_id = $1 and published_at is not null',
    [assemblyId],
  );
  return rows.length > 0;
}

type Notify = { site: Pick<JobSite, 'publicUrl'> } | { site: null };

/**
 * Draws the panel from the latest run with the public random number: its members become
 * `selected`, the rest of the pool `not-selected`, everyone's chance is kept, the assembly is
 * `running`, and everyone with an email address is told. Final: a second publish is refused.
 */
export async function publishSelection(
  ctx: ServiceContext,
  notify: Notify,
  slug: string,
  raw: unknown,
): Promise<{ panelIndex: number; selected: string[] }> {
  const random = validated(RandomInput, raw);
  const assembly = await officerAssembly(ctx, slug);
  return withTransaction(ctx.db, async (tx) => {
    await tx.query('select id from assemblies where id = $1 for update', [assembly.id]);
    if (await publishedRun(tx, assembly.id)) throw new Conflict('The selection has already been published');
    const run = await latestRun(tx, assembly.id, true);
    if (!run) throw new Invalid({ randomKind: `${E}.noRun` });
    const pool = await respondents(tx, assembly.id, ['registered']);
    // A respondent who registered or withdrew since the run would be drawn from the wrong pool.
    const same =
      pool.length === Object.keys(run.probabilities).length && pool.every((r) => r.id in run.probabilities);
    if (!same) throw new Invalid({ randomKind: `${E}.poolChanged` });
    let index: number;
    try {
      index = drawIndex(run.lotterySize, random);
    } catch {
      throw new Invalid({ randomNumber: `${E}.randomNumberInvalid` });
    }
    const panel = new Set(run.lottery[index] ?? []);
    for (const r of pool) {
      await tx.query('update assembly_respondents set status = $2, probability = $3 where id = $1', [
        r.id,
        panel.has(r.reference) ? 'selected' : 'not-selected',
        run.probabilities[r.id] ?? 0,
      ]);
    }
    await tx.query(
      `update assembly_selection_runs set random_kind = $2, random_value = $3, panel_index = $4,
         published_by = $5, published_at = now() where id = $1`,
      [run.id, random.kind, String(random.value), index, ctx.actor?.userId ?? null],
    );
    await setStatus(ctx, assembly.slug, 'running', tx);
    if (notify.site) {
      for (const r of pool) {
        if (!r.email) continue;
        await queueEmail(tx, {
          placeId: ctx.place.id,
          to: r.email,
          template: panel.has(r.reference) ? 'assemblySelected' : 'assemblyNotSelected',
          lang: isLanguage(r.lang) ? r.lang : 'en',
          vars: emailVars(ctx, notify.site, assembly, r),
        });
      }
    }
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.selection.publish',
      targetType: 'assembly',
      targetId: assembly.id,
      after: { run: run.id, random, panel: index, selected: [...panel] },
      requestId: ctx.requestId ?? null,
    });
    return { panelIndex: index, selected: [...panel] };
  });
}

function emailVars(
  ctx: ServiceContext,
  site: Pick<JobSite, 'publicUrl'>,
  assembly: Assembly,
  r: { name: string; reference: string },
) {
  const base = `${site.publicUrl}/${ctx.place.slug}/assemblies/${assembly.slug}`;
  return {
    name: r.name,
    assembly: assembly.title,
    place: ctx.place.name,
    reference: r.reference,
    url: `${base}/selection/you`,
    selection: `${base}/selection`,
  };
}

export type Replacement = {
  id: string;
  madeAt: Date;
  n: number;
  k: number;
  minProbability: number;
  optimal: boolean;
  lotterySize: number;
  lotteryMaxDeviation: number;
  lottery: string[][];
  random: RandomSource | null;
  panelIndex: number | null;
  drawnAt: Date | null;
  /** How many seats it fills (the members it replaces). */
  seats: number;
};

async function replacementDraws(db: Db | Tx, assemblyId: string): Promise<Replacement[]> {
  const rows = await db.query<{
    id: string;
    made_at: Date;
    n: number;
    k: number;
    min_probability: number;
    optimal: boolean;
    lottery_size: number;
    lottery_max_deviation: number;
    lottery: string[][];
    random_kind: 'number' | 'seed' | null;
    random_value: string | null;
    panel_index: number | null;
    drawn_at: Date | null;
    seats: string;
  }>(
    `select d.id, d.made_at, d.n, d.k, d.min_probability, d.optimal, d.lottery_size, d.lottery_max_deviation,
            d.lottery, d.random_kind, d.random_value, d.panel_index, d.drawn_at,
            case when d.drawn_at is null
              then (select count(*) from assembly_dropouts o where o.assembly_id = d.assembly_id and o.draw_id is null)
              else (select count(*) from assembly_dropouts o where o.draw_id = d.id) end as seats
     from assembly_replacement_draws d where d.assembly_id = $1 order by d.made_at, d.id`,
    [assemblyId],
  );
  return rows.map((r) => ({
    id: r.id,
    madeAt: new Date(r.made_at),
    n: r.n,
    k: r.k,
    minProbability: r.min_probability,
    optimal: r.optimal,
    lotterySize: r.lottery_size,
    lotteryMaxDeviation: r.lottery_max_deviation,
    lottery: r.lottery,
    random: randomOf(r.random_kind, r.random_value),
    panelIndex: r.panel_index,
    drawnAt: r.drawn_at ? new Date(r.drawn_at) : null,
    seats: Number(r.seats),
  }));
}

/** The public record: how the panel was chosen, the chances (anonymous) and the draws. */
export async function publicSelection(ctx: ServiceContext, slug: string) {
  const assembly = await getAssembly(ctx, slug);
  const run = await latestRun(ctx.db, assembly.id);
  const replacements = (await replacementDraws(ctx.db, assembly.id)).filter((d) => d.drawnAt);
  return { assembly, run, chances: run ? Object.values(run.probabilities) : [], replacements };
}

/** Every replacement lottery, drawn or waiting, in the order they were made (public). */
export async function replacementLotteries(ctx: ServiceContext, slug: string) {
  const assembly = await getAssembly(ctx, slug);
  return { assembly, draws: await replacementDraws(ctx.db, assembly.id) };
}

/** The run whose files are published (404 until there is one). */
export async function requireRun(ctx: ServiceContext, slug: string, published = false) {
  const assembly = await getAssembly(ctx, slug);
  const run = await latestRun(ctx.db, assembly.id);
  if (!run || (published && !run.publishedAt)) throw new NotFound('No selection has been published');
  return { assembly, run };
}

/** Everyone in the run's pool by reference with their chance, in reference order. */
export async function runChancesByReference(ctx: ServiceContext, run: SelectionRun) {
  const ids = Object.keys(run.probabilities);
  const rows = await ctx.db.query<{ id: string; reference: string }>(
    'select id, reference from assembly_respondents where id = any($1::uuid[]) order by reference',
    [ids],
  );
  return rows.map((r) => ({ reference: r.reference, probability: run.probabilities[r.id] ?? 0 }));
}

/**
 * The signed-in person's own respondent record and chance: linked to their account, or carrying
 * the email address they have verified. Only they see it.
 */
export async function myChance(ctx: ServiceContext, slug: string) {
  if (!ctx.actor) throw new Forbidden();
  const assembly = await getAssembly(ctx, slug);
  const rows = await ctx.db.query<{
    id: string;
    reference: string;
    status: string;
    probability: number | null;
  }>(
    `select r.id, r.reference, r.status, r.probability from assembly_respondents r
     where r.assembly_id = $1
       and (r.user_id = $2 or (r.email is not null and lower(r.email) =
            (select lower(u.email) from users u where u.id = $2 and u.email_verified_at is not null)))
     order by r.user_id = $2 desc nulls last limit 1`,
    [assembly.id, ctx.actor.userId],
  );
  const me = rows[0] ?? null;
  const run = await latestRun(ctx.db, assembly.id);
  const replaced = me
    ? (await ctx.db.query('select 1 from assembly_dropouts where replacement_id = $1', [me.id])).length > 0
    : false;
  return {
    assembly,
    me: me && { reference: me.reference, status: me.status, probability: me.probability, replaced },
    published: Boolean(run?.publishedAt),
    panelSize: assembly.panelSize,
    poolSize: run?.n ?? 0,
  };
}

/** The members and drop-outs, for the assigned officers. */
export async function membersOverview(ctx: ServiceContext, slug: string) {
  const assembly = await officerAssembly(ctx, slug);
  const members = await ctx.db.query<{
    reference: string;
    name: string;
    email: string | null;
    phone: string | null;
    status: string;
    probability: number | null;
    access_needs: string;
  }>(
    `select reference, name, email, phone, status, probability, access_needs from assembly_respondents
     where assembly_id = $1 and status in ('selected', 'dropped-out') order by status desc, reference`,
    [assembly.id],
  );
  const dropouts = await ctx.db.query<{
    reference: string;
    reason: string;
    dropped_at: Date;
    replacement: string | null;
    replaced_at: Date | null;
  }>(
    `select r.reference, o.reason, o.dropped_at, x.reference as replacement, o.replaced_at
     from assembly_dropouts o join assembly_respondents r on r.id = o.respondent_id
     left join assembly_respondents x on x.id = o.replacement_id
     where o.assembly_id = $1 order by o.dropped_at, r.reference`,
    [assembly.id],
  );
  const draws = await replacementDraws(ctx.db, assembly.id);
  return {
    assembly,
    published: await publishedRun(ctx.db, assembly.id),
    members: members.filter((m) => m.status === 'selected'),
    dropouts: dropouts.map((d) => ({
      ...d,
      droppedAt: new Date(d.dropped_at),
      replacedAt: d.replaced_at ? new Date(d.replaced_at) : null,
    })),
    pending: draws.find((d) => !d.drawnAt) ?? null,
    emptySeats: dropouts.filter((d) => !d.replacement).length,
  };
}

/**
 * Makes the lottery for every empty seat again: after the quotas were widened because nobody
 * could fill a seat, or to take in a change to the pool. Any lottery not yet drawn is replaced.
 */
export async function remakeReplacementLottery(
  ctx: ServiceContext,
  slug: string,
  limits: SolveLimits = {},
): Promise<SeatOutcome> {
  const assembly = await officerAssembly(ctx, slug);
  return withTransaction(ctx.db, async (tx) => {
    const open = await tx.query(
      'select 1 from assembly_dropouts where assembly_id = $1 and draw_id is null for update',
      [assembly.id],
    );
    if (!open.length) throw new Conflict('There are no empty seats to fill');
    const outcome = await prepareReplacement(ctx, assembly, tx, limits);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.selection.replacement-lottery',
      targetType: 'assembly',
      targetId: assembly.id,
      after: outcome,
      requestId: ctx.requestId ?? null,
    });
    return outcome;
  });
}

/**
 * Records that a member dropped out (the reason stays with the officers) and makes the lottery
 * for their seat straight away, so it is public before its number is drawn.
 */
export async function recordDropout(
  ctx: ServiceContext,
  slug: string,
  raw: unknown,
  limits: SolveLimits = {},
): Promise<SeatOutcome> {
  const input = validated(DropoutInput, raw);
  const assembly = await officerAssembly(ctx, slug);
  return withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{ id: string; status: string }>(
      'select id, status from assembly_respondents where assembly_id = $1 and reference = $2 for update',
      [assembly.id, input.member],
    );
    const member = rows[0];
    if (member?.status !== 'selected') throw new Invalid({ member: `${E}.notAMember` });
    await tx.query("update assembly_respondents set status = 'dropped-out' where id = $1", [member.id]);
    await tx.query(
      'insert into assembly_dropouts (assembly_id, respondent_id, reason, recorded_by) values ($1, $2, $3, $4)',
      [assembly.id, member.id, input.reason, ctx.actor?.userId ?? null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.selection.dropout',
      targetType: 'assembly_respondent',
      targetId: member.id,
      after: { reference: input.member, reason: input.reason },
      requestId: ctx.requestId ?? null,
    });
    return prepareReplacement(ctx, assembly, tx, limits);
  });
}

/**
 * What recording a drop-out leads to: a lottery for the empty seats, or (when nobody left in the
 * pool can fill them within the quotas) seats that stay empty, with the quotas that cannot hold.
 * The member has left either way, so the drop-out is recorded in both cases.
 */
export type SeatOutcome = { kind: 'lottery' } | { kind: 'unfillable'; conflicts: string[] };

/**
 * The lottery for every seat still empty: the members who stay are on every panel, everyone who
 * dropped out on none, and LEXIMIN shares the empty seats as fairly as the quotas allow among the
 * rest of the pool. An earlier lottery not yet drawn is replaced (it had fewer empty seats).
 */
async function prepareReplacement(
  ctx: ServiceContext,
  assembly: Assembly,
  tx: Tx,
  limits: SolveLimits,
): Promise<SeatOutcome> {
  const people = await respondents(tx, assembly.id, ['selected', 'not-selected', 'dropped-out']);
  const open = await tx.query<{ respondent_id: string }>(
    'select respondent_id from assembly_dropouts where assembly_id = $1 and draw_id is null',
    [assembly.id],
  );
  const openIds = new Set(open.map((o) => o.respondent_id));
  const { problem, pool } = buildProblem(assembly.features, people, 1);
  const statusOf = new Map(people.map((p) => [p.id, p.status]));
  const panel: number[] = [];
  const dropped: number[] = [];
  const excluded: number[] = [];
  pool.forEach((r, i) => {
    const status = statusOf.get(r.id);
    if (status === 'selected') panel.push(i);
    else if (openIds.has(r.id)) {
      panel.push(i);
      dropped.push(i);
    } else if (status === 'dropped-out') excluded.push(i);
  });
  await tx.query('delete from assembly_replacement_draws where assembly_id = $1 and drawn_at is null', [
    assembly.id,
  ]);
  if (!dropped.length) return { kind: 'lottery' };
  const replacing = replacementProblem({ ...problem, k: panel.length, excluded }, panel, dropped);
  const started = performance.now();
  let solved: Awaited<ReturnType<typeof solve>>;
  try {
    solved = await solve(replacing, 'leximin', legacySeed(assembly.id), limits);
  } catch (error) {
    if (error instanceof SelectionInfeasible) return { kind: 'unfillable', conflicts: error.conflicts };
    throw error;
  }
  const { selection, lottery } = solved;
  const fixed = new Set([...(replacing.required ?? []), ...(replacing.excluded ?? [])]);
  const candidates = selection.distribution.probabilities.filter((_, i) => !fixed.has(i));
  await tx.query(
    `insert into assembly_replacement_draws (assembly_id, algorithm, made_by, n, k, min_probability, optimal,
       seconds, lottery_size, lottery_max_deviation, lottery, probabilities)
     values ($1, 'leximin', $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb)`,
    [
      assembly.id,
      ctx.actor?.userId ?? null,
      pool.length,
      replacing.k,
      clamp(candidates.length ? Math.min(...candidates) : 0),
      selection.optimal,
      (performance.now() - started) / 1000,
      lottery.panels.length,
      lottery.maxDeviation,
      JSON.stringify(lottery.panels.map((p) => p.map((i) => pool[i]?.reference as string))),
      JSON.stringify(
        Object.fromEntries(pool.map((r, i) => [r.id, clamp(selection.distribution.probabilities[i] ?? 0)])),
      ),
    ],
  );
  return { kind: 'lottery' };
}

/**
 * Draws the waiting replacement lottery with a new public number: the newcomers become
 * `selected` and are told, and each drop-out is matched with the newcomer most like them.
 */
export async function drawReplacement(
  ctx: ServiceContext,
  notify: Notify,
  slug: string,
  raw: unknown,
): Promise<string[]> {
  const random = validated(RandomInput, raw);
  const assembly = await officerAssembly(ctx, slug);
  return withTransaction(ctx.db, async (tx) => {
    const draws = await tx.query<{ id: string; lottery: string[][]; lottery_size: number }>(
      `select id, lottery, lottery_size from assembly_replacement_draws
       where assembly_id = $1 and drawn_at is null for update`,
      [assembly.id],
    );
    const draw = draws[0];
    if (!draw) throw new Invalid({ randomKind: `${E}.noReplacement` });
    let index: number;
    try {
      index = drawIndex(draw.lottery_size, random);
    } catch {
      throw new Invalid({ randomNumber: `${E}.randomNumberInvalid` });
    }
    const panel = new Set(draw.lottery[index] ?? []);
    const people = await respondents(tx, assembly.id, ['selected', 'not-selected', 'dropped-out']);
    const newcomers = people.filter((p) => p.status === 'not-selected' && panel.has(p.reference));
    const open = await tx.query<{ id: string; respondent_id: string }>(
      'select id, respondent_id from assembly_dropouts where assembly_id = $1 and draw_id is null order by dropped_at, id',
      [assembly.id],
    );
    const byId = new Map(people.map((p) => [p.id, p]));
    const left = [...newcomers];
    for (const o of open) {
      const gone = byId.get(o.respondent_id);
      const likeness = (p: RespondentRow) =>
        assembly.features.filter((f) => gone && p.features[f.key] === gone.features[f.key]).length;
      left.sort((a, b) => likeness(b) - likeness(a) || a.reference.localeCompare(b.reference));
      const taker = left.shift();
      await tx.query(
        'update assembly_dropouts set draw_id = $2, replacement_id = $3, replaced_at = now() where id = $1',
        [o.id, draw.id, taker?.id ?? null],
      );
    }
    for (const p of newcomers) {
      await tx.query("update assembly_respondents set status = 'selected' where id = $1", [p.id]);
      if (notify.site && p.email) {
        await queueEmail(tx, {
          placeId: ctx.place.id,
          to: p.email,
          template: 'assemblyReplacementSelected',
          lang: isLanguage(p.lang) ? p.lang : 'en',
          vars: emailVars(ctx, notify.site, assembly, p),
        });
      }
    }
    await tx.query(
      `update assembly_replacement_draws set random_kind = $2, random_value = $3, panel_index = $4,
         drawn_by = $5, drawn_at = now() where id = $1`,
      [draw.id, random.kind, String(random.value), index, ctx.actor?.userId ?? null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.selection.replace',
      targetType: 'assembly',
      targetId: assembly.id,
      after: { draw: draw.id, random, panel: index, newcomers: newcomers.map((p) => p.reference) },
      requestId: ctx.requestId ?? null,
    });
    return newcomers.map((p) => p.reference);
  });
}

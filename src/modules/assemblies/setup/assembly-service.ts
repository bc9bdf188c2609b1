import { z } from 'zod';
import { slugify } from '../../../lib/text/slug.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';

/** Officers set up and run citizens' assemblies. */
export const MANAGE = 'assemblies.manage';

import { ASSEMBLY_ALGORITHMS, type AssemblyAlgorithm, STATUSES, type Status } from './assembly-kinds.js';

export { ASSEMBLY_ALGORITHMS, type AssemblyAlgorithm, STATUSES, type Status };

/** One value of a feature with its quota: `share` is the population share it was suggested from. */
export type FeatureValue = { value: string; label: string; share: number | null; min: number; max: number };
export type AssemblyFeature = { key: string; name: string; source: string; values: FeatureValue[] };
export type AssemblySession = {
  id: string;
  position: number;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string;
  summary: string;
};

export type Assembly = {
  id: string;
  slug: string;
  title: string;
  question: string;
  summary: string;
  panelSize: number;
  expensesBudgetPence: bigint;
  algorithm: AssemblyAlgorithm;
  status: Status;
  features: AssemblyFeature[];
  sessions: AssemblySession[];
};

type AssemblyRow = {
  id: string;
  slug: string;
  title: string;
  question: string;
  summary: string;
  panel_size: number;
  expenses_budget_pence: string;
  algorithm: AssemblyAlgorithm;
  status: Status;
};

const req = (key: string) => ({ error: `assemblies.setup.errors.${key}` });

/** What an officer enters for an assembly (messages are catalogue keys). */
export const AssemblyInput = z.object({
  title: z.string(req('titleRequired')).trim().min(1, req('titleRequired')).max(120, req('titleTooLong')),
  question: z
    .string(req('questionRequired'))
    .trim()
    .min(1, req('questionRequired'))
    .max(500, req('questionTooLong')),
  summary: z.string().trim().max(4000, req('summaryTooLong')).default(''),
  panelSize: z.coerce
    .number(req('panelSizeNumber'))
    .int(req('panelSizeNumber'))
    .min(5, req('panelSizeRange'))
    .max(500, req('panelSizeRange')),
  expensesBudgetPence: z.coerce
    .bigint(req('budgetNumber'))
    .min(0n, req('budgetNumber'))
    .max(100000000000n, req('budgetNumber'))
    .default(0n),
  algorithm: z.enum(ASSEMBLY_ALGORITHMS, req('algorithmRequired')).default('leximin'),
});
export type AssemblyInput = z.infer<typeof AssemblyInput>;

const FeatureValueInput = z.object({
  value: z.string().trim().min(1).max(80),
  label: z.string().trim().min(1).max(120),
  share: z.number().min(0).max(1).nullable(),
  min: z.number().int().min(0),
  max: z.number().int().min(0),
});
const FeatureInput = z.object({
  key: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    .max(40),
  name: z.string().trim().min(1).max(80),
  source: z.string().trim().max(300).default(''),
  values: z.array(FeatureValueInput).min(1).max(40),
});

function toAssembly(row: AssemblyRow, features: AssemblyFeature[], sessions: AssemblySession[]): Assembly {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    question: row.question,
    summary: row.summary,
    panelSize: row.panel_size,
    expensesBudgetPence: BigInt(row.expenses_budget_pence),
    algorithm: row.algorithm,
    status: row.status,
    features,
    sessions,
  };
}

const COLUMNS = 'id, slug, title, question, summary, panel_size, expenses_budget_pence, algorithm, status';

export async function listAssemblies(ctx: ServiceContext): Promise<Assembly[]> {
  const rows = await ctx.db.query<AssemblyRow>(
    `select ${COLUMNS} from assemblies where place_id = $1 order by created_at desc, slug`,
    [ctx.place.id],
  );
  return rows.map((r) => toAssembly(r, [], []));
}

/** An assembly by slug (or id), with its features and timetable. */
export async function getAssembly(
  ctx: ServiceContext,
  slug: string,
  db: Db | Tx = ctx.db,
): Promise<Assembly> {
  const rows = await db.query<AssemblyRow>(
    `select ${COLUMNS} from assemblies where place_id = $1 and (slug = $2 or id::text = $2)`,
    [ctx.place.id, slug],
  );
  const row = rows[0];
  if (!row) throw new NotFound('No such assembly');
  const features = await db.query<{ key: string; name: string; source: string; values: FeatureValue[] }>(
    'select key, name, source, "values" from assembly_features where assembly_id = $1 order by position',
    [row.id],
  );
  const sessions = await db.query<{
    id: string;
    position: number;
    title: string;
    starts_at: Date;
    ends_at: Date;
    location: string;
    summary: string;
  }>(
    `select id, position, title, starts_at, ends_at, location, summary from assembly_sessions
     where assembly_id = $1 order by position`,
    [row.id],
  );
  return toAssembly(
    row,
    features,
    sessions.map((s) => ({
      id: s.id,
      position: s.position,
      title: s.title,
      startsAt: new Date(s.starts_at),
      endsAt: new Date(s.ends_at),
      location: s.location,
      summary: s.summary,
    })),
  );
}

function requireManager(ctx: ServiceContext): string {
  if (!ctx.actor || !can(ctx.actor, MANAGE)) throw new Forbidden();
  return ctx.actor.userId;
}

/**
 * Respondents' personal data is for the officers assigned to the assembly (and place admins),
 * not every officer of the council.
 */
export async function canSeeRespondents(ctx: ServiceContext, assembly: { id: string }): Promise<boolean> {
  if (!ctx.actor || !can(ctx.actor, MANAGE)) return false;
  if (ctx.actor.roles.includes('place-admin')) return true;
  const rows = await ctx.db.query('select 1 from assembly_officers where assembly_id = $1 and user_id = $2', [
    assembly.id,
    ctx.actor.userId,
  ]);
  return rows.length > 0;
}

export async function requireAssignedOfficer(ctx: ServiceContext, assembly: { id: string }): Promise<void> {
  if (!(await canSeeRespondents(ctx, assembly))) throw new Forbidden();
}

/** Slugs that are pages of their own under /assemblies. */
const RESERVED_SLUGS = new Set(['new', 'neighbourhood', 'neighbourhoods']);

async function uniqueSlug(tx: Tx, placeId: string, title: string): Promise<string> {
  const base = slugify(title) || 'assembly';
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base.slice(0, 56)}-${n}`;
    if (RESERVED_SLUGS.has(slug)) continue;
    const taken = await tx.query('select 1 from assemblies where place_id = $1 and slug = $2', [
      placeId,
      slug,
    ]);
    if (!taken.length) return slug;
  }
}

/** Creates an assembly; the officer who creates it is assigned to it. Returns its slug. */
export async function createAssembly(ctx: ServiceContext, raw: unknown): Promise<string> {
  const userId = requireManager(ctx);
  const input = validated(AssemblyInput, raw);
  return withTransaction(ctx.db, async (tx) => {
    const slug = await uniqueSlug(tx, ctx.place.id, input.title);
    const rows = await tx.query<{ id: string }>(
      `insert into assemblies (place_id, slug, title, question, summary, panel_size, expenses_budget_pence, algorithm)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
      [
        ctx.place.id,
        slug,
        input.title,
        input.question,
        input.summary,
        input.panelSize,
        input.expensesBudgetPence.toString(),
        input.algorithm,
      ],
    );
    const id = rows[0]?.id as string;
    await tx.query('insert into assembly_officers (assembly_id, user_id) values ($1, $2)', [id, userId]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.create',
      targetType: 'assembly',
      targetId: id,
      after: { slug, ...input, expensesBudgetPence: input.expensesBudgetPence.toString() },
      requestId: ctx.requestId ?? null,
    });
    return slug;
  });
}

export async function updateAssembly(ctx: ServiceContext, slug: string, raw: unknown): Promise<void> {
  const userId = requireManager(ctx);
  const input = validated(AssemblyInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const before = await getAssembly(ctx, slug, tx);
    await tx.query(
      `update assemblies set title = $2, question = $3, summary = $4, panel_size = $5,
         expenses_budget_pence = $6, algorithm = $7, updated_at = now() where id = $1`,
      [
        before.id,
        input.title,
        input.question,
        input.summary,
        input.panelSize,
        input.expensesBudgetPence.toString(),
        input.algorithm,
      ],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.update',
      targetType: 'assembly',
      targetId: before.id,
      before: { title: before.title, panelSize: before.panelSize, algorithm: before.algorithm },
      after: { ...input, expensesBudgetPence: input.expensesBudgetPence.toString() },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** Moves an assembly to another stage (recruitment and selection call this as they go). */
export async function setStatus(ctx: ServiceContext, slug: string, status: Status, db: Db | Tx = ctx.db) {
  const userId = requireManager(ctx);
  if (!STATUSES.includes(status)) throw new Invalid({ status: 'assemblies.setup.errors.statusInvalid' });
  await withTransaction(db, async (tx) => {
    const before = await getAssembly(ctx, slug, tx);
    await tx.query('update assemblies set status = $2, updated_at = now() where id = $1', [
      before.id,
      status,
    ]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.status',
      targetType: 'assembly',
      targetId: before.id,
      before: { status: before.status },
      after: { status },
      requestId: ctx.requestId ?? null,
    });
  });
}

/**
 * Replaces the features and quotas. The quota arithmetic must hold together: every value's
 * min ≤ max, and for each feature Σ min ≤ panel size ≤ Σ max.
 */
export async function setFeatures(ctx: ServiceContext, slug: string, raw: unknown): Promise<void> {
  const userId = requireManager(ctx);
  const features = validated(z.array(FeatureInput).max(12), raw);
  await withTransaction(ctx.db, async (tx) => {
    const assembly = await getAssembly(ctx, slug, tx);
    const errors = quotaProblems(features, assembly.panelSize);
    if (Object.keys(errors).length) throw new Invalid(errors);
    await tx.query('delete from assembly_features where assembly_id = $1', [assembly.id]);
    for (const [position, f] of features.entries()) {
      await tx.query(
        `insert into assembly_features (assembly_id, position, key, name, source, "values")
         values ($1, $2, $3, $4, $5, $6)`,
        [assembly.id, position, f.key, f.name, f.source, JSON.stringify(f.values)],
      );
    }
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.features',
      targetType: 'assembly',
      targetId: assembly.id,
      before: assembly.features,
      after: features,
      requestId: ctx.requestId ?? null,
    });
  });
}

/** Field errors (keyed `<feature>` or `<feature>.<value>`) for quotas that cannot hold. */
export function quotaProblems(
  features: readonly { key: string; values: readonly { value: string; min: number; max: number }[] }[],
  panelSize: number,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const keys = new Set<string>();
  for (const f of features) {
    if (keys.has(f.key)) errors[f.key] = 'assemblies.setup.errors.featureTwice';
    keys.add(f.key);
    const values = new Set<string>();
    for (const v of f.values) {
      if (values.has(v.value)) errors[`${f.key}.${v.value}`] = 'assemblies.setup.errors.valueTwice';
      values.add(v.value);
      if (v.min > v.max) errors[`${f.key}.${v.value}`] = 'assemblies.setup.errors.minOverMax';
      if (v.max > panelSize) errors[`${f.key}.${v.value}`] = 'assemblies.setup.errors.maxOverPanel';
    }
    const mins = f.values.reduce((s, v) => s + v.min, 0);
    const maxes = f.values.reduce((s, v) => s + v.max, 0);
    if (mins > panelSize) errors[f.key] = 'assemblies.setup.errors.minsOverPanel';
    else if (maxes < panelSize) errors[f.key] = 'assemblies.setup.errors.maxesUnderPanel';
  }
  return errors;
}

/** Assigns an officer (by user id) to an assembly so they can see its respondents. */
export async function assignOfficer(ctx: ServiceContext, slug: string, officerId: string): Promise<void> {
  const userId = requireManager(ctx);
  await withTransaction(ctx.db, async (tx) => {
    const assembly = await getAssembly(ctx, slug, tx);
    await tx.query(
      'insert into assembly_officers (assembly_id, user_id) values ($1, $2) on conflict do nothing',
      [assembly.id, officerId],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.officer.assign',
      targetType: 'assembly',
      targetId: assembly.id,
      after: { officerId },
      requestId: ctx.requestId ?? null,
    });
  });
}

/**
 * The signed-in person's respondent record on this assembly if they are a serving member: the
 * record is linked to their account, or carries the email address they sign in with.
 */
export async function memberRecord(
  ctx: ServiceContext,
  assembly: { id: string },
): Promise<{ respondentId: string; reference: string } | null> {
  if (!ctx.actor) return null;
  const rows = await ctx.db.query<{ id: string; reference: string }>(
    `select r.id, r.reference from assembly_respondents r
     where r.assembly_id = $1 and r.status = 'selected'
       and (r.user_id = $2 or (r.email is not null and lower(r.email) =
            (select lower(u.email) from users u where u.id = $2 and u.email_verified_at is not null)))
     limit 1`,
    [assembly.id, ctx.actor.userId],
  );
  const row = rows[0];
  return row ? { respondentId: row.id, reference: row.reference } : null;
}

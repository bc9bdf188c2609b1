import { z } from 'zod';
import { londonParts } from '../../lib/london-clock.js';
import {
  addMonths,
  DIRECTIONS,
  type Direction,
  isMet,
  isMonth,
  maxScaled,
  parseScaled,
  scaledFromRatio,
  UNITS,
  type Unit,
} from '../../lib/standards/performance.js';
import { slugify } from '../../lib/text/slug.js';
import { audit } from '../../platform/audit/audit.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { Tx } from '../../platform/db/types.js';
import { Forbidden, Invalid, NotFound, validated } from '../../platform/http/errors.js';
import type { ServiceContext } from '../../platform/http/request-context.js';
import { can } from '../../platform/roles/permissions.js';

/** Officers and place admins keep the services, standards and monthly figures. */
export const MANAGE = 'standards.manage';

const E = 'standards.errors';

export type CouncilService = {
  id: string;
  slug: string;
  name: string;
  description: string;
  contactUrl: string;
  position: number;
};

export type Standard = {
  id: string;
  serviceId: string;
  serviceSlug: string;
  serviceName: string;
  slug: string;
  promise: string;
  measure: string;
  unit: Unit;
  /** Hundredths of the unit. */
  target: number;
  direction: Direction;
  sinceMonth: string;
  position: number;
};

export type Figure = {
  id: string;
  standardId: string;
  month: string;
  /** Hundredths of the unit. */
  value: number;
  numerator: number | null;
  denominator: number | null;
  note: string;
  action: string;
  source: 'form' | 'csv';
  createdAt: Date;
  updatedAt: Date;
};

export type FigureVersion = {
  value: number;
  note: string;
  action: string;
  validFrom: Date;
  replacedAt: Date;
};

/** The month in progress in London; figures are for months that have ended. */
export function currentMonth(now = new Date()): string {
  return londonParts(now).date.slice(0, 7);
}

/** The latest month a figure can be given for: last month. */
export function latestReportableMonth(now = new Date()): string {
  return addMonths(currentMonth(now), -1);
}

function requireManager(ctx: ServiceContext): string | null {
  if (!can(ctx.actor, MANAGE)) throw new Forbidden();
  return ctx.actor?.userId ?? null;
}

// Slugs that are pages of their own under /standards and /standards/:councilService.
const RESERVED_SERVICE_SLUGS = new Set(['import', 'new-service', 'figures', 'manage']);
const RESERVED_STANDARD_SLUGS = new Set(['edit', 'new-standard']);

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const n = (v: unknown) => Number(v);

// ---------------------------------------------------------------------------------------------
// Reading

type ServiceRow = {
  id: string;
  slug: string;
  name: string;
  description: string;
  contact_url: string;
  position: number;
};

const toService = (r: ServiceRow): CouncilService => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  contactUrl: r.contact_url,
  position: r.position,
});

type StandardRow = {
  id: string;
  service_id: string;
  service_slug: string;
  service_name: string;
  slug: string;
  promise: string;
  measure: string;
  unit: Unit;
  target: string | number;
  direction: Direction;
  since_month: string;
  position: number;
};

const STANDARD_SELECT = `select s.id, s.service_id, c.slug as service_slug, c.name as service_name, s.slug, s.promise,
    s.measure, s.unit, s.target, s.direction, s.since_month, s.position
  from service_standards s join council_services c on c.id = s.service_id`;

const toStandard = (r: StandardRow): Standard => ({
  id: r.id,
  serviceId: r.service_id,
  serviceSlug: r.service_slug,
  serviceName: r.service_name,
  slug: r.slug,
  promise: r.promise,
  measure: r.measure,
  unit: r.unit,
  target: n(r.target),
  direction: r.direction,
  sinceMonth: r.since_month,
  position: r.position,
});

type FigureRow = {
  id: string;
  standard_id: string;
  month: string;
  value: string | number;
  numerator: string | number | null;
  denominator: string | number | null;
  note: string;
  action: string;
  source: 'form' | 'csv';
  created_at: Date | string;
  updated_at: Date | string;
};

const toFigure = (r: FigureRow): Figure => ({
  id: r.id,
  standardId: r.standard_id,
  month: r.month,
  value: n(r.value),
  numerator: r.numerator === null ? null : n(r.numerator),
  denominator: r.denominator === null ? null : n(r.denominator),
  note: r.note,
  action: r.action,
  source: r.source,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const FIGURE_COLUMNS =
  'f.id, f.standard_id, f.month, f.value, f.numerator, f.denominator, f.note, f.action, f.source, f.created_at, f.updated_at';

export async function listServices(ctx: ServiceContext): Promise<CouncilService[]> {
  const rows = await ctx.db.query<ServiceRow>(
    'select id, slug, name, description, contact_url, position from council_services where place_id = $1 order by position, name',
    [ctx.place.id],
  );
  return rows.map(toService);
}

export async function getService(ctx: ServiceContext, slug: string): Promise<CouncilService> {
  if (typeof slug !== 'string' || !SLUG.test(slug) || slug.length > 60) throw new NotFound('No such service');
  const [row] = await ctx.db.query<ServiceRow>(
    'select id, slug, name, description, contact_url, position from council_services where place_id = $1 and slug = $2',
    [ctx.place.id, slug],
  );
  if (!row) throw new NotFound('No such service');
  return toService(row);
}

export async function listStandards(ctx: ServiceContext, serviceId?: string): Promise<Standard[]> {
  const rows = await ctx.db.query<StandardRow>(
    `${STANDARD_SELECT} where s.place_id = $1 ${serviceId ? 'and s.service_id = $2' : ''}
     order by c.position, c.name, s.position, s.promise`,
    serviceId ? [ctx.place.id, serviceId] : [ctx.place.id],
  );
  return rows.map(toStandard);
}

export async function getStandard(ctx: ServiceContext, serviceSlug: string, slug: string): Promise<Standard> {
  const service = await getService(ctx, serviceSlug);
  if (typeof slug !== 'string' || !SLUG.test(slug) || slug.length > 60)
    throw new NotFound('No such standard');
  const [row] = await ctx.db.query<StandardRow>(
    `${STANDARD_SELECT} where s.service_id = $1 and s.slug = $2`,
    [service.id, slug],
  );
  if (!row) throw new NotFound('No such standard');
  return toStandard(row);
}

/** Every figure of the given standards (all of the place's when none are given), oldest first. */
export async function figuresOf(ctx: ServiceContext, standardIds?: string[]): Promise<Figure[]> {
  const rows = await ctx.db.query<FigureRow>(
    `select ${FIGURE_COLUMNS} from standard_figures f where f.place_id = $1
     ${standardIds ? 'and f.standard_id = any($2::uuid[])' : ''} order by f.month, f.standard_id`,
    standardIds ? [ctx.place.id, standardIds] : [ctx.place.id],
  );
  return rows.map(toFigure);
}

/** The earlier versions of a standard's figures (changed values or action text), by figure id. */
export async function versionsOf(
  ctx: ServiceContext,
  standardId: string,
): Promise<Map<string, FigureVersion[]>> {
  const rows = await ctx.db.query<{
    figure_id: string;
    value: string | number;
    note: string;
    action: string;
    valid_from: Date | string;
    replaced_at: Date | string;
  }>(
    `select v.figure_id, v.value, v.note, v.action, v.valid_from, v.replaced_at
       from standard_figure_versions v join standard_figures f on f.id = v.figure_id
      where f.place_id = $1 and f.standard_id = $2 order by v.replaced_at`,
    [ctx.place.id, standardId],
  );
  const out = new Map<string, FigureVersion[]>();
  for (const r of rows) {
    const list = out.get(r.figure_id) ?? [];
    list.push({
      value: n(r.value),
      note: r.note,
      action: r.action,
      validFrom: new Date(r.valid_from),
      replacedAt: new Date(r.replaced_at),
    });
    out.set(r.figure_id, list);
  }
  return out;
}

export type FigureFilters = { service?: string; standard?: string; from?: string; to?: string };

/** Figures for the open data, newest month first, filtered; with the standard each belongs to. */
export async function listFigures(
  ctx: ServiceContext,
  filters: FigureFilters,
  page?: { limit: number; offset: number },
): Promise<{ items: (Figure & { standard: Standard })[]; total: number }> {
  const where = ['f.place_id = $1'];
  const params: unknown[] = [ctx.place.id];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filters.service) add('c.slug = ?', filters.service);
  if (filters.standard) add('s.slug = ?', filters.standard);
  if (filters.from) add('f.month >= ?', filters.from);
  if (filters.to) add('f.month <= ?', filters.to);
  const from = `from standard_figures f join service_standards s on s.id = f.standard_id
    join council_services c on c.id = s.service_id where ${where.join(' and ')}`;
  const limit = page
    ? ` limit ${Math.max(0, Math.trunc(page.limit))} offset ${Math.max(0, Math.trunc(page.offset))}`
    : '';
  const [rows, counted, standards] = await Promise.all([
    ctx.db.query<FigureRow>(
      `select ${FIGURE_COLUMNS} ${from} order by f.month desc, c.position, c.name, s.position, s.slug${limit}`,
      params as never[],
    ),
    ctx.db.query<{ n: number }>(`select count(*)::int as n ${from}`, params as never[]),
    listStandards(ctx),
  ]);
  const byId = new Map(standards.map((s) => [s.id, s]));
  return {
    items: rows.map(toFigure).map((f) => ({ ...f, standard: byId.get(f.standardId) as Standard })),
    total: counted[0]?.n ?? 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Services and standards

const optionalSlug = z
  .string()
  .trim()
  .toLowerCase()
  .max(60, `${E}.slugTooLong`)
  .refine((s) => s === '' || SLUG.test(s), `${E}.slugInvalid`)
  .default('');

export const ServiceInput = z.object({
  name: z.string(`${E}.nameRequired`).trim().min(1, `${E}.nameRequired`).max(120, `${E}.nameTooLong`),
  slug: optionalSlug,
  description: z.string().trim().max(1000, `${E}.descriptionTooLong`).default(''),
  contactUrl: z
    .string()
    .trim()
    .max(500, `${E}.contactUrlInvalid`)
    .refine((s) => s === '' || /^https?:\/\/[^\s<>"]+\.[^\s<>"]+$/i.test(s), `${E}.contactUrlInvalid`)
    .default(''),
});

/** A slug from a name, cut at a word to fit. */
function slugFrom(text: string, fallback: string): string {
  const full = slugify(text);
  if (full.length <= 60) return full || fallback;
  const cut = full.slice(0, 61);
  const lastDash = cut.lastIndexOf('-');
  return (lastDash > 0 ? cut.slice(0, lastDash) : full.slice(0, 60)).replace(/-+$/, '');
}

async function checkedService(ctx: ServiceContext, raw: unknown, id: string | null) {
  const input = validated(ServiceInput, raw);
  const slug = input.slug || slugFrom(input.name, 'service');
  if (RESERVED_SERVICE_SLUGS.has(slug)) throw new Invalid({ slug: `${E}.slugReserved` });
  const [clash] = await ctx.db.query<{ id: string }>(
    'select id from council_services where place_id = $1 and slug = $2 and id is distinct from $3::uuid',
    [ctx.place.id, slug, id],
  );
  if (clash) throw new Invalid({ slug: `${E}.slugTaken` });
  return { ...input, slug };
}

/** An officer adds a council service. Returns its slug. */
export async function createService(ctx: ServiceContext, raw: unknown): Promise<string> {
  const actorId = requireManager(ctx);
  const input = await checkedService(ctx, raw, null);
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into council_services (place_id, slug, name, description, contact_url, position)
       values ($1, $2, $3, $4, $5, (select coalesce(max(position), 0) + 1 from council_services where place_id = $1))
       returning id`,
      [ctx.place.id, input.slug, input.name, input.description, input.contactUrl],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId,
      action: 'standards.service.create',
      targetType: 'council-service',
      targetId: row?.id ?? null,
      after: input,
      requestId: ctx.requestId ?? null,
    });
    return input.slug;
  });
}

export async function updateService(ctx: ServiceContext, slug: string, raw: unknown): Promise<string> {
  const actorId = requireManager(ctx);
  const before = await getService(ctx, slug);
  const input = await checkedService(ctx, raw, before.id);
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      `update council_services set slug = $3, name = $4, description = $5, contact_url = $6, updated_at = now()
       where place_id = $1 and id = $2`,
      [ctx.place.id, before.id, input.slug, input.name, input.description, input.contactUrl],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId,
      action: 'standards.service.update',
      targetType: 'council-service',
      targetId: before.id,
      before,
      after: input,
      requestId: ctx.requestId ?? null,
    });
  });
  return input.slug;
}

export const StandardInput = z.object({
  promise: z
    .string(`${E}.promiseRequired`)
    .trim()
    .min(1, `${E}.promiseRequired`)
    .max(200, `${E}.promiseTooLong`),
  measure: z
    .string(`${E}.measureRequired`)
    .trim()
    .min(1, `${E}.measureRequired`)
    .max(300, `${E}.measureTooLong`),
  slug: optionalSlug,
  unit: z.enum(UNITS as [Unit, ...Unit[]], `${E}.unitRequired`),
  target: z.string(`${E}.targetRequired`).trim().min(1, `${E}.targetRequired`),
  direction: z.enum(DIRECTIONS as [Direction, ...Direction[]], `${E}.directionRequired`),
  since: z
    .string(`${E}.sinceRequired`)
    .trim()
    .min(1, `${E}.sinceRequired`)
    .refine(isMonth, `${E}.sinceInvalid`),
});

async function checkedStandard(ctx: ServiceContext, serviceId: string, raw: unknown, id: string | null) {
  const input = validated(StandardInput, raw);
  const target = parseScaled(input.target);
  if (target === null) throw new Invalid({ target: `${E}.targetInvalid` });
  if (target > maxScaled(input.unit)) throw new Invalid({ target: `${E}.targetTooHigh` });
  if (input.unit === 'count' && target % 100 !== 0) throw new Invalid({ target: `${E}.targetWhole` });
  const slug = input.slug || slugFrom(input.promise, 'standard');
  if (RESERVED_STANDARD_SLUGS.has(slug)) throw new Invalid({ slug: `${E}.slugReserved` });
  const [clash] = await ctx.db.query<{ id: string }>(
    'select id from service_standards where service_id = $1 and slug = $2 and id is distinct from $3::uuid',
    [serviceId, slug, id],
  );
  if (clash) throw new Invalid({ slug: `${E}.slugTaken` });
  return { ...input, slug, target, sinceMonth: input.since };
}

const standardAudit = (s: {
  slug: string;
  promise: string;
  measure: string;
  unit: Unit;
  target: number;
  direction: Direction;
  sinceMonth: string;
}) => ({
  slug: s.slug,
  promise: s.promise,
  measure: s.measure,
  unit: s.unit,
  target: s.target,
  direction: s.direction,
  sinceMonth: s.sinceMonth,
});

/** An officer adds a standard to a service. Returns its slug. */
export async function createStandard(
  ctx: ServiceContext,
  serviceSlug: string,
  raw: unknown,
): Promise<string> {
  const actorId = requireManager(ctx);
  const service = await getService(ctx, serviceSlug);
  const input = await checkedStandard(ctx, service.id, raw, null);
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into service_standards (place_id, service_id, slug, promise, measure, unit, target, direction, since_month, position)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9,
         (select coalesce(max(position), 0) + 1 from service_standards where service_id = $2))
       returning id`,
      [
        ctx.place.id,
        service.id,
        input.slug,
        input.promise,
        input.measure,
        input.unit,
        input.target,
        input.direction,
        input.sinceMonth,
      ],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId,
      action: 'standards.standard.create',
      targetType: 'service-standard',
      targetId: row?.id ?? null,
      after: { service: service.slug, ...standardAudit(input) },
      requestId: ctx.requestId ?? null,
    });
    return input.slug;
  });
}

/**
 * An officer corrects a standard. Changing its target or direction changes which past months
 * count as met, so it is audited with the old and new values.
 */
export async function updateStandard(
  ctx: ServiceContext,
  serviceSlug: string,
  slug: string,
  raw: unknown,
): Promise<string> {
  const actorId = requireManager(ctx);
  const before = await getStandard(ctx, serviceSlug, slug);
  const input = await checkedStandard(ctx, before.serviceId, raw, before.id);
  const [early] = await ctx.db.query<{ month: string }>(
    'select min(month) as month from standard_figures where standard_id = $1',
    [before.id],
  );
  if (early?.month && input.sinceMonth > early.month) throw new Invalid({ since: `${E}.sinceAfterFigures` });
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      `update service_standards set slug = $3, promise = $4, measure = $5, unit = $6, target = $7, direction = $8,
         since_month = $9, updated_at = now() where place_id = $1 and id = $2`,
      [
        ctx.place.id,
        before.id,
        input.slug,
        input.promise,
        input.measure,
        input.unit,
        input.target,
        input.direction,
        input.sinceMonth,
      ],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId,
      action: 'standards.standard.update',
      targetType: 'service-standard',
      targetId: before.id,
      before: standardAudit(before),
      after: standardAudit(input),
      requestId: ctx.requestId ?? null,
    });
  });
  return input.slug;
}

// ---------------------------------------------------------------------------------------------
// Monthly figures

/** A month's figure as entered: every part a string, as from a form or a CSV row. */
export type FigureInput = {
  month?: string;
  value?: string;
  numerator?: string;
  denominator?: string;
  note?: string;
  action?: string;
};

export type CheckedFigure = {
  month: string;
  value: number;
  numerator: number | null;
  denominator: number | null;
  note: string;
  action: string;
  met: boolean;
};

const WHOLE = /^\d{1,15}$/;

/**
 * Checks a month's figure against its standard, returning the figure or every problem by field
 * (catalogue keys). Shared by the form and the CSV import, so both refuse the same things: a
 * month not yet over or before the standard began, a value that is not a number the unit can
 * take, and a miss with nothing said about what is being done.
 */
export function checkFigure(
  standard: Standard,
  raw: FigureInput,
  now = new Date(),
): { figure: CheckedFigure } | { problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const text = (v: string | undefined) => (typeof v === 'string' ? v.trim() : '');
  const month = text(raw.month);
  if (!month) problems.month = `${E}.monthRequired`;
  else if (!isMonth(month)) problems.month = `${E}.monthInvalid`;
  else if (month > latestReportableMonth(now)) problems.month = `${E}.monthFuture`;
  else if (month < standard.sinceMonth) problems.month = `${E}.monthBeforeStandard`;

  const numText = text(raw.numerator).replace(/,/g, '');
  const denText = text(raw.denominator).replace(/,/g, '');
  let numerator: number | null = null;
  let denominator: number | null = null;
  if (numText || denText) {
    if (!numText || !denText) problems.numerator = `${E}.ratioBoth`;
    else if (!WHOLE.test(numText) || !WHOLE.test(denText)) problems.numerator = `${E}.ratioWhole`;
    else if (Number(denText) === 0) problems.denominator = `${E}.denominatorZero`;
    else {
      numerator = Number(numText);
      denominator = Number(denText);
    }
  }
  const valueText = text(raw.value);
  let value: number | null = null;
  if (valueText) {
    value = parseScaled(valueText);
    if (value === null) problems.value = `${E}.valueInvalid`;
  }
  if (numerator !== null && denominator !== null) {
    const computed = scaledFromRatio(numerator, denominator, standard.unit);
    if (value !== null && value !== computed) problems.value = `${E}.valueMismatch`;
    value = computed;
  } else if (!valueText && !problems.numerator && !problems.denominator) {
    problems.value = `${E}.valueRequired`;
  }
  if (value !== null && !problems.value) {
    if (value > maxScaled(standard.unit)) problems.value = `${E}.valueTooHigh`;
    else if (standard.unit === 'count' && value % 100 !== 0) problems.value = `${E}.valueWhole`;
  }
  const note = text(raw.note);
  if (note.length > 1000) problems.note = `${E}.noteTooLong`;
  const action = text(raw.action);
  if (action.length > 2000) problems.action = `${E}.actionTooLong`;
  const met = value !== null && isMet(value, standard.target, standard.direction);
  if (value !== null && !problems.value && !met && !action) problems.action = `${E}.actionRequired`;
  if (Object.keys(problems).length || value === null) return { problems };
  return { figure: { month, value, numerator, denominator, note, action, met } };
}

/** Writes one checked figure in a transaction: a new month, or a change to one, keeping the old. */
export async function writeFigure(
  tx: Tx,
  ctx: ServiceContext,
  standard: Standard,
  figure: CheckedFigure,
  source: 'form' | 'csv',
): Promise<'created' | 'updated' | 'unchanged'> {
  const actorId = ctx.actor?.userId ?? null;
  const [existing] = await tx.query<FigureRow & { entered_by: string | null }>(
    `select ${FIGURE_COLUMNS}, f.entered_by from standard_figures f where f.standard_id = $1 and f.month = $2 for update`,
    [standard.id, figure.month],
  );
  const after = {
    standard: `${standard.serviceSlug}/${standard.slug}`,
    month: figure.month,
    value: figure.value,
    numerator: figure.numerator,
    denominator: figure.denominator,
    note: figure.note,
    action: figure.action,
    met: figure.met,
    source,
  };
  if (!existing) {
    const [row] = await tx.query<{ id: string }>(
      `insert into standard_figures (place_id, standard_id, month, value, numerator, denominator, note, action, source, entered_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
      [
        ctx.place.id,
        standard.id,
        figure.month,
        figure.value,
        figure.numerator,
        figure.denominator,
        figure.note,
        figure.action,
        source,
        actorId,
      ],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId,
      action: 'standards.figure.create',
      targetType: 'standard-figure',
      targetId: row?.id ?? null,
      after,
      requestId: ctx.requestId ?? null,
    });
    return 'created';
  }
  const old = toFigure(existing);
  if (
    old.value === figure.value &&
    old.numerator === figure.numerator &&
    old.denominator === figure.denominator &&
    old.note === figure.note &&
    old.action === figure.action
  )
    return 'unchanged';
  await tx.query(
    `insert into standard_figure_versions (figure_id, value, numerator, denominator, note, action, source, entered_by, valid_from)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      old.id,
      old.value,
      old.numerator,
      old.denominator,
      old.note,
      old.action,
      old.source,
      existing.entered_by,
      old.updatedAt,
    ],
  );
  await tx.query(
    `update standard_figures set value = $2, numerator = $3, denominator = $4, note = $5, action = $6, source = $7,
       entered_by = $8, updated_at = now() where id = $1`,
    [old.id, figure.value, figure.numerator, figure.denominator, figure.note, figure.action, source, actorId],
  );
  await audit(tx, {
    placeId: ctx.place.id,
    actorId,
    action: 'standards.figure.update',
    targetType: 'standard-figure',
    targetId: old.id,
    before: {
      month: old.month,
      value: old.value,
      numerator: old.numerator,
      denominator: old.denominator,
      note: old.note,
      action: old.action,
      source: old.source,
    },
    after,
    requestId: ctx.requestId ?? null,
  });
  return 'updated';
}

/**
 * An officer enters a month's figure for a standard (or changes it: one figure per standard per
 * month, and the earlier one is kept as a version and in the audit log).
 */
export async function saveFigure(
  ctx: ServiceContext,
  serviceSlug: string,
  standardSlug: string,
  raw: FigureInput,
  now = new Date(),
): Promise<{ month: string; result: 'created' | 'updated' | 'unchanged'; met: boolean }> {
  requireManager(ctx);
  const standard = await getStandard(ctx, serviceSlug, standardSlug);
  const checked = checkFigure(standard, raw, now);
  if ('problems' in checked) throw new Invalid(checked.problems);
  const result = await withTransaction(ctx.db, (tx) =>
    writeFigure(tx, ctx, standard, checked.figure, 'form'),
  );
  return { month: checked.figure.month, result, met: checked.figure.met };
}

/** The figure for one month, if there is one. */
export async function figureFor(
  ctx: ServiceContext,
  standard: Standard,
  month: string,
): Promise<Figure | null> {
  if (!isMonth(month)) return null;
  const [row] = await ctx.db.query<FigureRow>(
    `select ${FIGURE_COLUMNS} from standard_figures f where f.place_id = $1 and f.standard_id = $2 and f.month = $3`,
    [ctx.place.id, standard.id, month],
  );
  return row ? toFigure(row) : null;
}

import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { SqlParam, Tx } from '../../../platform/db/types.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { getWard } from '../../wards/ward-service.js';
import { syncSpaceSlots } from '../feeds/slot-service.js';
import {
  closesField,
  HIRER_TYPES,
  type HirerType,
  opensField,
  SPAN_ROWS,
  SpaceInput,
  type SpaceKind,
} from './space-input.js';

/** Everything about a space is public: it is a public place, not a person. */
export type Space = {
  id: string;
  slug: string;
  name: string;
  description: string;
  kind: SpaceKind;
  ownerType: 'council' | 'community' | 'private';
  capacity: number | null;
  accessibility: string[];
  facilities: string[];
  address: string;
  postcode: string | null;
  wardCode: string | null;
  wardName: string | null;
  wardSlug: string | null;
  lon: number | null;
  lat: number | null;
  requiresApproval: boolean;
  status: 'active' | 'closed';
};

export type OpeningSpan = { weekday: number; opens: string; closes: string };
export type OpeningException = {
  onDate: string;
  opens: string | null;
  closes: string | null;
  reason: string;
};
export type Price = { hirerType: HirerType; pencePerHour: number; concessionPencePerHour: number | null };

export type SpaceDetail = Space & {
  hours: OpeningSpan[];
  exceptions: OpeningException[];
  /** One per kind of hirer; a kind with no rule is free for community groups and not offered otherwise. */
  prices: Price[];
};

type SpaceRow = {
  id: string;
  slug: string;
  name: string;
  description: string;
  kind: SpaceKind;
  owner_type: Space['ownerType'];
  capacity: number | null;
  accessibility: string[];
  facilities: string[];
  address: string;
  postcode: string | null;
  ward_code: string | null;
  ward_name: string | null;
  ward_slug: string | null;
  lon: number | null;
  lat: number | null;
  requires_approval: boolean;
  status: Space['status'];
};

const SELECT = `select s.id, s.slug, s.name, s.description, s.kind, s.owner_type, s.capacity, s.accessibility,
  s.facilities, s.address, s.postcode, s.ward_code, w.name as ward_name, w.slug as ward_slug, s.lon, s.lat,
  s.requires_approval, s.status
  from spaces s left join wards w on w.place_id = s.place_id and w.code = s.ward_code`;

function toSpace(r: SpaceRow): Space {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    kind: r.kind,
    ownerType: r.owner_type,
    capacity: r.capacity,
    accessibility: r.accessibility,
    facilities: r.facilities,
    address: r.address,
    postcode: r.postcode,
    wardCode: r.ward_code,
    wardName: r.ward_name,
    wardSlug: r.ward_slug,
    lon: r.lon,
    lat: r.lat,
    requiresApproval: r.requires_approval,
    status: r.status,
  };
}

export type SpaceFilters = { ward?: string | null; kind?: SpaceKind | null; accessibility?: string | null };

/** Open spaces in the place, by name. */
export async function listSpaces(ctx: ServiceContext, filters: SpaceFilters = {}): Promise<Space[]> {
  const params: SqlParam[] = [ctx.place.id];
  const where = ['s.place_id = $1', "s.status = 'active'"];
  if (filters.ward) {
    params.push(filters.ward);
    where.push(`(w.slug = $${params.length} or w.code = $${params.length})`);
  }
  if (filters.kind) {
    params.push(filters.kind);
    where.push(`s.kind = $${params.length}`);
  }
  if (filters.accessibility) {
    params.push(filters.accessibility);
    where.push(`$${params.length} = any(s.accessibility)`);
  }
  const rows = await ctx.db.query<SpaceRow>(
    `${SELECT} where ${where.join(' and ')} order by s.name, s.id`,
    params,
  );
  return rows.map(toSpace);
}

/** A space by its slug, with its opening hours, coming exceptions and prices. */
export async function getSpace(
  ctx: ServiceContext,
  slug: string,
  today = londonToday(),
): Promise<SpaceDetail> {
  const rows = await ctx.db.query<SpaceRow>(`${SELECT} where s.place_id = $1 and s.slug = $2`, [
    ctx.place.id,
    slug,
  ]);
  const row = rows[0];
  if (!row) throw new NotFound('No such space');
  const [hours, exceptions, prices] = await Promise.all([
    ctx.db.query<OpeningSpan>(
      `select weekday, to_char(opens, 'HH24:MI') as opens, to_char(closes, 'HH24:MI') as closes
       from space_opening_hours where space_id = $1 order by weekday, opens`,
      [row.id],
    ),
    ctx.db.query<OpeningException>(
      `select on_date::text as "onDate", to_char(opens, 'HH24:MI') as opens, to_char(closes, 'HH24:MI') as closes, reason
       from space_opening_exceptions where space_id = $1 and on_date >= $2::date order by on_date limit 50`,
      [row.id, today],
    ),
    ctx.db.query<{ hirer_type: HirerType; pence_per_hour: number; concession_pence_per_hour: number | null }>(
      'select hirer_type, pence_per_hour, concession_pence_per_hour from space_prices where space_id = $1',
      [row.id],
    ),
  ]);
  const byType = new Map(prices.map((p) => [p.hirer_type, p]));
  return {
    ...toSpace(row),
    hours: hours.map((h) => ({ ...h, weekday: Number(h.weekday) })),
    exceptions,
    prices: HIRER_TYPES.flatMap((type) => {
      const p = byType.get(type);
      if (p)
        return [
          {
            hirerType: type,
            pencePerHour: p.pence_per_hour,
            concessionPencePerHour: p.concession_pence_per_hour,
          },
        ];
      // Free for community groups unless the space says otherwise (SPEC §3.3).
      return type === 'community-group'
        ? [{ hirerType: type, pencePerHour: 0, concessionPencePerHour: null }]
        : [];
    }),
  };
}

/** Today's date on the London clock, `YYYY-MM-DD`. */
export function londonToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

// Words a space's own pages already use under /spaces/.
const RESERVED_SLUGS = new Set(['new', 'bookings', 'approvals', 'use']);

function slugify(name: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 70)
    .replace(/-+$/, '');
  return s || 'space';
}

async function freeSlug(tx: Tx, placeId: string, name: string): Promise<string> {
  const base = slugify(name);
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (RESERVED_SLUGS.has(slug)) continue;
    const taken = await tx.query('select 1 from spaces where place_id = $1 and slug = $2', [placeId, slug]);
    if (taken.length === 0) return slug;
  }
}

async function writeDetails(tx: Tx, spaceId: string, input: SpaceInput) {
  await tx.query('delete from space_opening_hours where space_id = $1', [spaceId]);
  for (const h of input.hours)
    await tx.query(
      'insert into space_opening_hours (space_id, weekday, opens, closes) values ($1, $2, $3, $4)',
      [spaceId, h.weekday, h.opens, h.closes],
    );
  await tx.query('delete from space_prices where space_id = $1', [spaceId]);
  const prices: [HirerType, number | null, number | null][] = [
    ['community-group', input.priceCommunityGroup ?? 0, input.priceCommunityGroupConcession],
    ['resident', input.priceResident, input.priceResidentConcession],
    ['charity', input.priceCharity, input.priceCharityConcession],
    ['commercial', input.priceCommercial, input.priceCommercialConcession],
  ];
  for (const [type, pence, concession] of prices)
    if (pence !== null)
      await tx.query(
        'insert into space_prices (space_id, hirer_type, pence_per_hour, concession_pence_per_hour) values ($1, $2, $3, $4)',
        [spaceId, type, pence, concession],
      );
}

/** What the audit log keeps of the form: the fields, with the hours as spans rather than 42 boxes. */
function auditView(input: SpaceInput) {
  return Object.fromEntries(Object.entries(input).filter(([k]) => !/^(opens|closes)\d-\d$/.test(k)));
}

/** An officer adds a space. Returns its slug. */
export async function createSpace(ctx: ServiceContext, raw: unknown): Promise<string> {
  if (!can(ctx.actor, 'spaces.manage')) throw new Forbidden();
  const input = validated(SpaceInput, raw);
  const ward = await getWard(ctx, input.ward).catch(() => null);
  if (!ward) throw new Invalid({ ward: 'spaces.spaces.errors.wardMissing' });
  return withTransaction(ctx.db, async (tx) => {
    const slug = await freeSlug(tx, ctx.place.id, input.name);
    const [row] = await tx.query<{ id: string }>(
      `insert into spaces (place_id, slug, name, description, kind, owner_type, capacity, accessibility, facilities,
         address, postcode, ward_code, lon, lat, requires_approval, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) returning id`,
      [
        ctx.place.id,
        slug,
        input.name,
        input.description,
        input.kind,
        input.ownerType,
        input.capacity,
        input.accessibility,
        input.facilities,
        input.address,
        input.postcode || null,
        ward.code,
        ward.centroid?.lon ?? null,
        ward.centroid?.lat ?? null,
        input.requiresApproval,
        ctx.actor?.userId ?? null,
      ],
    );
    const id = row?.id as string;
    await writeDetails(tx, id, input);
    await syncSpaceSlots(tx, id);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'spaces.space.create',
      targetType: 'space',
      targetId: id,
      after: auditView(input),
      requestId: ctx.requestId ?? null,
    });
    return slug;
  });
}

/** An officer changes a space; its address (slug) stays, since people print it. */
export async function updateSpace(ctx: ServiceContext, slug: string, raw: unknown): Promise<void> {
  if (!can(ctx.actor, 'spaces.manage')) throw new Forbidden();
  const before = await getSpace(ctx, slug);
  const input = validated(SpaceInput, raw);
  const ward = await getWard(ctx, input.ward).catch(() => null);
  if (!ward) throw new Invalid({ ward: 'spaces.spaces.errors.wardMissing' });
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      `update spaces set name = $2, description = $3, kind = $4, owner_type = $5, capacity = $6, accessibility = $7,
         facilities = $8, address = $9, postcode = $10, ward_code = $11, requires_approval = $12, updated_at = now()
       where id = $1`,
      [
        before.id,
        input.name,
        input.description,
        input.kind,
        input.ownerType,
        input.capacity,
        input.accessibility,
        input.facilities,
        input.address,
        input.postcode || null,
        ward.code,
        input.requiresApproval,
      ],
    );
    await writeDetails(tx, before.id, input);
    // New hours make new slots and delete the ones no longer offered (the OpenActive feed).
    await syncSpaceSlots(tx, before.id);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'spaces.space.update',
      targetType: 'space',
      targetId: before.id,
      before,
      after: auditView(input),
      requestId: ctx.requestId ?? null,
    });
  });
}

/**
 * An officer closes a space (it leaves the list, cannot be booked, and the OpenActive feeds
 * publish its facility use and slots as deleted) or opens it again. Bookings already made stay.
 */
export async function setSpaceStatus(
  ctx: ServiceContext,
  slug: string,
  status: Space['status'],
  now = new Date(),
): Promise<void> {
  if (!can(ctx.actor, 'spaces.manage')) throw new Forbidden();
  const before = await getSpace(ctx, slug);
  if (before.status === status) return;
  await withTransaction(ctx.db, async (tx) => {
    await tx.query('update spaces set status = $2, updated_at = now() where id = $1', [before.id, status]);
    await syncSpaceSlots(tx, before.id, now);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: status === 'closed' ? 'spaces.space.close' : 'spaces.space.reopen',
      targetType: 'space',
      targetId: before.id,
      before: { status: before.status },
      after: { status },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** The form's values for an existing space (the edit page starts from these). */
export function formValuesOf(space: SpaceDetail): Record<string, string> {
  const values: Record<string, string> = {
    name: space.name,
    description: space.description,
    kind: space.kind,
    ownerType: space.ownerType,
    capacity: space.capacity === null ? '' : String(space.capacity),
    accessibility: space.accessibility.join(','),
    facilities: space.facilities.join(','),
    address: space.address,
    postcode: space.postcode ?? '',
    ward: space.wardSlug ?? '',
    requiresApproval: space.requiresApproval ? 'yes' : '',
  };
  // Each day's spans fill its rows in order; a day with more spans than rows keeps the first ones.
  const filled = new Map<number, number>();
  for (const h of space.hours) {
    const n = (filled.get(h.weekday) ?? 0) + 1;
    filled.set(h.weekday, n);
    if (n > SPAN_ROWS.length) continue;
    values[opensField(h.weekday, n)] = h.opens;
    values[closesField(h.weekday, n)] = h.closes;
  }
  const pounds = (p: number) => (p % 100 === 0 ? String(p / 100) : (p / 100).toFixed(2));
  for (const p of space.prices) {
    const field = {
      'community-group': 'priceCommunityGroup',
      resident: 'priceResident',
      charity: 'priceCharity',
      commercial: 'priceCommercial',
    }[p.hirerType];
    values[field] = pounds(p.pencePerHour);
    if (p.concessionPencePerHour !== null) values[`${field}Concession`] = pounds(p.concessionPencePerHour);
  }
  return values;
}

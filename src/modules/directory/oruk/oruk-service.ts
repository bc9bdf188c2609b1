import { randomUUID } from 'node:crypto';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { wardAt } from '../../wards/ward-service.js';
import { applyForm, ServiceForm, type ServiceInput } from './oruk-form.js';
import { KITH_TAXONOMY_ID } from './oruk-ids.js';
import {
  IdMapper,
  isObject,
  type Json,
  normaliseService,
  servicesInFeed,
  type Weekday,
} from './oruk-normalise.js';
import {
  type AssembledService,
  assembleServices,
  locationListItem,
  locationObject,
  organizationListItem,
  organizationObject,
  saveService,
  serviceListItem,
  type TermRow,
  termObject,
} from './oruk-store.js';
import { KITH_TERM_IDS, kithTaxonomy, kithTerms } from './oruk-taxonomy.js';

/**
 * Services in Open Referral UK 3.0: what the ORUK API, the services pages, the CLI and the
 * demo seed share. Reading is open to everyone; writing needs `directory.service.manage`
 * (officers' forms) or `directory.import` (feeds), except for the command line and seed,
 * which run as the operator.
 */

export type Page = { limit: number; offset: number };

export type ServiceFilters = {
  /** Full text over name, description and organisation, tolerant of typos. */
  search?: string;
  taxonomyTermId?: string;
  taxonomyId?: string;
  organizationId?: string;
  /** Runs on this weekday (any schedule whose byday includes it). */
  day?: Weekday;
  /** Someone of this age is eligible: within minimum_age..maximum_age where given. */
  age?: number;
  /** ORUK minimum_age / maximum_age: the service's own bounds are at least / at most this. */
  minimumAge?: number;
  maximumAge?: number;
  /** HH:MM:SS: opens at or after / closes at or before. */
  startTime?: string;
  endTime?: string;
  modifiedAfter?: Date;
  /** Within `metres` of a point (any of the service's locations); results nearest first. */
  near?: { lon: number; lat: number; metres: number };
  /** Only services people can use now (active or temporarily closed): for the pages. */
  current?: boolean;
};

export type ServiceSummary = AssembledService & { distanceMetres: number | null };

const EARTH_RADIUS_M = 6_371_008.8;

function distanceSql(lat: string, lon: string) {
  return `2 * ${EARTH_RADIUS_M} * asin(least(1, sqrt(power(sin(radians(l.lat - ${lat}) / 2), 2)
    + cos(radians(${lat})) * cos(radians(l.lat)) * power(sin(radians(l.lon - ${lon}) / 2), 2))))`;
}

/** SQL conditions on `s` (oruk_services) for the filters; parameters are appended to `params`. */
function serviceConditions(filters: ServiceFilters, params: unknown[]): string[] {
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (filters.search) {
    // Every word must match: by stem anywhere in the record, or closely (a typo) in its name.
    // Words the stemmer drops ("the", "and") match anything.
    const words = [...new Set(filters.search.toLowerCase().split(/[^\p{L}\p{N}]+/u))]
      .filter(Boolean)
      .slice(0, 8);
    const each = words.map((w) => {
      const p = add(w);
      return `(numnode(plainto_tsquery('kith_search', ${p})) = 0 or d.document @@ plainto_tsquery('kith_search', ${p})
        or (length(${p}) >= 4 and word_similarity(lower(unaccent(${p})), d.fuzzy_text) >= 0.5))`;
    });
    if (each.length) {
      where.push(`exists (select 1 from search_documents d where d.place_id = s.place_id and d.kind = 'service'
        and d.ref_id = s.id::text and ${each.join(' and ')})`);
    }
  }
  if (filters.taxonomyTermId !== undefined) {
    where.push(`exists (select 1 from oruk_attributes a where a.place_id = s.place_id and a.service_id = s.id
      and a.taxonomy_term_id::text = lower(${add(filters.taxonomyTermId)}))`);
  }
  if (filters.taxonomyId !== undefined) {
    const tid = add(filters.taxonomyId.toLowerCase());
    where.push(`exists (select 1 from oruk_attributes a
      left join oruk_taxonomy_terms t on t.place_id = a.place_id and t.id = a.taxonomy_term_id
      where a.place_id = s.place_id and a.service_id = s.id
        and (t.taxonomy_id::text = ${tid} or (${tid} = '${KITH_TAXONOMY_ID}' and a.taxonomy_term_id = any(${add(KITH_TERM_IDS)}::uuid[]))))`);
  }
  if (filters.organizationId !== undefined) {
    where.push(`s.organization_id::text = lower(${add(filters.organizationId)})`);
  }
  if (filters.day) {
    where.push(`exists (select 1 from oruk_schedules sc where sc.place_id = s.place_id and sc.service_id = s.id
      and ${add(filters.day)} = any(sc.days))`);
  }
  if (filters.age !== undefined) {
    const a = add(filters.age);
    where.push(
      `(s.minimum_age is null or s.minimum_age <= ${a}) and (s.maximum_age is null or s.maximum_age >= ${a})`,
    );
  }
  if (filters.minimumAge !== undefined) where.push(`s.minimum_age >= ${add(filters.minimumAge)}`);
  if (filters.maximumAge !== undefined) where.push(`s.maximum_age <= ${add(filters.maximumAge)}`);
  if (filters.startTime) {
    where.push(`exists (select 1 from oruk_schedules sc where sc.place_id = s.place_id and sc.service_id = s.id
      and sc.opens_at >= ${add(filters.startTime)})`);
  }
  if (filters.endTime) {
    where.push(`exists (select 1 from oruk_schedules sc where sc.place_id = s.place_id and sc.service_id = s.id
      and sc.closes_at <= ${add(filters.endTime)})`);
  }
  if (filters.modifiedAfter) where.push(`s.last_modified >= ${add(filters.modifiedAfter)}`);
  if (filters.current) where.push(`s.status in ('active', 'temporarily closed')`);
  return where;
}

/**
 * A page of services matching the filters, by name (or nearest first when searching near a
 * point), with the total for paging. Each comes fully assembled.
 */
export async function listServices(
  ctx: ServiceContext,
  filters: ServiceFilters = {},
  page: Page = { limit: 50, offset: 0 },
): Promise<{ total: number; items: ServiceSummary[] }> {
  const params: unknown[] = [ctx.place.id];
  const where = ['s.place_id = $1', ...serviceConditions(filters, params)];
  let distance = 'null::float8';
  let near = '';
  if (filters.near) {
    const lat = `$${params.push(filters.near.lat)}::float8`;
    const lon = `$${params.push(filters.near.lon)}::float8`;
    distance = `(select min(${distanceSql(lat, lon)}) from oruk_service_at_locations sl
      join oruk_locations l on l.place_id = sl.place_id and l.id = sl.location_id
      where sl.place_id = s.place_id and sl.service_id = s.id and l.lat is not null)`;
    near = `where distance <= $${params.push(filters.near.metres)}::float8`;
  }
  const base = `with matching as (
      select s.id, lower(s.name) as sort_name, ${distance} as distance from oruk_services s where ${where.join(' and ')}
    ) select * from matching ${near}`;
  const [count] = await ctx.db.query<{ n: number }>(
    `select count(*)::int as n from (${base}) m`,
    params as never,
  );
  const rows = await ctx.db.query<{ id: string; distance: number | null }>(
    `${base} order by ${filters.near ? 'distance, ' : ''}sort_name, id limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, page.limit, page.offset] as never,
  );
  const assembled = await assembleServices(
    ctx.db,
    ctx.place.id,
    rows.map((r) => r.id),
  );
  const distances = new Map(rows.map((r) => [r.id, r.distance]));
  return {
    total: count?.n ?? 0,
    items: assembled.map((a) => ({ ...a, distanceMetres: distances.get(a.service.id as string) ?? null })),
  };
}

/** A service with everything Kith knows about it; NotFound for an unknown or malformed id. */
export async function getServiceRecord(ctx: ServiceContext, id: string): Promise<AssembledService> {
  const [found] = isUuid(id) ? await assembleServices(ctx.db, ctx.place.id, [id.toLowerCase()]) : [];
  if (!found) throw new NotFound(`There is no service ${id} in ${ctx.place.name}`);
  return found;
}

/** The fully nested Open Referral UK service object. */
export async function getService(ctx: ServiceContext, id: string): Promise<Json> {
  return (await getServiceRecord(ctx, id)).service;
}

export { serviceListItem };

// --- Service at location --------------------------------------------------------------------

type SalListRow = {
  sal_id: string;
  service_id: string;
  location_id: string;
  id: string;
  name: string | null;
  location_type: string;
  lon: number | null;
  lat: number | null;
  ward_code: string | null;
  data: Json;
};

/** Each place a service is offered, filtered like services (near = that location is near). */
export async function listServiceAtLocations(
  ctx: ServiceContext,
  filters: ServiceFilters = {},
  page: Page = { limit: 50, offset: 0 },
): Promise<{ total: number; items: Json[] }> {
  const params: unknown[] = [ctx.place.id];
  const where = ['sl.place_id = $1', ...serviceConditions(filters, params)];
  let order = 'lower(s.name), s.id, sl.position, sl.id';
  if (filters.near) {
    const lat = `$${params.push(filters.near.lat)}::float8`;
    const lon = `$${params.push(filters.near.lon)}::float8`;
    where.push(
      `l.lat is not null and ${distanceSql(lat, lon)} <= $${params.push(filters.near.metres)}::float8`,
    );
    order = `${distanceSql(lat, lon)}, ${order}`;
  }
  const from = `from oruk_service_at_locations sl
    join oruk_services s on s.place_id = sl.place_id and s.id = sl.service_id
    join oruk_locations l on l.place_id = sl.place_id and l.id = sl.location_id
    where ${where.join(' and ')}`;
  const [count] = await ctx.db.query<{ n: number }>(`select count(*)::int as n ${from}`, params as never);
  const rows = await ctx.db.query<SalListRow>(
    `select sl.id as sal_id, sl.service_id, sl.location_id, l.id, l.name, l.location_type, l.lon, l.lat, l.ward_code, l.data
     ${from} order by ${order} limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, page.limit, page.offset] as never,
  );
  const services = new Map(
    (await assembleServices(ctx.db, ctx.place.id, [...new Set(rows.map((r) => r.service_id))])).map((a) => [
      a.service.id as string,
      a.service,
    ]),
  );
  return {
    total: count?.n ?? 0,
    items: rows.map((r) => {
      const service = services.get(r.service_id);
      return {
        id: r.sal_id,
        service_id: r.service_id,
        location_id: r.location_id,
        location: locationListItem(r),
        ...(service ? { service: serviceListItem(service) } : {}),
      };
    }),
  };
}

/**
 * One service at one location, fully nested. It also carries the service's name and status:
 * the UK OpenAPI document describes this response with the service schema, so clients
 * following either reading find what they look for.
 */
export async function getServiceAtLocation(ctx: ServiceContext, id: string): Promise<Json> {
  const rows = isUuid(id)
    ? await ctx.db.query<SalListRow & { sal_data: Json }>(
        `select sl.id as sal_id, sl.service_id, sl.location_id, sl.data as sal_data,
           l.id, l.name, l.location_type, l.lon, l.lat, l.ward_code, l.data
         from oruk_service_at_locations sl join oruk_locations l on l.place_id = sl.place_id and l.id = sl.location_id
         where sl.place_id = $1 and sl.id = $2`,
        [ctx.place.id, id.toLowerCase()],
      )
    : [];
  const r = rows[0];
  if (!r) throw new NotFound(`There is no service at location ${id} in ${ctx.place.name}`);
  const service = await getService(ctx, r.service_id);
  const { service_at_locations: _nested, ...rest } = service;
  return {
    id: r.sal_id,
    service_id: r.service_id,
    location_id: r.location_id,
    name: service.name,
    status: service.status,
    ...r.sal_data,
    location: locationObject(r),
    service: rest,
  };
}

// --- Taxonomies ------------------------------------------------------------------------------

/** The place's own taxonomy first, then those that came with imported feeds. */
export async function listTaxonomies(
  ctx: ServiceContext,
  page: Page,
): Promise<{ total: number; items: Json[] }> {
  const [count] = await ctx.db.query<{ n: number }>(
    'select count(*)::int as n from oruk_taxonomies where place_id = $1',
    [ctx.place.id],
  );
  const own = page.offset === 0 && page.limit > 0 ? [kithTaxonomy()] : [];
  const rows = await ctx.db.query<{ id: string; name: string; description: string; data: Json }>(
    `select id, name, description, data from oruk_taxonomies where place_id = $1
     order by lower(name), id limit $2 offset $3`,
    [ctx.place.id, page.limit - own.length, Math.max(0, page.offset - 1)],
  );
  return {
    total: (count?.n ?? 0) + 1,
    items: [...own, ...rows.map((r) => ({ id: r.id, name: r.name, description: r.description, ...r.data }))],
  };
}

export async function getTaxonomy(ctx: ServiceContext, id: string): Promise<Json> {
  if (!isUuid(id)) throw new NotFound(`There is no taxonomy ${id}`);
  const all = { limit: 10_000, offset: 0 };
  if (id.toLowerCase() === KITH_TAXONOMY_ID) {
    return {
      ...kithTaxonomy(),
      taxonomy_terms: (await listTaxonomyTerms(ctx, { taxonomyId: id }, all)).items,
    };
  }
  const rows = await ctx.db.query<{ id: string; name: string; description: string; data: Json }>(
    'select id, name, description, data from oruk_taxonomies where place_id = $1 and id = $2',
    [ctx.place.id, id.toLowerCase()],
  );
  const r = rows[0];
  if (!r) throw new NotFound(`There is no taxonomy ${id} in ${ctx.place.name}`);
  const terms = (await listTaxonomyTerms(ctx, { taxonomyId: r.id }, all)).items;
  return { id: r.id, name: r.name, description: r.description, ...r.data, taxonomy_terms: terms };
}

export type TermFilters = { taxonomyId?: string; parentId?: string; topOnly?: boolean; search?: string };

/** Taxonomy terms: Kith's categories first, then imported terms by name. */
export async function listTaxonomyTerms(
  ctx: ServiceContext,
  filters: TermFilters,
  page: Page,
): Promise<{ total: number; items: Json[] }> {
  const needle = filters.search?.toLowerCase();
  const own = kithTerms().filter(
    (t) =>
      (filters.taxonomyId === undefined || filters.taxonomyId.toLowerCase() === KITH_TAXONOMY_ID) &&
      filters.parentId === undefined &&
      (!needle || String(t.name).toLowerCase().includes(needle) || String(t.term).includes(needle)),
  );
  const params: unknown[] = [ctx.place.id];
  const where = ['place_id = $1'];
  if (filters.taxonomyId !== undefined)
    where.push(`taxonomy_id::text = lower($${params.push(filters.taxonomyId)})`);
  if (filters.parentId !== undefined)
    where.push(`parent_id::text = lower($${params.push(filters.parentId)})`);
  if (filters.topOnly) where.push('parent_id is null');
  if (needle) where.push(`lower(name) like '%' || $${params.push(needle)} || '%'`);
  const [count] = await ctx.db.query<{ n: number }>(
    `select count(*)::int as n from oruk_taxonomy_terms where ${where.join(' and ')}`,
    params as never,
  );
  const ownPage = own.slice(page.offset, page.offset + page.limit);
  const rows = await ctx.db.query<TermRow>(
    `select id, taxonomy_id, parent_id, name, description, data from oruk_taxonomy_terms where ${where.join(' and ')}
     order by lower(name), id limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, page.limit - ownPage.length, Math.max(0, page.offset - own.length)] as never,
  );
  return { total: own.length + (count?.n ?? 0), items: [...ownPage, ...rows.map(termObject)] };
}

export async function getTaxonomyTerm(ctx: ServiceContext, id: string): Promise<Json> {
  if (isUuid(id)) {
    const own = kithTerms().find((t) => t.id === id.toLowerCase());
    if (own) return own;
    const rows = await ctx.db.query<TermRow>(
      'select id, taxonomy_id, parent_id, name, description, data from oruk_taxonomy_terms where place_id = $1 and id = $2',
      [ctx.place.id, id.toLowerCase()],
    );
    if (rows[0]) return termObject(rows[0]);
  }
  throw new NotFound(`There is no taxonomy term ${id} in ${ctx.place.name}`);
}

// --- Organisations ---------------------------------------------------------------------------

export async function listOrganizations(
  ctx: ServiceContext,
  filters: { search?: string },
  page: Page,
): Promise<{ total: number; items: Json[] }> {
  const params: unknown[] = [ctx.place.id];
  const where = ['place_id = $1'];
  if (filters.search) where.push(`lower(name) like '%' || lower($${params.push(filters.search)}) || '%'`);
  const [count] = await ctx.db.query<{ n: number }>(
    `select count(*)::int as n from oruk_organizations where ${where.join(' and ')}`,
    params as never,
  );
  const rows = await ctx.db.query<{ id: string; name: string; data: Json }>(
    `select id, name, data from oruk_organizations where ${where.join(' and ')}
     order by lower(name), id limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, page.limit, page.offset] as never,
  );
  return { total: count?.n ?? 0, items: rows.map(organizationListItem) };
}

/** An organisation with its services (their one-to-one fields). */
export async function getOrganization(ctx: ServiceContext, id: string): Promise<Json> {
  const rows = isUuid(id)
    ? await ctx.db.query<{ id: string; name: string; data: Json }>(
        'select id, name, data from oruk_organizations where place_id = $1 and id = $2',
        [ctx.place.id, id.toLowerCase()],
      )
    : [];
  const r = rows[0];
  if (!r) throw new NotFound(`There is no organisation ${id} in ${ctx.place.name}`);
  const services = await listServices(ctx, { organizationId: r.id }, { limit: 10_000, offset: 0 });
  return { ...organizationObject(r), services: services.items.map((s) => serviceListItem(s.service)) };
}

// --- Writing ---------------------------------------------------------------------------------

/** Wards for every located place in these services, worked out before the transaction opens. */
async function wardsFor(
  ctx: ServiceContext,
  services: Json[],
): Promise<(lon: number, lat: number) => string | null> {
  const found = new Map<string, string | null>();
  for (const s of services) {
    for (const sal of Array.isArray(s.service_at_locations) ? s.service_at_locations : []) {
      const l = isObject(sal) && isObject(sal.location) ? sal.location : null;
      if (!l || typeof l.longitude !== 'number' || typeof l.latitude !== 'number') continue;
      const key = `${l.longitude},${l.latitude}`;
      if (!found.has(key)) found.set(key, (await wardAt(ctx, l.longitude, l.latitude))?.code ?? null);
    }
  }
  return (lon, lat) => found.get(`${lon},${lat}`) ?? null;
}

function requireManage(ctx: ServiceContext) {
  if (!can(ctx.actor, 'directory.service.manage')) throw new Forbidden();
}

function validated(input: unknown): ServiceInput {
  const parsed = ServiceForm.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
  throw new Invalid(errors);
}

/** The organisation of that name in this place (any case), or a new one. */
async function organizationFor(
  ctx: ServiceContext,
  name: string,
): Promise<{ id: string; description: string }> {
  const rows = await ctx.db.query<{ id: string; description: string | null }>(
    `select id, data->>'description' as description from oruk_organizations
     where place_id = $1 and lower(name) = lower($2) order by id limit 1`,
    [ctx.place.id, name.trim()],
  );
  return rows[0]
    ? { id: rows[0].id, description: rows[0].description ?? '' }
    : { id: randomUUID(), description: '' };
}

async function writeFromForm(ctx: ServiceContext, base: Json | null, id: string, input: ServiceInput) {
  const current = base && isObject(base.organization) ? base.organization : null;
  // The same name keeps the same organisation, even where another shares its name.
  const organization =
    current && String(current.name).trim().toLowerCase() === input.organization.trim().toLowerCase()
      ? { id: current.id as string, description: String(current.description ?? '') }
      : await organizationFor(ctx, input.organization);
  const applied = applyForm(base ?? {}, input, {
    serviceId: id,
    organizationId: organization.id,
    organizationDescription: organization.description,
  });
  const normalised = normaliseService(applied, new IdMapper('kith'));
  if (!normalised) throw new Invalid({ name: 'directory.oruk.errors.nameMissing' });
  const wardFor = await wardsFor(ctx, [normalised.service]);
  return { service: normalised.service, wardFor };
}

/** An officer adds a service; returns its id. */
export async function createService(ctx: ServiceContext, input: unknown): Promise<string> {
  requireManage(ctx);
  const data = validated(input);
  const id = randomUUID();
  const { service, wardFor } = await writeFromForm(ctx, null, id, data);
  await withTransaction(ctx.db, async (tx) => {
    await saveService(tx, service, {
      placeId: ctx.place.id,
      placeSlug: ctx.place.slug,
      source: 'kith',
      sourceId: null,
      createdBy: ctx.actor?.userId ?? null,
      lastConfirmedAt: new Date(),
      wardFor,
    });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.service.create',
      targetType: 'oruk_service',
      targetId: id,
      after: service,
      requestId: ctx.requestId ?? null,
    });
  });
  return id;
}

/** An officer edits a service (confirming it is current as they do). */
export async function updateService(ctx: ServiceContext, id: string, input: unknown): Promise<void> {
  requireManage(ctx);
  const before = await getServiceRecord(ctx, id);
  const data = validated(input);
  const { service, wardFor } = await writeFromForm(ctx, before.service, before.service.id as string, data);
  await withTransaction(ctx.db, async (tx) => {
    await saveService(tx, service, {
      placeId: ctx.place.id,
      placeSlug: ctx.place.slug,
      source: before.extras.source,
      sourceId: before.extras.sourceId,
      lastConfirmedAt: new Date(),
      wardFor,
    });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.service.update',
      targetType: 'oruk_service',
      targetId: before.service.id as string,
      before: before.service,
      after: service,
      requestId: ctx.requestId ?? null,
    });
  });
}

export type ImportResult = {
  imported: number;
  serviceIds: string[];
  skipped: { index: number; reason: string }[];
};

/**
 * Loads another directory's feed (one service, an array, or a page of a list) into this
 * place, in one transaction. Idempotent: the same feed again changes nothing, because ids
 * that are not UUIDs become UUIDs derived from the source and the feed's own id.
 * `trusted` is for the command line and the seed, which act as the operator.
 */
export async function importOrukFeed(
  ctx: ServiceContext,
  feed: unknown,
  options: { source: string; trusted?: boolean },
): Promise<ImportResult> {
  if (!options.trusted && !can(ctx.actor, 'directory.import')) throw new Forbidden();
  const source = options.source.trim().slice(0, 500) || 'import';
  const ids = new IdMapper(source);
  const skipped: ImportResult['skipped'] = [];
  const byId = new Map<string, { service: Json; sourceId: string | null }>();
  servicesInFeed(feed).forEach((raw, index) => {
    const n = normaliseService(raw, ids);
    if (!n) skipped.push({ index, reason: isObject(raw) ? 'a service needs a name' : 'not an object' });
    else byId.set(n.service.id as string, n);
  });
  const services = [...byId.values()];
  const wardFor = await wardsFor(
    ctx,
    services.map((s) => s.service),
  );
  await withTransaction(ctx.db, async (tx) => {
    for (const { service, sourceId } of services) {
      await saveService(tx, service, {
        placeId: ctx.place.id,
        placeSlug: ctx.place.slug,
        source,
        sourceId,
        wardFor,
      });
    }
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.oruk.import',
      targetType: 'oruk_feed',
      targetId: null,
      after: { source, imported: services.length, skipped: skipped.length },
      requestId: ctx.requestId ?? null,
    });
  });
  return { imported: services.length, serviceIds: services.map((s) => s.service.id as string), skipped };
}

/**
 * Every service in the place, fully nested, as one page of an ORUK list: the file
 * `kith export oruk` writes and `kith import oruk` (here or in another Kith) reads.
 */
export async function exportOruk(ctx: ServiceContext): Promise<Json> {
  const contents = (await assembleServices(ctx.db, ctx.place.id, null)).map((a) => a.service);
  return {
    total_items: contents.length,
    total_pages: 1,
    page_number: 1,
    size: contents.length,
    first_page: true,
    last_page: true,
    empty: contents.length === 0,
    contents,
  };
}

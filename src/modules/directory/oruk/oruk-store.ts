import type { Queryable, Tx } from '../../../platform/db/types.js';
import { indexDocument, type TimeOfDay } from '../../../platform/search/search-index.js';
import type { Category } from '../categories.js';
import { KITH_TAXONOMY_ID, kithTermCode } from './oruk-ids.js';
import {
  ATTRIBUTE_KEYS,
  daysOf,
  isObject,
  type Json,
  LOCATION_KEYS,
  ORGANIZATION_KEYS,
  SCHEDULE_KEYS,
  SERVICE_KEY_ORDER,
  TERM_KEYS,
  WEEKDAYS,
  type Weekday,
} from './oruk-normalise.js';
import { kithTerm } from './oruk-taxonomy.js';

/**
 * How services sit in the tables (migrations/0007_oruk.sql) and come back out as nested
 * Open Referral UK objects. Columns hold what is queried; `data` holds the rest, so that
 * what goes in comes out again.
 */

type Db = Pick<Queryable, 'query'>;

const SERVICE_LIST_KEYS = SERVICE_KEY_ORDER.slice(0, 15);
const ORGANIZATION_LIST_KEYS = ORGANIZATION_KEYS.slice(0, 8);
const LOCATION_LIST_KEYS = LOCATION_KEYS.slice(0, 8);
// jsonb keeps keys in its own order; objects go out in the order of the schema.
const NESTED_ORDER: Record<string, readonly string[]> = {
  addresses: [
    'id',
    'location_id',
    'attention',
    'address_1',
    'address_2',
    'city',
    'region',
    'state_province',
    'postal_code',
    'country',
    'address_type',
  ],
  accessibility: ['id', 'location_id', 'description', 'details', 'url', 'accessibility'],
  cost_options: ['id', 'service_id', 'valid_from', 'valid_to', 'option', 'amount', 'amount_description'],
  funding: ['id', 'service_id', 'source'],
  languages: ['id', 'service_id', 'phone_id', 'name', 'code', 'note'],
  service_areas: ['id', 'service_id', 'name', 'extent', 'extent_type', 'uri', 'service_area'],
  phones: ['id', 'contact_id', 'location_id', 'service_id', 'number', 'extension', 'type', 'description'],
  organization_identifiers: ['id', 'organization_id', 'identifier_scheme', 'identifier_type', 'identifier'],
  attributes: ATTRIBUTE_KEYS,
  taxonomy_term: TERM_KEYS,
  schedules: SCHEDULE_KEYS,
  contacts: ['id', 'service_id', 'name', 'title', 'email', 'phones'],
};

/** Puts the keys of nested objects in schema order, at any depth. */
function tidy(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => tidy(v, key));
  if (!isObject(value)) return value;
  const order = NESTED_ORDER[key];
  const out: Json = {};
  for (const [k, v] of Object.entries(order ? ordered(value, order) : value)) out[k] = tidy(v, k);
  return out;
}

/** The object with its keys in the schema's order, then anything else; undefined values dropped. */
export function ordered(obj: Json, order: readonly string[]): Json {
  const out: Json = {};
  for (const k of order) if (obj[k] !== undefined && obj[k] !== null) out[k] = obj[k];
  for (const [k, v] of Object.entries(obj)) if (!(k in out) && v !== undefined && v !== null) out[k] = v;
  return out;
}

function pick(obj: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const k of keys) if (obj[k] !== undefined && obj[k] !== null) out[k] = obj[k];
  return out;
}

function omit(obj: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
  return out;
}

function asList(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function utcDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

// --- Writing --------------------------------------------------------------------------------

export type SaveMeta = {
  placeId: string;
  placeSlug: string;
  source: string;
  sourceId: string | null;
  createdBy?: string | null;
  /** When the record was last checked; defaults to assured_date, last_modified, then now. */
  lastConfirmedAt?: Date;
  /**
   * The ward a point is in, worked out before the transaction (see wardsFor), so that
   * located services can be listed by ward.
   */
  wardFor: (lon: number, lat: number) => string | null;
};

/**
 * Writes one normalised service and everything nested in it, replacing what the service had
 * before (its locations and organisation are shared, so they are updated, never removed).
 * Runs in the caller's transaction and refreshes the search index row.
 */
export async function saveService(tx: Tx, service: Json, meta: SaveMeta): Promise<void> {
  const p = meta.placeId;
  const id = service.id as string;
  const organization = isObject(service.organization) ? service.organization : null;
  if (organization) {
    await tx.query(
      `insert into oruk_organizations (place_id, id, name, data) values ($1, $2, $3, $4)
       on conflict (place_id, id) do update set name = excluded.name, data = excluded.data, updated_at = now()`,
      [
        p,
        organization.id as string,
        organization.name as string,
        JSON.stringify(omit(organization, ['id', 'name'])),
      ],
    );
  }
  let organizationId: string | null = (organization?.id as string | undefined) ?? null;
  const data = omit(service, [
    'id',
    'organization_id',
    'name',
    'description',
    'status',
    'minimum_age',
    'maximum_age',
    'assured_date',
    'last_modified',
    'schedules',
    'service_at_locations',
    'organization',
    'contacts',
    'attributes',
  ]);
  if (!organizationId && typeof service.organization_id === 'string') {
    const known = await tx.query('select 1 from oruk_organizations where place_id = $1 and id = $2', [
      p,
      service.organization_id,
    ]);
    // An organisation the feed names but never describes stays a plain reference.
    if (known.length) organizationId = service.organization_id;
    else data.organization_id = service.organization_id;
  }
  const lastModified =
    typeof service.last_modified === 'string' ? new Date(service.last_modified) : new Date();
  const lastConfirmed =
    meta.lastConfirmedAt ??
    (typeof service.assured_date === 'string' ? new Date(`${service.assured_date}T00:00:00Z`) : lastModified);
  await tx.query(
    `insert into oruk_services (place_id, id, organization_id, name, description, status, minimum_age, maximum_age,
       source, source_id, last_confirmed_at, last_modified, data, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     on conflict (place_id, id) do update set organization_id = excluded.organization_id, name = excluded.name,
       description = excluded.description, status = excluded.status, minimum_age = excluded.minimum_age,
       maximum_age = excluded.maximum_age, source = excluded.source, source_id = excluded.source_id,
       last_confirmed_at = excluded.last_confirmed_at, last_modified = excluded.last_modified,
       data = excluded.data, updated_at = now()`,
    [
      p,
      id,
      organizationId,
      service.name as string,
      (service.description as string | undefined) ?? '',
      service.status as string,
      (service.minimum_age as number | undefined) ?? null,
      (service.maximum_age as number | undefined) ?? null,
      meta.source,
      meta.sourceId,
      lastConfirmed,
      lastModified,
      JSON.stringify(data),
      meta.createdBy ?? null,
    ],
  );
  for (const table of ['oruk_service_at_locations', 'oruk_schedules', 'oruk_contacts', 'oruk_attributes']) {
    await tx.query(`delete from ${table} where place_id = $1 and service_id = $2`, [p, id]);
  }

  let position = 0;
  for (const sal of asList(service.service_at_locations)) {
    const location = isObject(sal.location) ? sal.location : null;
    const locationId = sal.location_id as string;
    if (location) {
      // Only a real point goes in the columns (and the ward); anything else stays as the feed had it.
      const located =
        typeof location.latitude === 'number' &&
        typeof location.longitude === 'number' &&
        Math.abs(location.latitude) <= 90 &&
        Math.abs(location.longitude) <= 180;
      const lat = located ? (location.latitude as number) : null;
      const lon = located ? (location.longitude as number) : null;
      const ward = lat !== null && lon !== null ? meta.wardFor(lon, lat) : null;
      const postcode = asList(location.addresses)[0]?.postal_code;
      await tx.query(
        `insert into oruk_locations (place_id, id, name, location_type, postcode, lon, lat, ward_code, data)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (place_id, id) do update set name = excluded.name, location_type = excluded.location_type,
           postcode = excluded.postcode, lon = excluded.lon, lat = excluded.lat, ward_code = excluded.ward_code,
           data = excluded.data, updated_at = now()`,
        [
          p,
          locationId,
          (location.name as string | undefined) ?? null,
          location.location_type as string,
          typeof postcode === 'string' && postcode !== '' ? postcode : null,
          lon,
          lat,
          ward,
          JSON.stringify(
            omit(location, ['id', 'name', 'location_type', ...(located ? ['latitude', 'longitude'] : [])]),
          ),
        ],
      );
    } else {
      await tx.query(
        `insert into oruk_locations (place_id, id) values ($1, $2) on conflict (place_id, id) do nothing`,
        [p, locationId],
      );
    }
    await tx.query(
      `insert into oruk_service_at_locations (place_id, id, service_id, location_id, position, data)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (place_id, id) do update set service_id = excluded.service_id, location_id = excluded.location_id,
         position = excluded.position, data = excluded.data`,
      [
        p,
        sal.id as string,
        id,
        locationId,
        position++,
        JSON.stringify(omit(sal, ['id', 'service_id', 'location_id', 'location'])),
      ],
    );
  }

  position = 0;
  for (const s of asList(service.schedules)) {
    await tx.query(
      `insert into oruk_schedules (place_id, id, service_id, service_at_location_id, position, days, opens_at, closes_at, data)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (place_id, id) do update set service_id = excluded.service_id,
         service_at_location_id = excluded.service_at_location_id, position = excluded.position, days = excluded.days,
         opens_at = excluded.opens_at, closes_at = excluded.closes_at, data = excluded.data`,
      [
        p,
        s.id as string,
        id,
        (s.service_at_location_id as string | undefined) ?? null,
        position++,
        daysOf(s.byday as string | undefined),
        (s.opens_at as string | undefined) ?? null,
        (s.closes_at as string | undefined) ?? null,
        JSON.stringify(omit(s, ['id', 'service_id', 'service_at_location_id', 'opens_at', 'closes_at'])),
      ],
    );
  }

  position = 0;
  for (const c of asList(service.contacts)) {
    await tx.query(
      `insert into oruk_contacts (place_id, id, service_id, position, name, data) values ($1, $2, $3, $4, $5, $6)
       on conflict (place_id, id) do update set service_id = excluded.service_id, position = excluded.position,
         name = excluded.name, data = excluded.data`,
      [
        p,
        c.id as string,
        id,
        position++,
        (c.name as string | undefined) ?? null,
        JSON.stringify(omit(c, ['id', 'service_id', 'name'])),
      ],
    );
  }

  position = 0;
  for (const a of asList(service.attributes)) {
    const termId = a.taxonomy_term_id as string;
    const term = isObject(a.taxonomy_term) ? a.taxonomy_term : null;
    if (term && !kithTermCode(termId)) await saveTerm(tx, p, { ...term, id: termId });
    await tx.query(
      `insert into oruk_attributes (place_id, id, service_id, taxonomy_term_id, position, data)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (place_id, id) do update set service_id = excluded.service_id,
         taxonomy_term_id = excluded.taxonomy_term_id, position = excluded.position, data = excluded.data`,
      [
        p,
        a.id as string,
        id,
        termId,
        position++,
        JSON.stringify(omit(a, ['id', 'link_id', 'taxonomy_term_id', 'taxonomy_term'])),
      ],
    );
  }

  await indexService(tx, meta.placeId, meta.placeSlug, id);
}

async function saveTerm(tx: Tx, placeId: string, term: Json) {
  const taxonomyId = typeof term.taxonomy_id === 'string' ? term.taxonomy_id : null;
  if (taxonomyId && taxonomyId !== KITH_TAXONOMY_ID) {
    // Feeds carry terms, rarely their taxonomies: name the taxonomy from the term until told more.
    await tx.query(
      `insert into oruk_taxonomies (place_id, id, name) values ($1, $2, $3) on conflict (place_id, id) do nothing`,
      [placeId, taxonomyId, typeof term.taxonomy === 'string' ? term.taxonomy : 'Imported taxonomy'],
    );
  }
  await tx.query(
    `insert into oruk_taxonomy_terms (place_id, id, taxonomy_id, parent_id, name, description, data)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (place_id, id) do update set taxonomy_id = excluded.taxonomy_id, parent_id = excluded.parent_id,
       name = excluded.name, description = excluded.description, data = excluded.data`,
    [
      placeId,
      term.id as string,
      taxonomyId,
      typeof term.parent_id === 'string' ? term.parent_id : null,
      term.name as string,
      (term.description as string | undefined) ?? '',
      JSON.stringify(omit(term, ['id', 'taxonomy_id', 'parent_id', 'name', 'description'])),
    ],
  );
}

// --- Reading --------------------------------------------------------------------------------

type ServiceRow = {
  id: string;
  organization_id: string | null;
  name: string;
  description: string;
  status: string;
  minimum_age: string | number | null;
  maximum_age: string | number | null;
  source: string;
  source_id: string | null;
  last_confirmed_at: Date;
  last_modified: Date;
  data: Json;
};
type OrganizationRow = { id: string; name: string; data: Json };
type LocationRow = {
  id: string;
  name: string | null;
  location_type: string;
  lon: number | null;
  lat: number | null;
  ward_code: string | null;
  data: Json;
};
type SalRow = LocationRow & { sal_id: string; service_id: string; location_id: string; sal_data: Json };
type ScheduleRow = {
  id: string;
  service_id: string;
  service_at_location_id: string | null;
  opens_at: string | null;
  closes_at: string | null;
  data: Json;
};
type ContactRow = { id: string; service_id: string; name: string | null; data: Json };
type AttributeRow = {
  id: string;
  service_id: string;
  taxonomy_term_id: string;
  data: Json;
  term_id: string | null;
  term_taxonomy_id: string | null;
  term_parent_id: string | null;
  term_name: string | null;
  term_description: string | null;
  term_data: Json | null;
};
export type TermRow = {
  id: string;
  taxonomy_id: string | null;
  parent_id: string | null;
  name: string;
  description: string;
  data: Json;
};

const number = (v: string | number | null) => (v === null ? undefined : Number(v));

export function organizationObject(r: OrganizationRow): Json {
  return tidy(ordered({ id: r.id, name: r.name, description: '', ...r.data }, ORGANIZATION_KEYS)) as Json;
}

export function organizationListItem(r: OrganizationRow): Json {
  return pick(organizationObject(r), ORGANIZATION_LIST_KEYS);
}

export function termObject(r: TermRow): Json {
  return ordered(
    {
      id: r.id,
      name: r.name,
      description: r.description,
      ...(r.parent_id ? { parent_id: r.parent_id } : {}),
      ...r.data,
      ...(r.taxonomy_id ? { taxonomy_id: r.taxonomy_id } : {}),
    },
    TERM_KEYS,
  );
}

export function locationObject(r: LocationRow): Json {
  return tidyOrdered(
    {
      id: r.id,
      location_type: r.location_type,
      ...(r.name ? { name: r.name } : {}),
      ...(r.lat !== null && r.lon !== null ? { latitude: r.lat, longitude: r.lon } : {}),
      ...r.data,
    },
    LOCATION_KEYS,
  );
}

function tidyOrdered(obj: Json, order: readonly string[]): Json {
  return tidy(ordered(obj, order)) as Json;
}

export function locationListItem(r: LocationRow): Json {
  return pick(locationObject(r), LOCATION_LIST_KEYS);
}

/** What Kith itself needs to show a service besides the ORUK object. */
export type ServiceExtras = {
  source: string;
  sourceId: string | null;
  lastConfirmedAt: Date;
  categories: Category[];
  wardCode: string | null;
  point: { lon: number; lat: number } | null;
};

export type AssembledService = { service: Json; extras: ServiceExtras };

/**
 * Fully nested UK service objects for the given ids (all the place's services when null),
 * in the order given (by name when null). A handful of queries, whatever the number.
 */
export async function assembleServices(
  db: Db,
  placeId: string,
  ids: string[] | null,
): Promise<AssembledService[]> {
  const idFilter = ids === null ? '' : 'and id = any($2::uuid[])';
  const params = ids === null ? [placeId] : [placeId, ids];
  const services = await db.query<ServiceRow>(
    `select id, organization_id, name, description, status, minimum_age, maximum_age, source, source_id,
       last_confirmed_at, last_modified, data
     from oruk_services where place_id = $1 ${idFilter} order by lower(name), id`,
    params,
  );
  if (!services.length) return [];
  const serviceIds = services.map((s) => s.id);
  const byService = <T extends { service_id: string }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) map.set(r.service_id, [...(map.get(r.service_id) ?? []), r]);
    return map;
  };
  const orgIds = [...new Set(services.map((s) => s.organization_id).filter((x): x is string => x !== null))];
  const [orgs, sals, schedules, contacts, attributes] = await Promise.all([
    db.query<OrganizationRow>(
      'select id, name, data from oruk_organizations where place_id = $1 and id = any($2::uuid[])',
      [placeId, orgIds],
    ),
    db.query<SalRow>(
      `select sl.id as sal_id, sl.service_id, sl.location_id, sl.data as sal_data,
         l.id, l.name, l.location_type, l.lon, l.lat, l.ward_code, l.data
       from oruk_service_at_locations sl
       join oruk_locations l on l.place_id = sl.place_id and l.id = sl.location_id
       where sl.place_id = $1 and sl.service_id = any($2::uuid[]) order by sl.position, sl.id`,
      [placeId, serviceIds],
    ),
    db.query<ScheduleRow>(
      `select id, service_id, service_at_location_id, opens_at, closes_at, data from oruk_schedules
       where place_id = $1 and service_id = any($2::uuid[]) order by position, id`,
      [placeId, serviceIds],
    ),
    db.query<ContactRow>(
      `select id, service_id, name, data from oruk_contacts
       where place_id = $1 and service_id = any($2::uuid[]) order by position, id`,
      [placeId, serviceIds],
    ),
    db.query<AttributeRow>(
      `select a.id, a.service_id, a.taxonomy_term_id, a.data, t.id as term_id, t.taxonomy_id as term_taxonomy_id,
         t.parent_id as term_parent_id, t.name as term_name, t.description as term_description, t.data as term_data
       from oruk_attributes a
       left join oruk_taxonomy_terms t on t.place_id = a.place_id and t.id = a.taxonomy_term_id
       where a.place_id = $1 and a.service_id = any($2::uuid[]) order by a.position, a.id`,
      [placeId, serviceIds],
    ),
  ]);
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const salsBy = byService(sals);
  const schedulesBy = byService(schedules);
  const contactsBy = byService(contacts);
  const attributesBy = byService(attributes);

  const assembled = services.map((s): AssembledService => {
    const org = s.organization_id ? orgById.get(s.organization_id) : undefined;
    const myAttributes = attributesBy.get(s.id) ?? [];
    const mySals = salsBy.get(s.id) ?? [];
    const categories: Category[] = [];
    const attributeObjects = myAttributes.map((a) => {
      const code = kithTermCode(a.taxonomy_term_id);
      if (code && !categories.includes(code)) categories.push(code);
      const term = code
        ? kithTerm(code)
        : a.term_id
          ? termObject({
              id: a.term_id,
              taxonomy_id: a.term_taxonomy_id,
              parent_id: a.term_parent_id,
              name: a.term_name as string,
              description: a.term_description ?? '',
              data: a.term_data ?? {},
            })
          : undefined;
      return ordered(
        { id: a.id, link_id: s.id, taxonomy_term_id: a.taxonomy_term_id, ...a.data, taxonomy_term: term },
        ['id', 'link_id', 'taxonomy_term_id', 'link_type', 'taxonomy_term'],
      );
    });
    const service: Json = {
      ...s.data,
      id: s.id,
      ...(s.organization_id ? { organization_id: s.organization_id } : {}),
      name: s.name,
      ...(s.description ? { description: s.description } : {}),
      status: s.status,
      minimum_age: number(s.minimum_age),
      maximum_age: number(s.maximum_age),
      assured_date: utcDate(s.last_confirmed_at),
      last_modified: new Date(s.last_modified).toISOString(),
    };
    const scheduleObjects = (schedulesBy.get(s.id) ?? []).map((r) =>
      ordered(
        {
          id: r.id,
          service_id: s.id,
          ...(r.service_at_location_id ? { service_at_location_id: r.service_at_location_id } : {}),
          ...r.data,
          ...(r.opens_at ? { opens_at: r.opens_at } : {}),
          ...(r.closes_at ? { closes_at: r.closes_at } : {}),
        },
        [
          'id',
          'service_id',
          'service_at_location_id',
          'valid_from',
          'valid_to',
          'dtstart',
          'freq',
          'interval',
          'byday',
        ],
      ),
    );
    if (scheduleObjects.length) service.schedules = scheduleObjects;
    if (mySals.length) {
      service.service_at_locations = mySals.map((r) =>
        ordered(
          {
            id: r.sal_id,
            service_id: s.id,
            location_id: r.location_id,
            ...r.sal_data,
            location: locationObject(r),
          },
          ['id', 'service_id', 'location_id', 'location'],
        ),
      );
    }
    if (org) service.organization = organizationObject(org);
    const contactObjects = (contactsBy.get(s.id) ?? []).map((c) =>
      ordered({ id: c.id, service_id: s.id, ...(c.name ? { name: c.name } : {}), ...c.data }, [
        'id',
        'service_id',
        'name',
        'title',
      ]),
    );
    if (contactObjects.length) service.contacts = contactObjects;
    if (attributeObjects.length) service.attributes = attributeObjects;
    const located = mySals.find((r) => r.lat !== null && r.lon !== null);
    const first = mySals[0];
    return {
      service: tidyOrdered(service, SERVICE_KEY_ORDER),
      extras: {
        source: s.source,
        sourceId: s.source_id,
        lastConfirmedAt: new Date(s.last_confirmed_at),
        categories,
        wardCode: first?.ward_code ?? located?.ward_code ?? null,
        point: located ? { lon: located.lon as number, lat: located.lat as number } : null,
      },
    };
  });
  if (ids === null) return assembled;
  const byId = new Map(assembled.map((a) => [a.service.id as string, a]));
  return ids.map((id) => byId.get(id)).filter((a): a is AssembledService => a !== undefined);
}

/** The one-to-one fields of a service and its organisation: an item of the `/services` list. */
export function serviceListItem(full: Json): Json {
  const item = pick(full, SERVICE_LIST_KEYS);
  if (isObject(full.organization)) item.organization = pick(full.organization, ORGANIZATION_LIST_KEYS);
  return item;
}

// --- Search index ---------------------------------------------------------------------------

function minutes(time: unknown): number | null {
  const m = typeof time === 'string' ? /^(\d{2}):(\d{2})/.exec(time) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Morning, afternoon and evening a schedule overlaps (before noon, noon–5pm, after 5pm). */
export function timesOfDay(schedules: Json[]): TimeOfDay[] {
  const found = new Set<TimeOfDay>();
  for (const s of schedules) {
    const open = minutes(s.opens_at);
    const close = minutes(s.closes_at) ?? (open !== null ? open + 60 : null);
    if (open === null || close === null) continue;
    if (open < 12 * 60) found.add('morning');
    if (open < 17 * 60 && close > 12 * 60) found.add('afternoon');
    if (close > 17 * 60) found.add('evening');
  }
  return (['morning', 'afternoon', 'evening'] as const).filter((x) => found.has(x));
}

/** Free if an option costs nothing; not free if every priced option costs something; else unknown. */
export function isFree(costOptions: Json[]): boolean | null {
  if (!costOptions.length) return null;
  if (costOptions.some((c) => c.amount === 0 || /\bfree\b/i.test(String(c.option ?? '')))) return true;
  if (costOptions.some((c) => typeof c.amount === 'number' && c.amount > 0)) return false;
  return null;
}

/** Rewrites the service's row in the shared search index from what is stored now. */
export async function indexService(tx: Tx, placeId: string, placeSlug: string, id: string): Promise<void> {
  const [a] = await assembleServices(tx, placeId, [id]);
  if (!a) return;
  const s = a.service;
  const schedules = asList(s.schedules);
  const days = new Set<Weekday>(schedules.flatMap((x) => daysOf(x.byday as string | undefined)));
  const organization = isObject(s.organization) ? s.organization : null;
  const accessible = asList(s.service_at_locations).some(
    (sal) => isObject(sal.location) && asList(sal.location.accessibility).length > 0,
  );
  const description = typeof s.description === 'string' ? s.description : '';
  await indexDocument(tx, {
    placeId,
    kind: 'service',
    refId: id,
    title: s.name as string,
    summary: description.length > 300 ? `${description.slice(0, 297)}…` : description,
    body: [organization?.name, description, s.alert].filter((x) => typeof x === 'string').join(' '),
    url: `/${placeSlug}/services/${id}`,
    wardCode: a.extras.wardCode,
    point: a.extras.point,
    categories: a.extras.categories,
    languages: [],
    days: WEEKDAYS.filter((d) => days.has(d)),
    times: timesOfDay(schedules),
    ageMin: typeof s.minimum_age === 'number' ? Math.floor(s.minimum_age) : null,
    ageMax: typeof s.maximum_age === 'number' ? Math.ceil(s.maximum_age) : null,
    free: isFree(asList(s.cost_options)),
    accessible: accessible ? true : null,
    visible: s.status === 'active' || s.status === 'temporarily closed',
    tags: organization?.name ? [organization.name as string] : [],
  });
}

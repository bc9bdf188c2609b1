import { isUuid } from '../../../platform/http/ids.js';
import { uuidV5 } from './oruk-ids.js';

/**
 * Turns whatever another directory publishes into a valid Open Referral UK 3.0 service:
 * ids become UUIDs (name-based from the feed and its own id, so re-importing gives the same
 * ids), numbers and dates take the shape the schema wants, values that cannot be made valid
 * are dropped, and properties Kith does not know are kept as they are. Pure: no database.
 */

export type Json = Record<string, unknown>;

const STATUSES = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;
const LOCATION_TYPES = ['physical', 'postal', 'virtual'] as const;
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DAY_NAMES: Record<string, Weekday> = {
  mo: 'MO',
  mon: 'MO',
  monday: 'MO',
  tu: 'TU',
  tue: 'TU',
  tues: 'TU',
  tuesday: 'TU',
  we: 'WE',
  wed: 'WE',
  wednesday: 'WE',
  th: 'TH',
  thu: 'TH',
  thur: 'TH',
  thurs: 'TH',
  thursday: 'TH',
  fr: 'FR',
  fri: 'FR',
  friday: 'FR',
  sa: 'SA',
  sat: 'SA',
  saturday: 'SA',
  su: 'SU',
  sun: 'SU',
  sunday: 'SU',
};

/** A day code from "MO", "mon", "Monday" or "mondays"; null if it is not a day. */
export function weekdayFrom(value: string): Weekday | null {
  const key = value.trim().toLowerCase().replace(/s$/, '');
  return DAY_NAMES[key] ?? DAY_NAMES[value.trim().toLowerCase()] ?? null;
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Nulls mean "not given": drop them (at any depth) rather than publish a null the schema refuses. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** PostgreSQL text holds neither NUL nor half a surrogate pair; feeds sometimes do. */
export function storable(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing NUL is the point
  return s.replace(/\u0000/g, '').replace(LONE_SURROGATE, '\ufffd');
}

export function compact(v: unknown): unknown {
  if (typeof v === 'string') return storable(v);
  if (typeof v === 'number' && !Number.isFinite(v)) return undefined;
  if (Array.isArray(v))
    return v.map((x) => (x === null ? undefined : compact(x))).filter((x) => x !== undefined);
  if (isObject(v)) {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      const kept = x === null || x === undefined ? undefined : compact(x);
      if (kept !== undefined) out[storable(k)] = kept;
    }
    return out;
  }
  return v;
}

/** A string as the feed wrote it (free text is kept exactly); blank means not given. */
export function text(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return undefined;
  const s = storable(v);
  return s.trim() === '' ? undefined : s;
}

/** A string with surrounding spaces removed, for names, codes and values that are parsed. */
export function trimmed(v: unknown): string | undefined {
  return text(v)?.trim();
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

export function email(v: unknown): string | undefined {
  const s = trimmed(v)?.replace(/^mailto:/i, '');
  return s && s.length <= 254 && EMAIL.test(s) ? s : undefined;
}

// RFC 3986 characters only, with well-formed percent escapes: what strict validators accept.
const URI_CHARS = /^[a-z][a-z0-9+.-]*:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#%]*$/i;
const BAD_ESCAPE = /%(?![0-9a-f]{2})/i;

function strictUri(s: string): boolean {
  return URI_CHARS.test(s) && !BAD_ESCAPE.test(s) && (s.match(/#/g)?.length ?? 0) <= 1;
}

/**
 * An absolute web address, or undefined. "www.example.org" gains "https://"; spaces and
 * non-ASCII characters are percent-encoded, as a browser would.
 */
export function uri(v: unknown): string | undefined {
  let s = trimmed(v);
  if (!s || s.length > 2000 || /^(n\/?a|none|-)$/i.test(s)) return undefined;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) {
    if (!/^[\w-]+(\.[\w-]+)+(?::\d+)?([/?#]|$)/.test(s)) return undefined;
    s = `https://${s}`;
  }
  // Web addresses only: other schemes ("urn:", "tel:") are rarely what these fields mean.
  if (!/^https?:\/\/[^/?#\s]+/i.test(s)) return undefined;
  if (strictUri(s)) return s;
  try {
    const url = new URL(s);
    return strictUri(url.href) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** YYYY-MM-DD, from a date or a date-time; undefined if it is not a real date. */
export function isoDate(v: unknown): string | undefined {
  const s = trimmed(v);
  if (!s) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.toISOString().slice(0, 10) === m.slice(1, 4).join('-') ? m.slice(1, 4).join('-') : undefined;
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 10);
}

/** An RFC 3339 date-time in UTC with milliseconds, as ORUK's last_modified wants. */
export function dateTime(v: unknown): string | undefined {
  const s = trimmed(v);
  if (!s || !/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined;
  const t = Date.parse(s);
  if (Number.isNaN(t)) return undefined;
  const iso = new Date(t).toISOString();
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

/**
 * A time of day as HH:MM:SS (the form of the ORUK examples), keeping any timezone suffix.
 * Accepts "9:30", "09:30:00", "0930", "9.30am", "2pm", "12noon".
 */
export function timeOfDay(v: unknown): string | undefined {
  const s = text(v)?.toLowerCase().replace(/\s+/g, '');
  if (!s) return undefined;
  let m = /^(\d{1,2})(?::?(\d{2}))?(?::(\d{2}))?(z|[+-]\d{2}(?::?\d{2})?)?$/.exec(s);
  let hour: number;
  let minute: number;
  let second = 0;
  let zone = '';
  if (m) {
    hour = Number(m[1]);
    minute = Number(m[2] ?? 0);
    second = Number(m[3] ?? 0);
    zone = (m[4] ?? '').toUpperCase();
    if (zone && /^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    if (zone && /^[+-]\d{2}$/.test(zone)) zone = `${zone}:00`;
  } else {
    m = /^(\d{1,2})(?:[.:](\d{2}))?(am|pm|noon|midday)$/.exec(s);
    if (!m) return undefined;
    hour = Number(m[1]);
    minute = Number(m[2] ?? 0);
    const suffix = m[3];
    if (hour < 1 || hour > 12) return undefined;
    if (suffix === 'am') hour = hour === 12 ? 0 : hour;
    else if (suffix === 'pm') hour = hour === 12 ? 12 : hour + 12;
  }
  if (hour > 24 || minute > 59 || second > 59 || (hour === 24 && (minute > 0 || second > 0)))
    return undefined;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(hour === 24 ? 0 : hour)}:${pad(minute)}:${pad(second)}${zone}`;
}

const BYDAY_PART = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;

/** iCal BYDAY: comma separated day codes, each optionally with an ordinal ("2MO", "-1FR"). */
export function byday(v: unknown): string | undefined {
  const s = text(v);
  if (!s) return undefined;
  const parts: string[] = [];
  for (const raw of s.split(/[\s,;]+/).filter(Boolean)) {
    const upper = raw.toUpperCase();
    if (BYDAY_PART.test(upper)) {
      parts.push(upper);
      continue;
    }
    const day = weekdayFrom(raw);
    if (!day) return undefined;
    parts.push(day);
  }
  return parts.length ? [...new Set(parts)].join(',') : undefined;
}

/** The plain weekdays a BYDAY value covers ("2MO,FR" → MO, FR), in week order. */
export function daysOf(bydayValue: string | undefined): Weekday[] {
  if (!bydayValue) return [];
  const found = new Set<string>();
  for (const part of bydayValue.split(',')) {
    const m = BYDAY_PART.exec(part.trim().toUpperCase());
    if (m?.[2]) found.add(m[2]);
  }
  return WEEKDAYS.filter((d) => found.has(d));
}

// --- Ids -------------------------------------------------------------------------------------

/**
 * Ids from a feed: a UUID is kept (lower case); anything else becomes a UUID derived from
 * the feed's source, the kind of record and the id, so that the same record imported again
 * gets the same id and references between records still match.
 */
export class IdMapper {
  constructor(readonly source: string) {}

  map(kind: string, raw: unknown): string | undefined {
    if (isUuid(raw)) return raw.toLowerCase();
    const s = trimmed(raw);
    return s === undefined ? undefined : uuidV5(`${this.source}|${kind}|${s}`);
  }

  /** The record's id, or one derived from its parent and position when it has none. */
  own(kind: string, raw: unknown, parentId: string, index: number): string {
    return this.map(kind, raw) ?? uuidV5(`${parentId}|${kind}|${index}`);
  }
}

// --- Objects ---------------------------------------------------------------------------------

function put(out: Json, key: string, value: unknown) {
  if (value !== undefined) out[key] = value;
}

/** Properties Kith does not interpret travel along untouched (minus nulls). */
function extras(raw: Json, known: readonly string[], out: Json) {
  for (const [k, v] of Object.entries(raw)) {
    if (known.includes(k) || v === null || v === undefined || k in out) continue;
    const kept = compact(v);
    if (kept !== undefined) out[storable(k)] = kept;
  }
}

function list(raw: unknown): Json[] {
  return Array.isArray(raw) ? raw.filter(isObject) : [];
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback?: T): T | undefined {
  const s = trimmed(v)?.toLowerCase();
  return (allowed as readonly string[]).includes(s ?? '') ? (s as T) : fallback;
}

export const TERM_KEYS = [
  'id',
  'name',
  'description',
  'parent_id',
  'taxonomy',
  'taxonomy_id',
  'term_uri',
  'term',
] as const;

export function normaliseTerm(raw: Json, ids: IdMapper): Json | null {
  const id = ids.map('taxonomy_term', raw.id ?? raw.code ?? raw.term ?? raw.name);
  const name = trimmed(raw.name) ?? trimmed(raw.term) ?? trimmed(raw.code);
  if (!id || !name) return null;
  const out: Json = { id, name, description: text(raw.description) ?? name };
  put(out, 'parent_id', ids.map('taxonomy_term', raw.parent_id));
  put(out, 'taxonomy', text(raw.taxonomy));
  put(out, 'taxonomy_id', ids.map('taxonomy', raw.taxonomy_id));
  put(out, 'term_uri', uri(raw.term_uri));
  put(out, 'term', text(raw.term));
  extras(raw, TERM_KEYS, out);
  return out;
}

export const ATTRIBUTE_KEYS = ['id', 'link_id', 'taxonomy_term_id', 'link_type', 'taxonomy_term'] as const;

export function normaliseAttribute(raw: Json, ids: IdMapper, linkId: string, index: number): Json | null {
  const term = isObject(raw.taxonomy_term) ? normaliseTerm(raw.taxonomy_term, ids) : null;
  const termId = ids.map('taxonomy_term', raw.taxonomy_term_id) ?? (term?.id as string | undefined);
  if (!termId) return null;
  const out: Json = { id: ids.own('attribute', raw.id, linkId, index), link_id: linkId };
  out.taxonomy_term_id = termId;
  put(out, 'link_type', text(raw.link_type));
  if (term) out.taxonomy_term = { ...term, id: termId };
  extras(raw, ATTRIBUTE_KEYS, out);
  return out;
}

function attributes(raw: unknown, ids: IdMapper, linkId: string): Json[] {
  return list(raw)
    .map((a, i) => normaliseAttribute(a, ids, linkId, i))
    .filter((a): a is Json => a !== null);
}

function phones(raw: unknown, ids: IdMapper, parentId: string, parentKey: string): Json[] {
  const out: Json[] = [];
  list(raw).forEach((p, i) => {
    const number = text(p.number);
    if (!number) return;
    const phone: Json = { id: ids.own('phone', p.id, parentId, i), [parentKey]: parentId, number };
    put(phone, 'extension', num(p.extension) ?? undefined);
    put(phone, 'type', text(p.type));
    put(phone, 'description', text(p.description));
    extras(p, ['id', parentKey, 'number', 'extension', 'type', 'description'], phone);
    out.push(phone);
  });
  return out;
}

export const ORGANIZATION_KEYS = [
  'id',
  'name',
  'description',
  'email',
  'website',
  'logo',
  'uri',
  'parent_organization_id',
  'organization_identifiers',
  'attributes',
] as const;

export function normaliseOrganization(raw: Json, ids: IdMapper, fallbackId?: string): Json | null {
  const id = ids.map('organization', raw.id) ?? fallbackId;
  const name = trimmed(raw.name);
  if (!id || !name) return null;
  const out: Json = { id, name, description: text(raw.description) ?? '' };
  put(out, 'email', email(raw.email));
  put(out, 'website', uri(raw.website));
  put(out, 'logo', text(raw.logo));
  put(out, 'uri', uri(raw.uri));
  put(out, 'parent_organization_id', ids.map('organization', raw.parent_organization_id));
  const identifiers: Json[] = [];
  list(raw.organization_identifiers).forEach((o, i) => {
    const identifier = text(o.identifier);
    if (!identifier) return;
    const oid = ids.own('organization_identifier', o.id, id, i);
    const item: Json = { id: oid, organization_id: id };
    put(item, 'identifier_scheme', text(o.identifier_scheme));
    item.identifier_type = text(o.identifier_type) ?? '';
    item.identifier = identifier;
    put(item, 'attributes', nonEmpty(attributes(o.attributes, ids, oid)));
    extras(
      o,
      ['id', 'organization_id', 'identifier_scheme', 'identifier_type', 'identifier', 'attributes'],
      item,
    );
    identifiers.push(item);
  });
  put(out, 'organization_identifiers', nonEmpty(identifiers));
  put(out, 'attributes', nonEmpty(attributes(raw.attributes, ids, id)));
  extras(raw, ORGANIZATION_KEYS, out);
  return out;
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length ? items : undefined;
}

const ADDRESS_KEYS = [
  'id',
  'location_id',
  'attention',
  'address_1',
  'city',
  'region',
  'state_province',
  'postal_code',
  'country',
  'address_type',
  'attributes',
] as const;

export const LOCATION_KEYS = [
  'id',
  'location_type',
  'name',
  'description',
  'latitude',
  'longitude',
  'external_identifier',
  'external_identifier_type',
  'addresses',
  'accessibility',
  'attributes',
] as const;

export function normaliseLocation(raw: Json, ids: IdMapper, fallbackId: string): Json {
  const id = ids.map('location', raw.id) ?? fallbackId;
  const out: Json = { id, location_type: oneOf(raw.location_type, LOCATION_TYPES, 'physical') };
  put(out, 'name', text(raw.name));
  put(out, 'description', text(raw.description));
  put(out, 'latitude', num(raw.latitude));
  put(out, 'longitude', num(raw.longitude));
  put(out, 'external_identifier', text(raw.external_identifier));
  put(out, 'external_identifier_type', text(raw.external_identifier_type));
  const addresses: Json[] = list(raw.addresses).map((a, i) => {
    const aid = ids.own('address', a.id, id, i);
    const item: Json = { id: aid, location_id: id };
    put(item, 'attention', text(a.attention));
    item.address_1 = text(a.address_1) ?? '';
    put(item, 'address_2', text(a.address_2));
    item.city = text(a.city) ?? '';
    put(item, 'region', text(a.region));
    item.state_province = text(a.state_province) ?? '';
    item.postal_code = text(a.postal_code) ?? '';
    item.country = text(a.country) ?? 'GB';
    item.address_type = oneOf(a.address_type, LOCATION_TYPES, 'physical');
    put(item, 'attributes', nonEmpty(attributes(a.attributes, ids, aid)));
    extras(a, [...ADDRESS_KEYS, 'address_2'], item);
    return item;
  });
  put(out, 'addresses', nonEmpty(addresses));
  const accessibility: Json[] = list(raw.accessibility).map((a, i) => {
    const aid = ids.own('accessibility', a.id, id, i);
    const item: Json = { id: aid, location_id: id };
    put(item, 'description', text(a.description));
    put(item, 'details', text(a.details));
    put(item, 'url', uri(a.url));
    put(item, 'accessibility', text(a.accessibility));
    put(item, 'attributes', nonEmpty(attributes(a.attributes, ids, aid)));
    extras(a, ['id', 'location_id', 'description', 'details', 'url', 'accessibility', 'attributes'], item);
    return item;
  });
  put(out, 'accessibility', nonEmpty(accessibility));
  put(out, 'attributes', nonEmpty(attributes(raw.attributes, ids, id)));
  put(out, 'phones', nonEmpty(phones(raw.phones, ids, id, 'location_id')));
  extras(raw, [...LOCATION_KEYS, 'phones'], out);
  return out;
}

export const SCHEDULE_KEYS = [
  'id',
  'service_id',
  'service_at_location_id',
  'valid_from',
  'valid_to',
  'dtstart',
  'freq',
  'interval',
  'byday',
  'bymonthday',
  'description',
  'opens_at',
  'closes_at',
  'schedule_link',
  'attending_type',
  'notes',
] as const;

export function normaliseSchedule(raw: Json, ids: IdMapper, serviceId: string, index: number): Json {
  const out: Json = { id: ids.own('schedule', raw.id, serviceId, index), service_id: serviceId };
  put(out, 'service_at_location_id', ids.map('service_at_location', raw.service_at_location_id));
  put(out, 'valid_from', isoDate(raw.valid_from));
  put(out, 'valid_to', isoDate(raw.valid_to));
  put(out, 'dtstart', isoDate(raw.dtstart));
  const freq = trimmed(raw.freq)?.toUpperCase();
  put(out, 'freq', freq === 'WEEKLY' || freq === 'MONTHLY' ? freq : undefined);
  const interval = num(raw.interval);
  put(out, 'interval', interval !== undefined && interval >= 1 ? interval : undefined);
  put(out, 'byday', byday(raw.byday));
  const bymonthday = trimmed(raw.bymonthday)?.replace(/\s+/g, '');
  put(out, 'bymonthday', bymonthday && /^-?\d{1,2}(,-?\d{1,2})*$/.test(bymonthday) ? bymonthday : undefined);
  put(out, 'description', text(raw.description));
  put(out, 'opens_at', timeOfDay(raw.opens_at));
  put(out, 'closes_at', timeOfDay(raw.closes_at));
  put(out, 'schedule_link', uri(raw.schedule_link));
  put(out, 'attending_type', text(raw.attending_type));
  put(out, 'notes', text(raw.notes));
  extras(raw, SCHEDULE_KEYS, out);
  return out;
}

const CONTACT_KEYS = ['id', 'service_id', 'name', 'title', 'attributes', 'phones', 'email'] as const;

export function normaliseContact(raw: Json, ids: IdMapper, serviceId: string, index: number): Json {
  const id = ids.own('contact', raw.id, serviceId, index);
  const out: Json = { id, service_id: serviceId };
  put(out, 'name', text(raw.name));
  put(out, 'title', text(raw.title));
  put(out, 'email', email(raw.email));
  put(out, 'phones', nonEmpty(phones(raw.phones, ids, id, 'contact_id')));
  put(out, 'attributes', nonEmpty(attributes(raw.attributes, ids, id)));
  extras(raw, CONTACT_KEYS, out);
  return out;
}

function simpleChildren(
  raw: unknown,
  ids: IdMapper,
  kind: string,
  serviceId: string,
  build: (item: Json, out: Json) => void,
  known: readonly string[],
): Json[] | undefined {
  return nonEmpty(
    list(raw).map((item, i) => {
      const out: Json = { id: ids.own(kind, item.id, serviceId, i), service_id: serviceId };
      build(item, out);
      extras(item, ['id', 'service_id', ...known], out);
      return out;
    }),
  );
}

/** A UK service's properties, in the order the profile lists them (and the API writes them). */
export const SERVICE_KEY_ORDER = [
  'id',
  'organization_id',
  'name',
  'description',
  'url',
  'email',
  'status',
  'fees',
  'accreditations',
  'minimum_age',
  'maximum_age',
  'assured_date',
  'assurer_email',
  'alert',
  'last_modified',
  'schedules',
  'service_areas',
  'service_at_locations',
  'languages',
  'organization',
  'funding',
  'cost_options',
  'contacts',
  'attributes',
] as const;

export type NormalisedService = { service: Json; sourceId: string | null };

/**
 * One service from a feed as a valid UK service, or null when it has no name (the one
 * thing that cannot be made up). `sourceId` is the feed's own id when it was not a UUID.
 */
export function normaliseService(raw: unknown, ids: IdMapper): NormalisedService | null {
  if (!isObject(raw)) return null;
  const name = trimmed(raw.name);
  if (!name) return null;
  const id = ids.map('service', raw.id) ?? uuidV5(`${ids.source}|service-name|${name}`);
  const sourceId =
    raw.id !== undefined && raw.id !== null && !isUuid(raw.id) ? (trimmed(raw.id) ?? null) : null;
  const out: Json = { id };
  const organization = isObject(raw.organization)
    ? normaliseOrganization(raw.organization, ids, ids.map('organization', raw.organization_id))
    : null;
  put(
    out,
    'organization_id',
    (organization?.id as string | undefined) ?? ids.map('organization', raw.organization_id),
  );
  out.name = name;
  put(out, 'description', text(raw.description));
  put(out, 'url', uri(raw.url));
  put(out, 'email', email(raw.email));
  out.status = oneOf(raw.status, STATUSES, 'active');
  put(out, 'fees', text(raw.fees));
  put(out, 'accreditations', text(raw.accreditations));
  const min = num(raw.minimum_age);
  const max = num(raw.maximum_age);
  put(out, 'minimum_age', min !== undefined && min >= 0 ? min : undefined);
  put(out, 'maximum_age', max !== undefined && max >= 0 ? max : undefined);
  put(out, 'assured_date', isoDate(raw.assured_date));
  put(out, 'assurer_email', email(raw.assurer_email));
  put(out, 'alert', text(raw.alert));
  put(out, 'last_modified', dateTime(raw.last_modified));
  put(out, 'schedules', nonEmpty(list(raw.schedules).map((s, i) => normaliseSchedule(s, ids, id, i))));
  put(
    out,
    'service_areas',
    simpleChildren(
      raw.service_areas,
      ids,
      'service_area',
      id,
      (a, o) => {
        put(o, 'name', text(a.name));
        put(o, 'extent', text(a.extent));
        put(o, 'extent_type', text(a.extent_type));
        put(o, 'uri', text(a.uri));
        put(o, 'service_area', text(a.service_area));
      },
      ['name', 'extent', 'extent_type', 'uri', 'service_area'],
    ),
  );
  const sals: Json[] = list(raw.service_at_locations).map((sal, i) => {
    const salId = ids.own('service_at_location', sal.id, id, i);
    const item: Json = { id: salId, service_id: id };
    const locationId = ids.map(
      'location',
      sal.location_id ?? (isObject(sal.location) ? sal.location.id : undefined),
    );
    const location = isObject(sal.location)
      ? normaliseLocation(sal.location, ids, locationId ?? uuidV5(`${salId}|location`))
      : null;
    item.location_id = (location?.id as string | undefined) ?? locationId ?? uuidV5(`${salId}|location`);
    if (location) item.location = location;
    extras(sal, ['id', 'service_id', 'location_id', 'location'], item);
    return item;
  });
  put(out, 'service_at_locations', nonEmpty(sals));
  put(
    out,
    'languages',
    simpleChildren(
      raw.languages,
      ids,
      'language',
      id,
      (l, o) => put(o, 'phone_id', ids.map('phone', l.phone_id)),
      ['phone_id'],
    ),
  );
  if (organization) out.organization = organization;
  put(
    out,
    'funding',
    simpleChildren(raw.funding, ids, 'funding', id, (f, o) => put(o, 'source', text(f.source)), ['source']),
  );
  put(
    out,
    'cost_options',
    simpleChildren(
      raw.cost_options,
      ids,
      'cost_option',
      id,
      (c, o) => {
        put(o, 'valid_from', isoDate(c.valid_from));
        put(o, 'valid_to', isoDate(c.valid_to));
        put(o, 'option', text(c.option));
        put(o, 'amount', num(c.amount));
        put(o, 'amount_description', text(c.amount_description));
      },
      ['valid_from', 'valid_to', 'option', 'amount', 'amount_description'],
    ),
  );
  put(out, 'contacts', nonEmpty(list(raw.contacts).map((c, i) => normaliseContact(c, ids, id, i))));
  put(out, 'attributes', nonEmpty(attributes(raw.attributes, ids, id)));
  put(out, 'phones', nonEmpty(phones(raw.phones, ids, id, 'service_id')));
  extras(raw, [...SERVICE_KEY_ORDER, 'phones'], out);
  return { service: out, sourceId };
}

/** The services in a feed: one service, an array of them, or a page of a list (`contents`). */
export function servicesInFeed(feed: unknown): unknown[] {
  if (Array.isArray(feed)) return feed;
  if (isObject(feed)) {
    if (Array.isArray(feed.contents)) return feed.contents;
    if (Array.isArray(feed.services)) return feed.services;
    return [feed];
  }
  return [];
}

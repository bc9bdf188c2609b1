import {
  type HourOfWeekOccupancy,
  hourOfWeekOccupancy,
  sumOccupancy,
  type TimeRange,
} from '../../../lib/occupancy/index.js';
import type { SqlParam } from '../../../platform/db/types.js';
import { Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Stat } from '../../../platform/module-definition.js';
import { londonAt } from '../bookings/booking-time.js';
import { HIRER_TYPES, type HirerType } from '../spaces/space-input.js';
import { getSpace, listSpaces, londonToday, type Space } from '../spaces/space-service.js';

/**
 * "Measure what matters" (SPEC §3.3): per space and per place, for a London calendar year, the
 * distinct groups using a space, the activities that started there, hours booked by the
 * community against commercial hire, and how full it is round the clock. Never income.
 *
 * Only the spaces module's own tables: confirmed bookings, and the sessions of activities that
 * are not withdrawn (sessions that were not cancelled). Group ids are the directory's, counted
 * but never looked up.
 */

/** Hirers who are the community: groups, charities and residents; the rest is commercial hire. */
export const COMMUNITY_HIRERS: readonly HirerType[] = ['community-group', 'charity', 'resident'];

export type HoursBooked = {
  community: number;
  commercial: number;
  byHirer: Record<HirerType, number>;
};

export type SpaceMeasures = {
  space: Pick<Space, 'id' | 'slug' | 'name' | 'kind' | 'wardName' | 'wardCode'>;
  year: number;
  distinctGroups: number;
  newActivities: number;
  hours: HoursBooked;
  occupancy: HourOfWeekOccupancy;
};

export type PlaceMeasures = {
  year: number;
  spaces: SpaceMeasures[];
  /** Groups using any space, each counted once however many spaces it uses. */
  distinctGroups: number;
  newActivities: number;
  hours: HoursBooked;
  occupancy: HourOfWeekOccupancy;
};

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

/** The current year on the London clock. */
export function currentYear(now = new Date()): number {
  return Number(londonToday(now).slice(0, 4));
}

/** A year from a query string: absent means this year; anything else but a sensible year is refused. */
export function yearFrom(raw: unknown, now = new Date()): number {
  if (raw === undefined || raw === '') return currentYear(now);
  const year = typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(year >= MIN_YEAR && year <= MAX_YEAR)) throw new Invalid({ year: 'spaces.measures.errors.year' });
  return year;
}

/** 00:00 on 1 January to 00:00 on the next 1 January, London clock, as UTC instants. */
export function yearPeriod(year: number): TimeRange {
  return {
    start: londonAt(`${year}-01-01`, 0).getTime(),
    end: londonAt(`${year + 1}-01-01`, 0).getTime(),
  };
}

const ms = (v: unknown) => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());

function emptyHours(): HoursBooked {
  return {
    community: 0,
    commercial: 0,
    byHirer: Object.fromEntries(HIRER_TYPES.map((h) => [h, 0])) as Record<HirerType, number>,
  };
}

function addHours(into: HoursBooked, from: HoursBooked) {
  into.community += from.community;
  into.commercial += from.commercial;
  for (const h of HIRER_TYPES) into.byHirer[h] += from.byHirer[h];
}

/** Hours to two decimal places: minutes are exact, hours are for reading. */
const roundHours = (h: number) => Math.round(h * 100) / 100;

type Raw = {
  groups: Map<string, Set<string>>;
  ranges: Map<string, TimeRange[]>;
  hours: Map<string, HoursBooked>;
  newActivities: Map<string, number>;
};

async function gather(ctx: ServiceContext, period: TimeRange, spaceId: string | null): Promise<Raw> {
  const params: SqlParam[] = [ctx.place.id, new Date(period.start), new Date(period.end)];
  if (spaceId) params.push(spaceId);
  const bookingSpace = spaceId ? 'and b.space_id = $4' : '';
  const activitySpace = spaceId ? 'and a.space_id = $4' : '';
  const [bookings, sessions, started] = await Promise.all([
    ctx.db.query<{
      space_id: string;
      group_id: string | null;
      hirer_type: HirerType;
      starts: unknown;
      ends: unknown;
    }>(
      `select b.space_id, b.group_id, b.hirer_type, lower(b.during) as starts, upper(b.during) as ends
       from space_bookings b
       where b.place_id = $1 and b.status = 'confirmed' and b.during && tstzrange($2, $3, '[)') ${bookingSpace}`,
      params,
    ),
    ctx.db.query<{ space_id: string; group_id: string | null; starts: unknown; ends: unknown }>(
      `select a.space_id, a.group_id, s.starts_at as starts, s.ends_at as ends
       from activity_sessions s join activities a on a.id = s.activity_id
       where a.place_id = $1 and a.status = 'active' and not s.cancelled
         and s.starts_at < $3 and s.ends_at > $2 ${activitySpace}`,
      params,
    ),
    // An activity started this year when its first session held (not cancelled) is in the year.
    ctx.db.query<{ space_id: string; started: number }>(
      `select a.space_id, count(*)::int as started
       from activities a
       join lateral (select min(s.starts_at) as first from activity_sessions s
                     where s.activity_id = a.id and not s.cancelled) f on true
       where a.place_id = $1 and a.status = 'active' and f.first >= $2 and f.first < $3 ${activitySpace}
       group by a.space_id`,
      params,
    ),
  ]);
  const raw: Raw = { groups: new Map(), ranges: new Map(), hours: new Map(), newActivities: new Map() };
  const groupsOf = (space: string) => {
    let set = raw.groups.get(space);
    if (!set) {
      set = new Set();
      raw.groups.set(space, set);
    }
    return set;
  };
  const rangesOf = (space: string) => {
    let list = raw.ranges.get(space);
    if (!list) {
      list = [];
      raw.ranges.set(space, list);
    }
    return list;
  };
  for (const b of bookings) {
    const range = { start: ms(b.starts), end: ms(b.ends) };
    rangesOf(b.space_id).push(range);
    if (b.group_id) groupsOf(b.space_id).add(b.group_id);
    let hours = raw.hours.get(b.space_id);
    if (!hours) {
      hours = emptyHours();
      raw.hours.set(b.space_id, hours);
    }
    const h = Math.max(0, Math.min(range.end, period.end) - Math.max(range.start, period.start)) / 3_600_000;
    hours.byHirer[b.hirer_type] += h;
    if (COMMUNITY_HIRERS.includes(b.hirer_type)) hours.community += h;
    else hours.commercial += h;
  }
  for (const s of sessions) {
    rangesOf(s.space_id).push({ start: ms(s.starts), end: ms(s.ends) });
    if (s.group_id) groupsOf(s.space_id).add(s.group_id);
  }
  for (const a of started) raw.newActivities.set(a.space_id, Number(a.started));
  return raw;
}

function measuresOf(space: Space, year: number, period: TimeRange, raw: Raw): SpaceMeasures {
  const hours = raw.hours.get(space.id) ?? emptyHours();
  return {
    space: {
      id: space.id,
      slug: space.slug,
      name: space.name,
      kind: space.kind,
      wardName: space.wardName,
      wardCode: space.wardCode,
    },
    year,
    distinctGroups: raw.groups.get(space.id)?.size ?? 0,
    newActivities: raw.newActivities.get(space.id) ?? 0,
    hours: {
      community: roundHours(hours.community),
      commercial: roundHours(hours.commercial),
      byHirer: Object.fromEntries(HIRER_TYPES.map((h) => [h, roundHours(hours.byHirer[h])])) as Record<
        HirerType,
        number
      >,
    },
    occupancy: hourOfWeekOccupancy(raw.ranges.get(space.id) ?? [], period),
  };
}

/** One space's figures for a year (any space of the place, open or closed). */
export async function spaceMeasures(ctx: ServiceContext, slug: string, year: number): Promise<SpaceMeasures> {
  const space = await getSpace(ctx, slug);
  const period = yearPeriod(year);
  return measuresOf(space, year, period, await gather(ctx, period, space.id));
}

/** Every open space's figures for a year, and the place's. */
export async function placeMeasures(ctx: ServiceContext, year: number): Promise<PlaceMeasures> {
  const period = yearPeriod(year);
  const [spaces, raw] = await Promise.all([listSpaces(ctx), gather(ctx, period, null)]);
  const perSpace = spaces.map((s) => measuresOf(s, year, period, raw));
  const open = new Set(spaces.map((s) => s.id));
  const groups = new Set<string>();
  for (const [space, set] of raw.groups) if (open.has(space)) for (const g of set) groups.add(g);
  const hours = emptyHours();
  for (const m of perSpace) addHours(hours, m.hours);
  return {
    year,
    spaces: perSpace,
    distinctGroups: groups.size,
    newActivities: perSpace.reduce((n, m) => n + m.newActivities, 0),
    hours: {
      community: roundHours(hours.community),
      commercial: roundHours(hours.commercial),
      byHirer: Object.fromEntries(HIRER_TYPES.map((h) => [h, roundHours(hours.byHirer[h])])) as Record<
        HirerType,
        number
      >,
    },
    occupancy: sumOccupancy(perSpace.map((m) => m.occupancy)),
  };
}

/** The module's `stats` for the annual report: this year's figures for the whole place. */
export async function measureStats(ctx: ServiceContext, now = new Date()): Promise<Stat[]> {
  const m = await placeMeasures(ctx, currentYear(now));
  return [
    { key: 'spaces.groups', labelKey: 'spaces.measures.stats.groups', value: m.distinctGroups },
    { key: 'spaces.activities.new', labelKey: 'spaces.measures.stats.newActivities', value: m.newActivities },
    {
      key: 'spaces.hours.community',
      labelKey: 'spaces.measures.stats.communityHours',
      value: m.hours.community,
    },
    {
      key: 'spaces.hours.commercial',
      labelKey: 'spaces.measures.stats.commercialHours',
      value: m.hours.commercial,
    },
    {
      key: 'spaces.occupancy.percent',
      labelKey: 'spaces.measures.stats.occupancy',
      value: Math.round(m.occupancy.share * 1000) / 10,
    },
  ];
}

import {
  addMonths,
  type GroupUse,
  type MonthUse,
  monthlyUse,
  monthsFrom,
  type OpeningHours,
  type OpeningSpan,
  openRanges,
  sumMonthly,
  totalUse,
  type UseBooking,
} from '../../../lib/occupancy/index.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { minutesOf, TIME_ZONE } from '../bookings/booking-time.js';
import type { HirerType } from '../spaces/space-input.js';
import { getSpace, listSpaces, londonToday, type Space } from '../spaces/space-service.js';
import { COMMUNITY_HIRERS, yearFrom } from './measure-service.js';

/**
 * Utilisation over time (SPEC §3.3): per space and per place, month by month for the last twelve
 * months (or a chosen London calendar year), the hours a space was open (its weekly hours and the
 * dates that differ), the hours booked (confirmed bookings only), the booked share of the open
 * hours, community hours against commercial hire, and distinct groups (those that booked it or
 * ran an activity session there, as in the year's figures). The counting is in
 * `lib/occupancy/monthly.ts`; this file only reads the spaces module's own tables.
 */

export const MONTHS_SHOWN = 12;

export type UsePeriod = {
  /** A calendar year, or null for the twelve months ending this month. */
  year: number | null;
  /** `YYYY-MM` of the first and last month. */
  first: string;
  last: string;
};

export type SpaceMonthly = {
  space: Pick<Space, 'id' | 'slug' | 'name' | 'kind' | 'wardName' | 'wardCode'>;
  months: MonthUse[];
  total: MonthUse;
};

export type PlaceMonthly = {
  period: UsePeriod;
  months: MonthUse[];
  total: MonthUse;
  spaces: SpaceMonthly[];
};

/** `?year=YYYY` for a calendar year; nothing for the twelve months up to and including this one. */
export function usePeriodFrom(raw: unknown, now = new Date()): UsePeriod {
  if (raw === undefined || raw === '') {
    const last = londonToday(now).slice(0, 7);
    return { year: null, first: addMonths(last, 1 - MONTHS_SHOWN), last };
  }
  const year = yearFrom(raw, now);
  return { year, first: `${year}-01`, last: `${year}-12` };
}

type Gathered = {
  hours: Map<string, OpeningHours>;
  bookings: Map<string, UseBooking[]>;
  sessions: Map<string, GroupUse[]>;
};

function listIn<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
}

async function gather(ctx: ServiceContext, period: UsePeriod, spaceIds: string[]): Promise<Gathered> {
  const months = monthsFrom(period.first, MONTHS_SHOWN, TIME_ZONE);
  const from = new Date(months[0]?.start ?? 0);
  const to = new Date(months.at(-1)?.end ?? 0);
  const firstDay = `${period.first}-01`;
  const lastDay = `${addMonths(period.last, 1)}-01`;
  const [weekly, exceptions, bookings, sessions] = await Promise.all([
    ctx.db.query<{ space_id: string; weekday: number; opens: string; closes: string }>(
      `select space_id, weekday, to_char(opens, 'HH24:MI') as opens, to_char(closes, 'HH24:MI') as closes
       from space_opening_hours where space_id = any($1::uuid[])`,
      [spaceIds],
    ),
    ctx.db.query<{ space_id: string; on_date: string; opens: string | null; closes: string | null }>(
      `select space_id, on_date::text as on_date, to_char(opens, 'HH24:MI') as opens, to_char(closes, 'HH24:MI') as closes
       from space_opening_exceptions where space_id = any($1::uuid[]) and on_date >= $2::date and on_date < $3::date`,
      [spaceIds, firstDay, lastDay],
    ),
    ctx.db.query<{
      space_id: string;
      group_id: string | null;
      hirer_type: HirerType;
      starts: Date;
      ends: Date;
    }>(
      `select space_id, group_id, hirer_type, lower(during) as starts, upper(during) as ends
       from space_bookings
       where place_id = $1 and space_id = any($2::uuid[]) and status = 'confirmed' and during && tstzrange($3, $4, '[)')`,
      [ctx.place.id, spaceIds, from, to],
    ),
    ctx.db.query<{ space_id: string; group_id: string; starts: Date; ends: Date }>(
      `select a.space_id, a.group_id, s.starts_at as starts, s.ends_at as ends
       from activity_sessions s join activities a on a.id = s.activity_id
       where a.place_id = $1 and a.space_id = any($2::uuid[]) and a.status = 'active' and not s.cancelled
         and a.group_id is not null and s.starts_at < $4 and s.ends_at > $3`,
      [ctx.place.id, spaceIds, from, to],
    ),
  ]);
  const hours = new Map<string, OpeningHours>();
  const hoursOf = (space: string) => {
    let h = hours.get(space);
    if (!h) {
      h = { weekly: [], exceptions: new Map() };
      hours.set(space, h);
    }
    return h as { weekly: (OpeningSpan & { weekday: number })[]; exceptions: Map<string, OpeningSpan[]> };
  };
  for (const w of weekly)
    hoursOf(w.space_id).weekly.push({
      weekday: Number(w.weekday),
      opens: minutesOf(w.opens),
      closes: minutesOf(w.closes),
    });
  for (const e of exceptions)
    hoursOf(e.space_id).exceptions.set(
      e.on_date,
      e.opens && e.closes ? [{ opens: minutesOf(e.opens), closes: minutesOf(e.closes) }] : [],
    );
  const byBooking = new Map<string, UseBooking[]>();
  for (const b of bookings)
    listIn(byBooking, b.space_id).push({
      start: new Date(b.starts).getTime(),
      end: new Date(b.ends).getTime(),
      community: COMMUNITY_HIRERS.includes(b.hirer_type),
      groupId: b.group_id,
    });
  const bySession = new Map<string, GroupUse[]>();
  for (const s of sessions)
    listIn(bySession, s.space_id).push({
      start: new Date(s.starts).getTime(),
      end: new Date(s.ends).getTime(),
      groupId: s.group_id,
    });
  return { hours, bookings: byBooking, sessions: bySession };
}

function monthlyOf(space: Space, period: UsePeriod, g: Gathered): SpaceMonthly {
  const months = monthsFrom(period.first, MONTHS_SHOWN, TIME_ZONE);
  const open = openRanges(
    g.hours.get(space.id) ?? { weekly: [], exceptions: new Map() },
    `${period.first}-01`,
    `${addMonths(period.last, 1)}-01`,
    TIME_ZONE,
  );
  const rows = monthlyUse(months, open, g.bookings.get(space.id) ?? [], g.sessions.get(space.id) ?? []);
  return {
    space: {
      id: space.id,
      slug: space.slug,
      name: space.name,
      kind: space.kind,
      wardName: space.wardName,
      wardCode: space.wardCode,
    },
    months: rows,
    total: totalUse(rows),
  };
}

/** One space, month by month (any space of the place, open or closed). */
export async function spaceMonthly(
  ctx: ServiceContext,
  slug: string,
  period: UsePeriod,
): Promise<SpaceMonthly> {
  const space = await getSpace(ctx, slug);
  return monthlyOf(space, period, await gather(ctx, period, [space.id]));
}

/** Every open space month by month, and the place's months (a group counted once a month). */
export async function placeMonthly(ctx: ServiceContext, period: UsePeriod): Promise<PlaceMonthly> {
  const spaces = await listSpaces(ctx);
  const g = await gather(
    ctx,
    period,
    spaces.map((s) => s.id),
  );
  const perSpace = spaces.map((s) => monthlyOf(s, period, g));
  const months = perSpace.length
    ? sumMonthly(perSpace.map((s) => s.months))
    : monthlyUse(monthsFrom(period.first, MONTHS_SHOWN, TIME_ZONE), [], []);
  return { period, months, total: totalUse(months), spaces: perSpace };
}

import rrule from 'rrule';
import { proRataPence } from '../../../lib/money/pro-rata.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { queueEmail } from '../../../platform/email/outbox.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { formatPence, isLanguage, translator } from '../../../platform/i18n/i18n.js';
import type { JobSite } from '../../../platform/module-definition.js';
import { can } from '../../../platform/roles/permissions.js';
import { actingGroupsOf, groupNames } from '../../directory/groups/group-service.js';
import type { HirerType } from '../spaces/space-input.js';
import { getSpace, londonToday, type SpaceDetail } from '../spaces/space-service.js';
import {
  BookingInput,
  CancelInput,
  ChangeInput,
  DecisionInput,
  FOR_MYSELF,
  MAX_OCCURRENCES,
} from './booking-input.js';
import {
  addDays,
  floating,
  floatingDate,
  isoWeekday,
  isRealDate,
  londonAt,
  londonParts,
  minutesOf,
  mondayOf,
} from './booking-time.js';

const { RRule } = rrule;

/** What the bookings need of the site: its public address, for full links in emails. */
export type Site = Pick<JobSite, 'publicUrl'>;

export type BookingStatus = 'pending' | 'confirmed' | 'declined' | 'cancelled';
const LIVE = "status in ('pending', 'confirmed')";

/**
 * Several dates of a request cannot be booked (taken, closed or past): nothing was booked, and
 * the form lists them. An Invalid, so anything that knows Invalid still shows a field error.
 */
export class DatesUnavailable extends Invalid {
  constructor(
    readonly dates: string[],
    /** Those of the dates the space is closed all day (a bank holiday, say), with the reason given. */
    readonly closures: { date: string; reason: string }[] = [],
  ) {
    super({ date: 'spaces.bookings.errors.datesUnavailable' }, 'Some dates cannot be booked');
  }
}

/** The database's exclusion constraint refused an overlapping booking (SQLSTATE 23P01). */
export function isOverlap(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (e.code === '23P01') return true;
    e = e.cause as typeof e;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Opening hours and availability

type Span = { opens: number; closes: number };

/** When a space is open on a London date: its exception for that day, else its weekly hours. */
function openingOn(
  space: Pick<SpaceDetail, 'hours'>,
  exceptions: Map<string, Span | null>,
  date: string,
): Span[] {
  if (exceptions.has(date)) {
    const e = exceptions.get(date);
    return e ? [e] : [];
  }
  const weekday = isoWeekday(date);
  return space.hours
    .filter((h) => h.weekday === weekday)
    .map((h) => ({ opens: minutesOf(h.opens), closes: minutesOf(h.closes) }));
}

/** The days that differ between two dates: their span (null when closed all day) and their reason. */
async function exceptionsBetween(db: Db | Tx, spaceId: string, from: string, to: string) {
  const rows = await db.query<{
    on_date: string;
    opens: string | null;
    closes: string | null;
    reason: string;
  }>(
    `select on_date::text as on_date, to_char(opens, 'HH24:MI') as opens, to_char(closes, 'HH24:MI') as closes, reason
     from space_opening_exceptions where space_id = $1 and on_date between $2::date and $3::date`,
    [spaceId, from, to],
  );
  const spans = new Map(
    rows.map((r) => [
      r.on_date,
      r.opens && r.closes ? { opens: minutesOf(r.opens), closes: minutesOf(r.closes) } : null,
    ]),
  );
  return Object.assign(spans, { reasons: new Map(rows.map((r) => [r.on_date, r.reason])) });
}

export type Slot = { start: Date; end: Date; startTime: string; endTime: string; free: boolean };
export type AvailabilityDay = {
  date: string;
  weekday: number;
  closedReason: string | null;
  /** When the day differs from the weekly hours: the reason the officer gave (may be empty). */
  exceptionReason: string | null;
  slots: Slot[];
};
export type Availability = {
  space: SpaceDetail;
  monday: string;
  previousWeek: string;
  nextWeek: string;
  days: AvailabilityDay[];
};

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * Free and busy hour-long slots in a space's opening hours for one week, on the London clock.
 * Busy says only that: who booked and why is not public.
 */
export async function weekAvailability(
  ctx: ServiceContext,
  slug: string,
  week: string | null,
  now = new Date(),
): Promise<Availability> {
  const space = await getSpace(ctx, slug, londonToday(now));
  if (space.status !== 'active') throw new NotFound('No such space');
  const monday = mondayOf(week && isRealDate(week) ? week : londonToday(now));
  const sunday = addDays(monday, 6);
  const from = londonAt(monday, 0);
  const to = londonAt(sunday, 24 * 60);
  const [exceptions, busy] = await Promise.all([
    exceptionsBetween(ctx.db, space.id, monday, sunday),
    ctx.db.query<{ s: Date; e: Date }>(
      `select lower(during) as s, upper(during) as e from space_bookings
       where space_id = $1 and ${LIVE} and during && tstzrange($2, $3, '[)')`,
      [space.id, from, to],
    ),
  ]);
  const taken = busy.map((b) => [new Date(b.s).getTime(), new Date(b.e).getTime()] as const);
  const days: AvailabilityDay[] = [];
  for (let i = 0; i < 7; i++) {
    const date = addDays(monday, i);
    const spans = openingOn(space, exceptions, date);
    const slots: Slot[] = [];
    for (const span of spans)
      for (let m = span.opens; m < span.closes; m += 60) {
        const endM = Math.min(m + 60, span.closes);
        const start = londonAt(date, m);
        const end = londonAt(date, endM);
        const free =
          start.getTime() > now.getTime() &&
          !taken.some(([s, e]) => s < end.getTime() && e > start.getTime());
        slots.push({ start, end, startTime: hhmm(m), endTime: hhmm(endM), free });
      }
    const exceptionReason = exceptions.has(date) && exceptions.get(date) === null ? 'closed' : null;
    days.push({
      date,
      weekday: isoWeekday(date),
      closedReason: slots.length ? null : (exceptionReason ?? 'closed'),
      exceptionReason: exceptions.reasons.get(date) ?? null,
      slots,
    });
  }
  return { space, monday, previousWeek: addDays(monday, -7), nextWeek: addDays(monday, 7), days };
}

// ---------------------------------------------------------------------------------------------
// Prices and occurrences

/**
 * Price of a booking in pence: the space's hourly rate for this kind of hirer (its concession
 * rate when the hirer claims one), pro rata by the minute and rounded half up to the penny
 * (lib/money/pro-rata.ts). Null when this kind of hirer cannot book the space, or claims a
 * concession the space does not offer them.
 */
export function priceFor(
  space: Pick<SpaceDetail, 'prices'>,
  hirerType: HirerType,
  minutes: number,
  concession = false,
): number | null {
  const rule = space.prices.find((p) => p.hirerType === hirerType);
  if (!rule) return null;
  const rate = concession ? rule.concessionPencePerHour : rule.pencePerHour;
  return rate === null ? null : proRataPence(rate, minutes);
}

/** The London dates a request covers: one, or each week from an RFC 5545 rule. */
export function occurrenceDates(input: Pick<BookingInput, 'date' | 'start' | 'repeat' | 'weeks' | 'until'>): {
  rule: string | null;
  dates: string[];
} {
  if (input.repeat === 'none') return { rule: null, dates: [input.date] };
  // Expanded on the wall clock ("floating" times), so each date keeps its local start time.
  const options =
    input.repeat === 'weeks'
      ? { freq: RRule.WEEKLY, count: Number(input.weeks) }
      : { freq: RRule.WEEKLY, until: floating(input.until, 24 * 60 - 1), count: MAX_OCCURRENCES };
  const rule = new RRule({ ...options, dtstart: floating(input.date, minutesOf(input.start)) });
  const dates = rule.all().map(floatingDate);
  const stored = new RRule(
    input.repeat === 'weeks' ? options : { freq: RRule.WEEKLY, until: floating(input.until, 24 * 60 - 1) },
  )
    .toString()
    .replace(/^RRULE:/, '');
  return { rule: stored, dates };
}

type Occurrence = { date: string; start: Date; end: Date };

/**
 * Which of the occurrences cannot be booked (past, outside opening hours, or taken), as an error
 * naming them and the days among them the space is closed all day; null when all can be.
 */
async function unavailable(
  db: Db | Tx,
  space: SpaceDetail,
  occurrences: Occurrence[],
  now: Date,
  exceptBookingId: string | null = null,
): Promise<DatesUnavailable | null> {
  if (occurrences.length === 0) return null;
  const first = occurrences[0] as Occurrence;
  const last = occurrences[occurrences.length - 1] as Occurrence;
  const exceptions = await exceptionsBetween(db, space.id, first.date, last.date);
  const bad = new Set<string>();
  for (const o of occurrences) {
    const { minutes: startM } = londonParts(o.start);
    const endM = londonParts(o.end).minutes || 24 * 60;
    const fits = openingOn(space, exceptions, o.date).some((s) => s.opens <= startM && endM <= s.closes);
    if (!fits || o.start.getTime() <= now.getTime()) bad.add(o.date);
  }
  const clashes = await db.query<{ s: string }>(
    `select o.s::text as s from unnest($2::timestamptz[], $3::timestamptz[], $4::text[]) as o(st, en, s)
     where exists (select 1 from space_bookings b where b.space_id = $1 and b.${LIVE}
       and ($5::uuid is null or b.id <> $5::uuid) and b.during && tstzrange(o.st, o.en, '[)'))`,
    [
      space.id,
      occurrences.map((o) => o.start.toISOString()),
      occurrences.map((o) => o.end.toISOString()),
      occurrences.map((o) => o.date),
      exceptBookingId,
    ],
  );
  for (const c of clashes) bad.add(c.s);
  const dates = occurrences.map((o) => o.date).filter((d) => bad.has(d));
  if (dates.length === 0) return null;
  const closures = dates
    .filter((d) => exceptions.has(d) && exceptions.get(d) === null)
    .map((date) => ({ date, reason: exceptions.reasons.get(date) ?? '' }));
  return new DatesUnavailable(dates, closures);
}

// ---------------------------------------------------------------------------------------------
// Emails

type Emailed = {
  id: string;
  booked_by: string | null;
  title: string;
  space_name: string;
  s: Date;
  e: Date;
  price_pence: number;
};

/** Emails the booker about their booking, in their language, with a full link to its page. */
async function tellBooker(
  tx: Tx,
  ctx: ServiceContext,
  site: Site,
  booking: Emailed,
  template: string,
  extra: Record<string, string | number> = {},
) {
  if (!booking.booked_by) return;
  const [person] = await tx.query<{ email: string; preferred_language: string }>(
    'select email, preferred_language from users where id = $1 and deleted_at is null',
    [booking.booked_by],
  );
  if (!person) return;
  const start = londonParts(new Date(booking.s));
  const end = londonParts(new Date(booking.e));
  const lang = isLanguage(person.preferred_language) ? person.preferred_language : 'en';
  const price =
    booking.price_pence === 0
      ? translator(lang)('spaces.spaces.page.free')
      : formatPence(booking.price_pence, lang);
  await queueEmail(tx, {
    placeId: ctx.place.id,
    to: person.email,
    template,
    lang: person.preferred_language,
    vars: {
      place: ctx.place.name,
      space: booking.space_name,
      title: booking.title,
      date: start.date,
      time: `${start.time}–${end.time}`,
      price,
      url: `${site.publicUrl}/${ctx.place.slug}/spaces/bookings/${booking.id}`,
      ...extra,
    },
  });
}

async function record(
  tx: Tx,
  ctx: ServiceContext,
  action: string,
  id: string,
  before?: unknown,
  after?: unknown,
) {
  await audit(tx, {
    placeId: ctx.place.id,
    actorId: ctx.actor?.userId ?? null,
    action: `spaces.booking.${action}`,
    targetType: 'space-booking',
    targetId: id,
    before,
    after,
    requestId: ctx.requestId ?? null,
  });
}

// ---------------------------------------------------------------------------------------------
// Booking

export type BookResult = { ids: string[]; seriesId: string | null; status: 'pending' | 'confirmed' };

/**
 * Who a booking is for: the person themselves as the kind of hirer they chose, or a directory
 * group they belong to, always as a community group. Anyone else's group is refused.
 */
async function hirerOf(
  ctx: ServiceContext,
  input: BookingInput,
): Promise<{ hirerType: HirerType; group: { id: string; name: string } | null }> {
  if (input.bookingFor === FOR_MYSELF) return { hirerType: input.hirerType as HirerType, group: null };
  const group = (await actingGroupsOf(ctx)).find((g) => g.id === input.bookingFor.toLowerCase());
  if (!group) throw new Invalid({ bookingFor: 'spaces.bookings.errors.notYourGroup' });
  return { hirerType: 'community-group', group };
}

/**
 * A signed-in resident books a slot, once or weekly, for themselves or for a group they belong
 * to, at the full or (when they say they qualify) the concession rate. Every occurrence goes in
 * one transaction: if any one cannot be had, nothing is booked and the dates are listed. The
 * exclusion constraint has the last word when two people ask for the same time at once.
 */
export async function bookSpace(
  ctx: ServiceContext,
  site: Site,
  slug: string,
  raw: unknown,
  now = new Date(),
): Promise<BookResult> {
  if (!can(ctx.actor, 'spaces.book')) throw new Forbidden();
  const input = validated(BookingInput, raw);
  const space = await getSpace(ctx, slug, londonToday(now));
  if (space.status !== 'active') throw new NotFound('No such space');
  const { hirerType, group } = await hirerOf(ctx, input);
  const startM = minutesOf(input.start);
  const endM = minutesOf(input.end);
  const rate = space.prices.find((p) => p.hirerType === hirerType);
  if (!rate)
    throw new Invalid(
      group
        ? { bookingFor: 'spaces.bookings.errors.groupNotOffered' }
        : { hirerType: 'spaces.bookings.errors.hirerNotOffered' },
    );
  if (input.concession && rate.concessionPencePerHour === null)
    throw new Invalid({ concession: 'spaces.bookings.errors.concessionNotOffered' });
  const price = priceFor(space, hirerType, endM - startM, input.concession) as number;
  const { rule, dates } = occurrenceDates(input);
  if (dates.length === 0) throw new Invalid({ until: 'spaces.bookings.errors.untilInvalid' });
  const occurrences = dates.map((date) => ({
    date,
    start: londonAt(date, startM),
    end: londonAt(date, endM),
  }));
  const bad = await unavailable(ctx.db, space, occurrences, now);
  if (bad) throw bad;
  const status = space.requiresApproval && !can(ctx.actor, 'spaces.manage') ? 'pending' : 'confirmed';
  try {
    return await withTransaction(ctx.db, async (tx) => {
      let seriesId: string | null = null;
      if (rule) {
        const [series] = await tx.query<{ id: string }>(
          `insert into space_booking_series (space_id, rrule, first_start, duration_minutes, created_by)
           values ($1, $2, $3, $4, $5) returning id`,
          [space.id, rule, occurrences[0]?.start ?? null, endM - startM, ctx.actor?.userId ?? null],
        );
        seriesId = series?.id ?? null;
      }
      const ids: string[] = [];
      for (const o of occurrences) {
        const [row] = await tx.query<{ id: string }>(
          `insert into space_bookings
             (place_id, space_id, series_id, booked_by, group_id, hirer_type, title, during, status, price_pence, concession)
           values ($1, $2, $3, $4, $5, $6, $7, tstzrange($8, $9, '[)'), $10, $11, $12) returning id`,
          [
            ctx.place.id,
            space.id,
            seriesId,
            ctx.actor?.userId ?? null,
            group?.id ?? null,
            hirerType,
            input.title,
            o.start,
            o.end,
            status,
            price,
            input.concession,
          ],
        );
        ids.push(row?.id as string);
      }
      const first = occurrences[0] as Occurrence;
      await record(tx, ctx, 'create', ids[0] as string, undefined, {
        space: space.slug,
        title: input.title,
        hirerType,
        groupId: group?.id ?? null,
        concession: input.concession,
        dates,
        start: input.start,
        end: input.end,
        status,
        pricePence: price,
        seriesId,
      });
      await tellBooker(
        tx,
        ctx,
        site,
        {
          id: ids[0] as string,
          booked_by: ctx.actor?.userId ?? null,
          title: input.title,
          space_name: space.name,
          s: first.start,
          e: first.end,
          price_pence: price,
        },
        status === 'pending' ? 'spaceBookingRequested' : 'spaceBookingConfirmed',
        { count: ids.length },
      );
      return { ids, seriesId, status };
    });
  } catch (error) {
    if (isOverlap(error)) throw new Invalid({ start: 'spaces.bookings.errors.justBooked' });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Holding a space for an activity's sessions (the activities part calls these)

/**
 * Books the space for each of an activity's sessions, inside the caller's transaction, so the
 * activity and its bookings are made together or not at all. Only clashes are refused (with
 * every clashing London date named, as DatesUnavailable); opening hours and the past are the
 * organiser's business, as they arrange the activity with the space. A group's booking counts as
 * the group's (community-group price, its `group_id`); it waits for approval where the space
 * needs it, unless an officer makes it. Returns the booking ids in the order of `times`.
 */
export async function holdSpaceForSessions(
  tx: Tx,
  ctx: ServiceContext,
  spaceId: string,
  hold: { title: string; groupId: string | null; times: { startsAt: Date; endsAt: Date }[] },
): Promise<string[]> {
  if (!ctx.actor) throw new Forbidden();
  const [space] = await tx.query<{
    id: string;
    slug: string;
    requires_approval: boolean;
    pence: number | null;
  }>(
    `select s.id, s.slug, s.requires_approval, p.pence_per_hour as pence from spaces s
     left join space_prices p on p.space_id = s.id and p.hirer_type = 'community-group'
     where s.place_id = $1 and s.id = $2`,
    [ctx.place.id, spaceId],
  );
  if (!space) throw new NotFound('No such space');
  if (hold.times.length === 0) return [];
  const clashes = await tx.query<{ s: string }>(
    `select o.s from unnest($2::timestamptz[], $3::timestamptz[], $4::text[]) as o(st, en, s)
     where exists (select 1 from space_bookings b where b.space_id = $1 and b.${LIVE}
       and b.during && tstzrange(o.st, o.en, '[)'))`,
    [
      space.id,
      hold.times.map((o) => o.startsAt.toISOString()),
      hold.times.map((o) => o.endsAt.toISOString()),
      hold.times.map((o) => londonParts(o.startsAt).date),
    ],
  );
  if (clashes.length) throw new DatesUnavailable([...new Set(clashes.map((c) => c.s))].sort());
  const status = space.requires_approval && !can(ctx.actor, 'spaces.manage') ? 'pending' : 'confirmed';
  // Free for community groups unless the space sets a price for them (SPEC §3.3).
  const pencePerHour = space.pence ?? 0;
  const ids: string[] = [];
  for (const o of hold.times) {
    const minutes = Math.round((o.endsAt.getTime() - o.startsAt.getTime()) / 60_000);
    const [booked] = await tx.query<{ id: string }>(
      `insert into space_bookings (place_id, space_id, booked_by, group_id, hirer_type, title, during, status, price_pence)
       values ($1, $2, $3, $4, 'community-group', $5, tstzrange($6, $7, '[)'), $8, $9) returning id`,
      [
        ctx.place.id,
        space.id,
        ctx.actor.userId,
        hold.groupId,
        hold.title,
        o.startsAt,
        o.endsAt,
        status,
        Math.round((pencePerHour * minutes) / 60),
      ],
    );
    ids.push(booked?.id as string);
  }
  await record(tx, ctx, 'hold', ids[0] as string, undefined, {
    space: space.slug,
    title: hold.title,
    group: hold.groupId,
    count: ids.length,
    status,
  });
  return ids;
}

/** Cancels the bookings that held a space for sessions that are off (inside the caller's transaction). */
export async function releaseSessionHolds(
  tx: Tx,
  ctx: ServiceContext,
  bookingIds: string[],
  reason: string,
): Promise<number> {
  if (bookingIds.length === 0) return 0;
  const rows = await tx.query<{ id: string }>(
    `update space_bookings set status = 'cancelled', cancelled_at = now(), cancel_reason = $3, updated_at = now()
     where place_id = $1 and id = any($2::uuid[]) and ${LIVE} returning id`,
    [ctx.place.id, bookingIds, reason],
  );
  if (rows.length)
    await record(tx, ctx, 'release', rows[0]?.id as string, undefined, {
      status: 'cancelled',
      count: rows.length,
      reason,
    });
  return rows.length;
}

// ---------------------------------------------------------------------------------------------
// One booking, as its booker and the space's managers see it

export type BookingView = {
  id: string;
  spaceSlug: string;
  spaceName: string;
  title: string;
  hirerType: HirerType;
  /** The directory group it is for, when it is a group's booking. */
  groupId: string | null;
  groupName: string | null;
  /** Whether the hirer claimed the concession rate. */
  concession: boolean;
  start: Date;
  end: Date;
  date: string;
  startTime: string;
  endTime: string;
  status: BookingStatus;
  pricePence: number;
  seriesId: string | null;
  /** Live occurrences of the series from this one on (1 for a single booking). */
  restCount: number;
  mine: boolean;
  bookedByName: string | null;
  cancelReason: string | null;
};

type BookingRow = {
  id: string;
  space_id: string;
  space_slug: string;
  space_name: string;
  title: string;
  hirer_type: HirerType;
  group_id: string | null;
  concession: boolean;
  s: Date;
  e: Date;
  status: BookingStatus;
  price_pence: number;
  series_id: string | null;
  booked_by: string | null;
  booked_by_name: string | null;
  cancel_reason: string | null;
  rest_count: number;
};

const BOOKING_SELECT = `select b.id, b.space_id, s.slug as space_slug, s.name as space_name, b.title, b.hirer_type,
  b.group_id, b.concession, lower(b.during) as s, upper(b.during) as e, b.status, b.price_pence, b.series_id, b.booked_by,
  u.display_name as booked_by_name, b.cancel_reason,
  (select count(*)::int from space_bookings r where r.series_id = b.series_id and r.${LIVE}
     and lower(r.during) >= lower(b.during)) as rest_count
  from space_bookings b join spaces s on s.id = b.space_id left join users u on u.id = b.booked_by`;

function toView(ctx: ServiceContext, r: BookingRow, groups: Map<string, string>): BookingView {
  const start = new Date(r.s);
  const end = new Date(r.e);
  const mine = ctx.actor !== null && r.booked_by === ctx.actor.userId;
  return {
    id: r.id,
    spaceSlug: r.space_slug,
    spaceName: r.space_name,
    title: r.title,
    hirerType: r.hirer_type,
    groupId: r.group_id,
    groupName: r.group_id ? (groups.get(r.group_id) ?? null) : null,
    concession: r.concession,
    start,
    end,
    date: londonParts(start).date,
    startTime: londonParts(start).time,
    endTime: londonParts(end).time,
    status: r.status,
    pricePence: r.price_pence,
    seriesId: r.series_id,
    restCount: r.series_id ? r.rest_count : 1,
    mine,
    // Managers see who booked; the booker knows.
    bookedByName: can(ctx.actor, 'spaces.manage') ? r.booked_by_name : null,
    cancelReason: r.cancel_reason,
  };
}

async function loadBooking(ctx: ServiceContext, db: Db | Tx, id: string): Promise<BookingRow> {
  if (!isUuid(id)) throw new NotFound('No such booking');
  const [row] = await db.query<BookingRow>(`${BOOKING_SELECT} where b.place_id = $1 and b.id = $2`, [
    ctx.place.id,
    id,
  ]);
  if (!row) throw new NotFound('No such booking');
  const mine = ctx.actor !== null && row.booked_by === ctx.actor.userId;
  // Owner or manager (route rule needsOrOwner): anyone else is refused, not told it is missing.
  if (!mine && !can(ctx.actor, 'spaces.manage')) throw new Forbidden();
  return row;
}

/** Bookings as their pages show them, with the names of the groups they are for. */
async function toViews(ctx: ServiceContext, rows: BookingRow[]): Promise<BookingView[]> {
  const ids = rows.flatMap((r) => (r.group_id ? [r.group_id] : []));
  const groups = await groupNames(ctx.db, ctx.place.id, ids);
  return rows.map((r) => toView(ctx, r, groups));
}

export async function getBooking(ctx: ServiceContext, id: string): Promise<BookingView> {
  const [view] = await toViews(ctx, [await loadBooking(ctx, ctx.db, id)]);
  return view as BookingView;
}

/** The person's own bookings from today on, soonest first. */
export async function myBookings(ctx: ServiceContext, now = new Date()): Promise<BookingView[]> {
  if (!ctx.actor) return [];
  const rows = await ctx.db.query<BookingRow>(
    `${BOOKING_SELECT} where b.place_id = $1 and b.booked_by = $2 and upper(b.during) > $3
     order by lower(b.during), b.id limit 500`,
    [ctx.place.id, ctx.actor.userId, londonAt(londonToday(now), 0)],
  );
  return toViews(ctx, rows);
}

/** Bookings waiting for a manager's decision, soonest first. */
export async function pendingBookings(ctx: ServiceContext): Promise<BookingView[]> {
  if (!can(ctx.actor, 'spaces.manage')) throw new Forbidden();
  const rows = await ctx.db.query<BookingRow>(
    `${BOOKING_SELECT} where b.place_id = $1 and b.status = 'pending' order by lower(b.during), b.id limit 500`,
    [ctx.place.id],
  );
  return toViews(ctx, rows);
}

/**
 * A manager's day sheet for one space: every booking that touches the London day, live or not,
 * in time order, with who booked (managers see names; the public week view never does).
 */
export async function daySheet(
  ctx: ServiceContext,
  slug: string,
  date: string | null,
  now = new Date(),
): Promise<{ space: SpaceDetail; date: string; previous: string; next: string; items: BookingView[] }> {
  if (!can(ctx.actor, 'spaces.manage')) throw new Forbidden();
  const space = await getSpace(ctx, slug, londonToday(now));
  const day = date && isRealDate(date) ? date : londonToday(now);
  const rows = await ctx.db.query<BookingRow>(
    `${BOOKING_SELECT} where b.space_id = $1 and b.during && tstzrange($2, $3, '[)')
     order by lower(b.during), b.id limit 500`,
    [space.id, londonAt(day, 0), londonAt(addDays(day, 1), 0)],
  );
  return {
    space,
    date: day,
    previous: addDays(day, -1),
    next: addDays(day, 1),
    items: await toViews(ctx, rows),
  };
}

// ---------------------------------------------------------------------------------------------
// Changes

/** A manager approves or declines a pending booking (with the rest of its series still pending). */
export async function decideBooking(
  ctx: ServiceContext,
  site: Site,
  id: string,
  raw: unknown,
): Promise<void> {
  if (!can(ctx.actor, 'spaces.manage')) throw new Forbidden();
  const { decision } = validated(DecisionInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const b = await loadBooking(ctx, tx, id);
    if (b.status !== 'pending') throw new Invalid({ decision: 'spaces.bookings.errors.notPending' });
    const status = decision === 'approve' ? 'confirmed' : 'declined';
    await tx.query(
      `update space_bookings set status = $2, decided_by = $3, decided_at = now(), updated_at = now()
       where status = 'pending' and (id = $1 or (series_id = $4::uuid and lower(during) >= $5))`,
      [b.id, status, ctx.actor?.userId ?? null, b.series_id, b.s],
    );
    await record(tx, ctx, decision, b.id, { status: 'pending' }, { status });
    await tellBooker(
      tx,
      ctx,
      site,
      b,
      decision === 'approve' ? 'spaceBookingApproved' : 'spaceBookingDeclined',
    );
  });
}

/** The booker or a manager cancels one occurrence, or this one and the rest of its series. */
export async function cancelBooking(
  ctx: ServiceContext,
  site: Site,
  id: string,
  raw: unknown,
): Promise<number> {
  const input = validated(CancelInput, raw);
  return withTransaction(ctx.db, async (tx) => {
    const b = await loadBooking(ctx, tx, id);
    if (b.status !== 'pending' && b.status !== 'confirmed')
      throw new Invalid({ scope: 'spaces.bookings.errors.notLive' });
    const rows = await tx.query<{ id: string }>(
      `update space_bookings set status = 'cancelled', cancelled_at = now(), cancel_reason = $4, updated_at = now()
       where ${LIVE} and (id = $1 or ($2 = 'rest' and series_id = $3::uuid and lower(during) >= $5)) returning id`,
      [b.id, input.scope, b.series_id, input.reason || null, b.s],
    );
    await record(
      tx,
      ctx,
      'cancel',
      b.id,
      { status: b.status },
      { status: 'cancelled', scope: input.scope, count: rows.length },
    );
    await tellBooker(tx, ctx, site, b, 'spaceBookingCancelled', { count: rows.length });
    return rows.length;
  });
}

/** The booker or a manager moves one booking to another time; it waits again where approval is needed. */
export async function changeBooking(
  ctx: ServiceContext,
  site: Site,
  id: string,
  raw: unknown,
  now = new Date(),
): Promise<void> {
  const input = validated(ChangeInput, raw);
  const current = await loadBooking(ctx, ctx.db, id);
  if (current.status !== 'pending' && current.status !== 'confirmed')
    throw new Invalid({ date: 'spaces.bookings.errors.notLive' });
  const space = await getSpace(ctx, current.space_slug, londonToday(now));
  const startM = minutesOf(input.start);
  const endM = minutesOf(input.end);
  const o = { date: input.date, start: londonAt(input.date, startM), end: londonAt(input.date, endM) };
  const bad = await unavailable(ctx.db, space, [o], now, current.id);
  if (bad) throw bad;
  // Same kind of hirer and the same claim to a concession; the old price if the rate is gone.
  const price = priceFor(space, current.hirer_type, endM - startM, current.concession) ?? current.price_pence;
  const status = space.requiresApproval && !can(ctx.actor, 'spaces.manage') ? 'pending' : current.status;
  try {
    await withTransaction(ctx.db, async (tx) => {
      await tx.query(
        `update space_bookings set during = tstzrange($2, $3, '[)'), price_pence = $4, status = $5, updated_at = now()
         where id = $1`,
        [current.id, o.start, o.end, price, status],
      );
      await record(
        tx,
        ctx,
        'change',
        current.id,
        { start: new Date(current.s).toISOString(), end: new Date(current.e).toISOString() },
        { start: o.start.toISOString(), end: o.end.toISOString(), status, pricePence: price },
      );
      await tellBooker(
        tx,
        ctx,
        site,
        { ...current, s: o.start, e: o.end, price_pence: price },
        'spaceBookingChanged',
      );
    });
  } catch (error) {
    if (isOverlap(error)) throw new Invalid({ start: 'spaces.bookings.errors.justBooked' });
    throw error;
  }
}

import {
  type BankHoliday,
  bankHolidayNationOf,
  bankHolidays,
  coversYear,
} from '../../../lib/bank-holidays/index.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { addDays, isRealDate, londonAt, minutesOf } from '../bookings/booking-time.js';
import { BankHolidaysInput, ExceptionInput } from './space-input.js';
import { getSpace, londonToday, type OpeningException } from './space-service.js';

/**
 * Days that differ from a space's weekly hours (SPEC §3.3): closed all day, or open at special
 * hours. Bookings and free times read them first (booking-service `openingOn`). Changing one
 * never cancels a booking already made; the officer is told how many are outside the new hours.
 */

async function managedSpace(ctx: ServiceContext, slug: string, now: Date) {
  if (!can(ctx.actor, 'spaces.manage')) throw new Forbidden();
  return getSpace(ctx, slug, londonToday(now));
}

/** Every coming exception of a space (today on), by date. */
export async function upcomingExceptions(
  ctx: ServiceContext,
  slug: string,
  now = new Date(),
): Promise<OpeningException[]> {
  const space = await managedSpace(ctx, slug, now);
  return ctx.db.query<OpeningException>(
    `select on_date::text as "onDate", to_char(opens, 'HH24:MI') as opens, to_char(closes, 'HH24:MI') as closes, reason
     from space_opening_exceptions where space_id = $1 and on_date >= $2::date order by on_date limit 1000`,
    [space.id, londonToday(now)],
  );
}

/** Live bookings on a London date that fall outside the day's new hours (all of them if closed). */
async function bookingsOutside(
  tx: Tx,
  spaceId: string,
  date: string,
  opens: string | null,
  closes: string | null,
): Promise<number> {
  const from = londonAt(date, 0);
  const to = londonAt(addDays(date, 1), 0);
  const [row] = await tx.query<{ n: number }>(
    `select count(*)::int as n from space_bookings
     where space_id = $1 and status in ('pending', 'confirmed') and during && tstzrange($2, $3, '[)')
       and ($4::timestamptz is null or not (during <@ tstzrange($4, $5, '[]')))`,
    [
      spaceId,
      from,
      to,
      opens && closes ? londonAt(date, minutesOf(opens)) : null,
      opens && closes ? londonAt(date, minutesOf(closes)) : null,
    ],
  );
  return row?.n ?? 0;
}

export type ExceptionSaved = { date: string; bookingsOutside: number };

/**
 * An officer sets one day that differs: closed, or special hours, with an optional reason.
 * A date that already differs is changed (the log keeps what it was).
 */
export async function saveException(
  ctx: ServiceContext,
  slug: string,
  raw: unknown,
  now = new Date(),
): Promise<ExceptionSaved> {
  const space = await managedSpace(ctx, slug, now);
  const input = validated(ExceptionInput, raw);
  if (input.date < londonToday(now))
    throw new Invalid({ 'date-day': 'spaces.spaces.errors.exceptionDatePast' });
  return withTransaction(ctx.db, async (tx) => {
    const [before] = await tx.query<OpeningException>(
      `select on_date::text as "onDate", to_char(opens, 'HH24:MI') as opens, to_char(closes, 'HH24:MI') as closes, reason
       from space_opening_exceptions where space_id = $1 and on_date = $2::date`,
      [space.id, input.date],
    );
    await tx.query(
      `insert into space_opening_exceptions (space_id, on_date, opens, closes, reason) values ($1, $2, $3, $4, $5)
       on conflict (space_id, on_date) do update set opens = excluded.opens, closes = excluded.closes, reason = excluded.reason`,
      [space.id, input.date, input.opens, input.closes, input.reason],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'spaces.exception.save',
      targetType: 'space',
      targetId: space.id,
      before: before ?? null,
      after: { onDate: input.date, opens: input.opens, closes: input.closes, reason: input.reason },
      requestId: ctx.requestId ?? null,
    });
    return {
      date: input.date,
      bookingsOutside: await bookingsOutside(tx, space.id, input.date, input.opens, input.closes),
    };
  });
}

/** An officer removes a day that differs: the weekly hours apply again. */
export async function removeException(
  ctx: ServiceContext,
  slug: string,
  date: string,
  now = new Date(),
): Promise<void> {
  const space = await managedSpace(ctx, slug, now);
  if (!isRealDate(date)) throw new NotFound('No such day');
  await withTransaction(ctx.db, async (tx) => {
    const [gone] = await tx.query<OpeningException>(
      `delete from space_opening_exceptions where space_id = $1 and on_date = $2::date
       returning on_date::text as "onDate", to_char(opens, 'HH24:MI') as opens, to_char(closes, 'HH24:MI') as closes, reason`,
      [space.id, date],
    );
    if (!gone) throw new NotFound('No such day');
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'spaces.exception.remove',
      targetType: 'space',
      targetId: space.id,
      before: gone,
      requestId: ctx.requestId ?? null,
    });
  });
}

/** The years whose bank holidays can be added now: this year and next, where the table has them. */
export function bankHolidayYears(now = new Date()): number[] {
  const year = Number(londonToday(now).slice(0, 4));
  return [year, year + 1].filter(coversYear);
}

/**
 * Closes the space on each bank holiday of a year (the place's nation's list) from today on.
 * Dates that already differ, and dates passed, are left alone. `reasonOf` words each closure in
 * the officer's language. One transaction, one audit entry listing the dates added.
 */
export async function addBankHolidays(
  ctx: ServiceContext,
  slug: string,
  raw: unknown,
  reasonOf: (holiday: BankHoliday) => string,
  now = new Date(),
): Promise<{ added: string[]; skipped: string[] }> {
  const space = await managedSpace(ctx, slug, now);
  const { year } = validated(BankHolidaysInput, raw);
  if (!bankHolidayYears(now).includes(year))
    throw new Invalid({ year: 'spaces.spaces.errors.bankHolidayYear' });
  const nation = bankHolidayNationOf(ctx.place.nation);
  const today = londonToday(now);
  const holidays = bankHolidays(nation, year);
  return withTransaction(ctx.db, async (tx) => {
    const added: string[] = [];
    const skipped: string[] = [];
    for (const h of holidays) {
      if (h.date < today) {
        skipped.push(h.date);
        continue;
      }
      const rows = await tx.query(
        `insert into space_opening_exceptions (space_id, on_date, reason) values ($1, $2, $3)
         on conflict (space_id, on_date) do nothing returning on_date`,
        [space.id, h.date, reasonOf(h).slice(0, 200)],
      );
      (rows.length ? added : skipped).push(h.date);
    }
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'spaces.exception.bank-holidays',
      targetType: 'space',
      targetId: space.id,
      after: { nation, year, added, skipped },
      requestId: ctx.requestId ?? null,
    });
    return { added, skipped };
  });
}

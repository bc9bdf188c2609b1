import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { enqueue, type JobHandler } from '../../../platform/jobs/jobs.js';
import { addDays, londonDay } from '../activities/activity-time.js';
import type { HirerType } from '../spaces/space-input.js';
import type { FacilitySpaceLike } from './openactive.js';
import { SLOT_WEEKS, slotTimes, type WeeklySpan } from './slot-times.js';

const HOUR = 3_600_000;
/** Deleted slots stay in the feed this long, so harvesters see them go (RPDE's advice is 7 days). */
const KEEP_DELETED_MS = 7 * 24 * HOUR;

/** The same lock the database's triggers take (migrations/0019_spaces_slots.sql). */
async function lockChanges(tx: Tx) {
  await tx.query("select pg_advisory_xact_lock(hashtext('kith.space_changes'))");
}

/**
 * Brings one space's slots in step with its opening hours for the coming weeks: new slots are
 * made, changed ones (a shorter last hour, a booking found) take a new change number, and live
 * slots that are no longer offered (started, outside new hours, space closed) become deleted.
 * Slots that did not change keep their number, so a run with nothing to do publishes nothing.
 */
export async function syncSpaceSlots(db: Db | Tx, spaceId: string, now = new Date()): Promise<void> {
  await withTransaction(db, async (tx) => {
    await lockChanges(tx);
    const [space] = await tx.query<{ place_id: string; status: string }>(
      'select place_id, status from spaces where id = $1',
      [spaceId],
    );
    if (!space) return;
    const from = londonDay(now);
    const to = addDays(from, SLOT_WEEKS * 7 - 1);
    let times: { start: Date; end: Date }[] = [];
    if (space.status === 'active') {
      const [hours, exceptions] = await Promise.all([
        tx.query<WeeklySpan>(
          `select weekday, to_char(opens, 'HH24:MI') as opens, to_char(closes, 'HH24:MI') as closes
           from space_opening_hours where space_id = $1`,
          [spaceId],
        ),
        tx.query<{ onDate: string; opens: string | null; closes: string | null }>(
          `select on_date::text as "onDate", to_char(opens, 'HH24:MI') as opens, to_char(closes, 'HH24:MI') as closes
           from space_opening_exceptions where space_id = $1 and on_date between $2::date and $3::date`,
          [spaceId, from, to],
        ),
      ]);
      times = slotTimes(
        hours.map((h) => ({ ...h, weekday: Number(h.weekday) })),
        exceptions,
        from,
        SLOT_WEEKS * 7,
      ).filter((s) => s.start.getTime() > now.getTime());
    }
    const starts = times.map((s) => s.start.toISOString());
    const ends = times.map((s) => s.end.toISOString());
    await tx.query(
      `with wanted as (
         select w.st, w.en, case when exists (
             select 1 from space_bookings b where b.space_id = $2 and b.status in ('pending', 'confirmed')
               and b.during && tstzrange(w.st, w.en, '[)')
           ) then 0 else 1 end as remaining
         from unnest($3::timestamptz[], $4::timestamptz[]) as w(st, en)
       ), changed as (
         select w.* from wanted w left join space_slots s on s.space_id = $2 and s.starts_at = w.st
         where s.id is null or s.ends_at <> w.en or s.remaining_uses <> w.remaining or s.state <> 'live'
         order by w.st
       )
       insert into space_slots (place_id, space_id, starts_at, ends_at, remaining_uses, state, modified)
       select $1, $2, st, en, remaining, 'live', nextval('space_changes') from changed
       on conflict (space_id, starts_at) do update set ends_at = excluded.ends_at,
         remaining_uses = excluded.remaining_uses, state = 'live', modified = excluded.modified, updated_at = now()`,
      [space.place_id, spaceId, starts, ends],
    );
    await tx.query(
      `update space_slots set state = 'deleted', modified = nextval('space_changes'), updated_at = now()
       where space_id = $1 and state = 'live' and not (starts_at = any($2::timestamptz[]))`,
      [spaceId, starts],
    );
  });
}

/**
 * The job's work: every space's slots rolled forward (one transaction per space, so bookings are
 * never held up for long), and deleted slots older than a week forgotten.
 */
export async function refreshAllSlots(db: Db, now = new Date()): Promise<{ spaces: number; purged: number }> {
  const spaces = await db.query<{ id: string }>(
    `select id from spaces s where status = 'active'
       or exists (select 1 from space_slots x where x.space_id = s.id and x.state = 'live')
     order by id`,
  );
  for (const s of spaces) await syncSpaceSlots(db, s.id, now);
  const purged = await db.query(
    "delete from space_slots where state = 'deleted' and updated_at < $1 returning id",
    [new Date(now.getTime() - KEEP_DELETED_MS)],
  );
  return { spaces: spaces.length, purged: purged.length };
}

/** Runs hourly, so a slot leaves the feed within the hour it starts, and books its next run. */
export function slotsJob(): JobHandler {
  return async (_job, db) => {
    await refreshAllSlots(db);
    await enqueue(db, 'spaces.slots', {}, { runAt: new Date(Date.now() + HOUR) });
  };
}

export type Price = { hirerType: HirerType; pencePerHour: number };

/** A space as its facility use: everything public, with its weekly hours and prices. */
export type FacilitySpace = Omit<FacilitySpaceLike, 'hours' | 'prices'> & {
  status: 'active' | 'closed';
  modified: number;
  hours: WeeklySpan[];
  prices: Price[];
};

async function pricesOf(db: Db | Tx, ids: string[]) {
  const rows = await db.query<{ space_id: string; hirer_type: HirerType; pence_per_hour: number }>(
    'select space_id, hirer_type, pence_per_hour from space_prices where space_id = any($1::uuid[])',
    [ids],
  );
  const order: HirerType[] = ['community-group', 'resident', 'charity', 'commercial'];
  const by = new Map<string, Price[]>(ids.map((id) => [id, []]));
  for (const r of rows) by.get(r.space_id)?.push({ hirerType: r.hirer_type, pencePerHour: r.pence_per_hour });
  for (const [id, list] of by) {
    // Free for community groups unless the space says otherwise (SPEC §3.3, as getSpace does).
    if (!list.some((p) => p.hirerType === 'community-group'))
      list.push({ hirerType: 'community-group', pencePerHour: 0 });
    by.set(
      id,
      list.sort((a, b) => order.indexOf(a.hirerType) - order.indexOf(b.hirerType)),
    );
  }
  return by;
}

/** RPDE: spaces changed after a change number, in change order. */
export async function facilityUseChanges(
  ctx: ServiceContext,
  after: number,
  limit: number,
): Promise<FacilitySpace[]> {
  const rows = await ctx.db.query<{
    id: string;
    slug: string;
    name: string;
    description: string;
    kind: string;
    accessibility: string[];
    address: string;
    postcode: string | null;
    ward_name: string | null;
    lon: number | null;
    lat: number | null;
    status: 'active' | 'closed';
    modified: string;
  }>(
    `select s.id, s.slug, s.name, s.description, s.kind, s.accessibility, s.address, s.postcode, w.name as ward_name,
       s.lon, s.lat, s.status, s.modified
     from spaces s left join wards w on w.place_id = s.place_id and w.code = s.ward_code
     where s.place_id = $1 and s.modified > $2 order by s.modified, s.id limit $3`,
    [ctx.place.id, after, limit],
  );
  const ids = rows.map((r) => r.id);
  const [hours, prices] = await Promise.all([
    ctx.db.query<WeeklySpan & { space_id: string }>(
      `select space_id, weekday, to_char(opens, 'HH24:MI') as opens, to_char(closes, 'HH24:MI') as closes
       from space_opening_hours where space_id = any($1::uuid[]) order by weekday, opens`,
      [ids],
    ),
    pricesOf(ctx.db, ids),
  ]);
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    kind: r.kind,
    accessibility: r.accessibility,
    address: r.address,
    postcode: r.postcode,
    wardName: r.ward_name,
    lon: r.lon,
    lat: r.lat,
    status: r.status,
    modified: Number(r.modified),
    hours: hours
      .filter((h) => h.space_id === r.id)
      .map((h) => ({ weekday: Number(h.weekday), opens: h.opens, closes: h.closes })),
    prices: prices.get(r.id) ?? [],
  }));
}

export type SlotChange = {
  id: string;
  spaceSlug: string;
  start: Date;
  end: Date;
  remainingUses: number;
  deleted: boolean;
  modified: number;
  prices: Price[];
};

/** RPDE: slots changed after a change number; `deleted` when no longer offered. */
export async function slotChanges(ctx: ServiceContext, after: number, limit: number): Promise<SlotChange[]> {
  const rows = await ctx.db.query<{
    id: string;
    space_id: string;
    slug: string;
    starts_at: Date;
    ends_at: Date;
    remaining_uses: number;
    state: string;
    modified: string;
  }>(
    `select x.id, x.space_id, s.slug, x.starts_at, x.ends_at, x.remaining_uses, x.state, x.modified
     from space_slots x join spaces s on s.id = x.space_id
     where x.place_id = $1 and x.modified > $2 order by x.modified, x.id limit $3`,
    [ctx.place.id, after, limit],
  );
  const prices = await pricesOf(ctx.db, [...new Set(rows.map((r) => r.space_id))]);
  return rows.map((r) => ({
    id: r.id,
    spaceSlug: r.slug,
    start: new Date(r.starts_at),
    end: new Date(r.ends_at),
    remainingUses: Number(r.remaining_uses),
    deleted: r.state !== 'live',
    modified: Number(r.modified),
    prices: prices.get(r.space_id) ?? [],
  }));
}

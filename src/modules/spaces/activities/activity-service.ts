import rrulePkg from 'rrule';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { SqlParam, Tx } from '../../../platform/db/types.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { getGroup, groupsOf, requireGroupManager } from '../../directory/groups/group-service.js';
import { holdSpaceForSessions, isOverlap, releaseSessionHolds } from '../bookings/booking-service.js';
import {
  type AccessibilityFeature,
  type ActivityCategory,
  ActivityDetailsInput,
  ActivityInput,
} from './activity-input.js';
import { londonToUtc, londonWall } from './activity-time.js';

const { RRule } = rrulePkg;
const MINUTE = 60_000;

/** The space an activity happens in, as the calendar shows it. */
export type SessionSpace = {
  id: string;
  slug: string;
  name: string;
  address: string;
  postcode: string | null;
  wardCode: string | null;
  wardName: string | null;
  wardSlug: string | null;
  lon: number | null;
  lat: number | null;
};

/** An activity as anyone may see it: nothing here is personal. */
export type Activity = {
  id: string;
  title: string;
  description: string;
  category: ActivityCategory;
  ageMin: number | null;
  ageMax: number | null;
  costPence: number;
  accessibility: AccessibilityFeature[];
  rrule: string | null;
  status: 'active' | 'withdrawn';
  modified: number;
  space: SessionSpace;
  group: { id: string; slug: string; name: string } | null;
  createdAt: Date;
  updatedAt: Date;
};

export type Session = {
  id: string;
  startsAt: Date;
  endsAt: Date;
  cancelled: boolean;
  modified: number;
  activity: Activity;
};

type ActivityRow = {
  id: string;
  title: string;
  description: string;
  category: ActivityCategory;
  age_min: number | null;
  age_max: number | null;
  cost_pence: number;
  accessibility: AccessibilityFeature[];
  rrule: string | null;
  status: 'active' | 'withdrawn';
  modified: string | number;
  group_id: string | null;
  created_at: Date;
  updated_at: Date;
  space_id: string;
  space_slug: string;
  space_name: string;
  space_address: string;
  space_postcode: string | null;
  ward_code: string | null;
  ward_name: string | null;
  ward_slug: string | null;
  lon: number | null;
  lat: number | null;
};

const ACTIVITY_SELECT = `a.id, a.title, a.description, a.category, a.age_min, a.age_max, a.cost_pence, a.accessibility,
  a.rrule, a.status, a.modified, a.group_id, a.created_at, a.updated_at, s.id as space_id, s.slug as space_slug,
  s.name as space_name, s.address as space_address, s.postcode as space_postcode, s.ward_code, w.name as ward_name,
  w.slug as ward_slug, s.lon, s.lat`;
const ACTIVITY_FROM = `activities a join spaces s on s.id = a.space_id
  left join wards w on w.place_id = s.place_id and w.code = s.ward_code`;

/**
 * Group names come from the directory's own service (never its tables): a group that is not
 * published is shown as no group at all.
 */
async function groupsById(ctx: ServiceContext, ids: (string | null)[]) {
  const found = new Map<string, Activity['group']>();
  for (const id of new Set(ids.filter((x): x is string => x !== null))) {
    const g = await getGroup({ ...ctx, actor: null }, id).catch(() => null);
    found.set(id, g ? { id: g.id, slug: g.slug, name: g.name } : null);
  }
  return found;
}

function toActivity(r: ActivityRow, groups: Map<string, Activity['group']>): Activity {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    category: r.category,
    ageMin: r.age_min,
    ageMax: r.age_max,
    costPence: r.cost_pence,
    accessibility: r.accessibility,
    rrule: r.rrule,
    status: r.status,
    modified: Number(r.modified),
    space: {
      id: r.space_id,
      slug: r.space_slug,
      name: r.space_name,
      address: r.space_address,
      postcode: r.space_postcode,
      wardCode: r.ward_code,
      wardName: r.ward_name,
      wardSlug: r.ward_slug,
      lon: r.lon,
      lat: r.lat,
    },
    group: r.group_id ? (groups.get(r.group_id) ?? null) : null,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export type SessionFilters = {
  from?: Date | null;
  to?: Date | null;
  ward?: string | null;
  space?: string | null;
  group?: string | null;
  age?: number | null;
  free?: boolean;
  accessibility?: AccessibilityFeature[];
  /** Cancelled sessions are shown (struck through) unless asked otherwise. */
  includeCancelled?: boolean;
};

/** The id of a group named by slug or id, through the directory's service; null when none. */
async function groupIdFor(ctx: ServiceContext, slugOrId: string): Promise<string | null> {
  const g = await getGroup({ ...ctx, actor: null }, slugOrId).catch(() => null);
  return g?.id ?? null;
}

/** Sessions of live activities in time order, filtered, as anyone may see them. */
export async function listSessions(
  ctx: ServiceContext,
  filters: SessionFilters = {},
  page: { limit: number | null; offset: number } = { limit: null, offset: 0 },
): Promise<{ items: Session[]; total: number }> {
  const params: SqlParam[] = [ctx.place.id];
  const where = ['a.place_id = $1', "a.status = 'active'", "s.status = 'active'"];
  const add = (value: SqlParam, clause: (n: number) => string) => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (filters.from) add(filters.from, (n) => `x.ends_at > $${n}`);
  if (filters.to) add(filters.to, (n) => `x.starts_at < $${n}`);
  if (filters.ward) add(filters.ward, (n) => `(w.slug = $${n} or w.code = $${n})`);
  if (filters.space) add(filters.space, (n) => `(s.slug = $${n} or s.id::text = $${n})`);
  if (filters.group) {
    const id = await groupIdFor(ctx, filters.group);
    if (!id) return { items: [], total: 0 };
    add(id, (n) => `a.group_id = $${n}::uuid`);
  }
  if (filters.age !== null && filters.age !== undefined)
    add(
      filters.age,
      (n) => `(a.age_min is null or a.age_min <= $${n}) and (a.age_max is null or a.age_max >= $${n})`,
    );
  if (filters.free) where.push('a.cost_pence = 0');
  if (filters.accessibility?.length) add(filters.accessibility, (n) => `a.accessibility @> $${n}::text[]`);
  if (filters.includeCancelled === false) where.push('not x.cancelled');
  const sql = where.join(' and ');
  const from = `activity_sessions x join ${ACTIVITY_FROM} on a.id = x.activity_id`;
  const [rows, count] = await Promise.all([
    ctx.db.query<
      ActivityRow & {
        session_id: string;
        starts_at: Date;
        ends_at: Date;
        cancelled: boolean;
        session_modified: string;
      }
    >(
      `select ${ACTIVITY_SELECT}, x.id as session_id, x.starts_at, x.ends_at, x.cancelled, x.modified as session_modified
       from ${from} where ${sql} order by x.starts_at, a.title, x.id limit $${params.length + 1} offset $${params.length + 2}`,
      [...params, page.limit, page.offset],
    ),
    ctx.db.query<{ n: number }>(`select count(*)::int as n from ${from} where ${sql}`, params),
  ]);
  const groups = await groupsById(
    ctx,
    rows.map((r) => r.group_id),
  );
  return {
    items: rows.map((r) => ({
      id: r.session_id,
      startsAt: new Date(r.starts_at),
      endsAt: new Date(r.ends_at),
      cancelled: r.cancelled,
      modified: Number(r.session_modified),
      activity: toActivity(r, groups),
    })),
    total: count[0]?.n ?? 0,
  };
}

export type ActivityView = Activity & {
  sessions: { id: string; startsAt: Date; endsAt: Date; cancelled: boolean }[];
  canManage: boolean;
};

async function findActivity(ctx: ServiceContext, id: string): Promise<Activity | null> {
  if (!isUuid(id)) return null;
  const [row] = await ctx.db.query<ActivityRow>(
    `select ${ACTIVITY_SELECT} from ${ACTIVITY_FROM} where a.place_id = $1 and a.id = $2`,
    [ctx.place.id, id],
  );
  if (!row) return null;
  return toActivity(row, await groupsById(ctx, [row.group_id]));
}

/** Whether the actor may change an activity: its group's organisers, and officers. */
async function mayManage(ctx: ServiceContext, groupId: string | null): Promise<boolean> {
  if (can(ctx.actor, 'spaces.activities.manage')) return true;
  if (!groupId || !ctx.actor) return false;
  return requireGroupManager(ctx, groupId).then(
    () => true,
    () => false,
  );
}

/** An activity's page: withdrawn ones are gone for everyone but those who ran them. */
export async function getActivity(ctx: ServiceContext, id: string, now = new Date()): Promise<ActivityView> {
  const activity = await findActivity(ctx, id);
  if (!activity) throw new NotFound('No such activity');
  const [row] = await ctx.db.query<{ group_id: string | null }>(
    'select group_id from activities where id = $1',
    [id],
  );
  const canManage = await mayManage(ctx, row?.group_id ?? null);
  if (activity.status !== 'active' && !canManage) throw new NotFound('No such activity');
  const sessions = await ctx.db.query<{ id: string; starts_at: Date; ends_at: Date; cancelled: boolean }>(
    `select id, starts_at, ends_at, cancelled from activity_sessions
     where activity_id = $1 and ends_at > $2 order by starts_at limit 60`,
    [id, now],
  );
  return {
    ...activity,
    canManage,
    sessions: sessions.map((s) => ({
      id: s.id,
      startsAt: new Date(s.starts_at),
      endsAt: new Date(s.ends_at),
      cancelled: s.cancelled,
    })),
  };
}

/** Spaces an activity may be put in. */
export async function activeSpaces(ctx: ServiceContext) {
  return ctx.db.query<{ id: string; slug: string; name: string }>(
    "select id, slug, name from spaces where place_id = $1 and status = 'active' order by name",
    [ctx.place.id],
  );
}

/** The groups here the actor organises, for the "run by" choice. */
export async function organisedGroups(ctx: ServiceContext) {
  if (!ctx.actor) return [];
  const mine = await groupsOf(ctx.db, ctx.actor.userId);
  return mine
    .filter((g) => g.place_id === ctx.place.id && g.role === 'organiser')
    .map((g) => ({ id: g.group_id, name: g.name }));
}

/** Whether the actor may add activities at all: officers, and organisers of a group here. */
export async function mayAddActivities(ctx: ServiceContext): Promise<boolean> {
  return can(ctx.actor, 'spaces.activities.manage') || (await organisedGroups(ctx)).length > 0;
}

/**
 * The session times of a schedule, on the London clock: a weekly rule keeps 10:00 at 10:00 on
 * both sides of a clock change. rrule works on "floating" times (UTC fields standing for local
 * ones), and each occurrence is then placed in London.
 */
export function sessionTimes(
  date: { year: number; month: number; day: number },
  startMinutes: number,
  endMinutes: number,
  repeat: { weeks: number } | null,
): { rrule: string | null; times: { startsAt: Date; endsAt: Date }[] } {
  const firstWall = Date.UTC(date.year, date.month - 1, date.day) + startMinutes * MINUTE;
  const length = (endMinutes - startMinutes) * MINUTE;
  let walls = [firstWall];
  let rule: string | null = null;
  if (repeat) {
    const r = new RRule({ freq: RRule.WEEKLY, dtstart: new Date(firstWall), count: repeat.weeks });
    walls = r.all().map((d) => d.getTime());
    // The stored rule names the London zone, as RFC 5545 does for local times.
    rule = `DTSTART;TZID=Europe/London:${new Date(firstWall).toISOString().replace(/[-:]/g, '').slice(0, 15)}\nRRULE:FREQ=WEEKLY;COUNT=${repeat.weeks}`;
  }
  return {
    rrule: rule,
    times: walls.map((w) => ({ startsAt: londonToUtc(w), endsAt: londonToUtc(w + length) })),
  };
}

/** RPDE needs every change numbered in commit order: writers queue for the counter. */
async function lockChanges(tx: Tx) {
  await tx.query("select pg_advisory_xact_lock(hashtext('kith.activity_changes'))");
}

/** A group organiser (for their group) or an officer adds an activity with its sessions. */
export async function createActivity(ctx: ServiceContext, raw: unknown, now = new Date()): Promise<string> {
  if (!ctx.actor) throw new Forbidden();
  const input = validated(ActivityInput, raw);
  let groupId: string | null = null;
  if (input.group) {
    const group = await requireGroupManager(ctx, input.group).catch((e) => {
      if (e instanceof NotFound) throw new Invalid({ group: 'spaces.activities.errors.groupMissing' });
      throw e;
    });
    groupId = group.id;
  } else if (!can(ctx.actor, 'spaces.activities.manage')) {
    throw new Invalid({ group: 'spaces.activities.errors.groupRequired' });
  }
  const [space] = await ctx.db.query<{ id: string }>(
    "select id from spaces where place_id = $1 and status = 'active' and (slug = $2 or id::text = $2)",
    [ctx.place.id, input.space],
  );
  if (!space) throw new Invalid({ space: 'spaces.activities.errors.spaceMissing' });
  const [year, month, day] = [
    Number(input['date-year']),
    Number(input['date-month']),
    Number(input['date-day']),
  ];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
    throw new Invalid({ 'date-day': 'spaces.activities.errors.dateInvalid' });
  const today = Math.floor(londonWall(now) / 86_400_000) * 86_400_000;
  if (d.getTime() < today) throw new Invalid({ 'date-day': 'spaces.activities.errors.dateInPast' });
  if (d.getTime() > today + 2 * 366 * 86_400_000)
    throw new Invalid({ 'date-day': 'spaces.activities.errors.dateTooFar' });
  const { rrule, times } = sessionTimes(
    { year, month, day },
    input.startTime,
    input.endTime,
    input.repeat === 'weekly' ? { weeks: input.weeks } : null,
  );
  return withTransaction(ctx.db, async (tx) => {
    await lockChanges(tx);
    const [row] = await tx.query<{ id: string }>(
      `insert into activities (place_id, space_id, group_id, title, description, category, age_min, age_max,
         cost_pence, accessibility, rrule, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id`,
      [
        ctx.place.id,
        space.id,
        groupId,
        input.title,
        input.description,
        input.category,
        input.ageMin,
        input.ageMax,
        input.cost,
        input.accessibility,
        rrule,
        ctx.actor?.userId ?? null,
      ],
    );
    const id = row?.id as string;
    // The room is held for every session through the bookings part; if any one is taken, this
    // throws with the dates and nothing at all is written.
    const bookings = await holdSpaceForSessions(tx, ctx, space.id, { title: input.title, groupId, times });
    for (const [i, s] of times.entries())
      await tx.query(
        'insert into activity_sessions (activity_id, starts_at, ends_at, booking_id) values ($1, $2, $3, $4)',
        [id, s.startsAt, s.endsAt, bookings[i] ?? null],
      );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'spaces.activity.create',
      targetType: 'activity',
      targetId: id,
      after: { title: input.title, space: space.id, group: groupId, sessions: times.length, rrule },
      requestId: ctx.requestId ?? null,
    });
    return id;
  }).catch((error) => {
    // Someone booked the room between the check and the insert: the database said no.
    if (isOverlap(error)) throw new Invalid({ 'date-day': 'spaces.activities.errors.roomJustBooked' });
    throw error;
  });
}

async function requireManaged(ctx: ServiceContext, activityId: string) {
  if (!isUuid(activityId)) throw new NotFound('No such activity');
  const [row] = await ctx.db.query<{ group_id: string | null; status: string }>(
    'select group_id, status from activities where place_id = $1 and id = $2',
    [ctx.place.id, activityId],
  );
  if (!row) throw new NotFound('No such activity');
  if (!(await mayManage(ctx, row.group_id))) throw new Forbidden();
  return row;
}

/** An activity to change: only for those who may manage it, and not once it is withdrawn. */
export async function activityForEdit(ctx: ServiceContext, activityId: string): Promise<Activity> {
  const row = await requireManaged(ctx, activityId);
  if (row.status !== 'active') throw new NotFound('No such activity');
  const activity = await findActivity(ctx, activityId);
  if (!activity) throw new NotFound('No such activity');
  return activity;
}

/**
 * Its title, description, kind, ages, cost and access change; where and when it happens do not.
 * The activity and its sessions take new change numbers, so RPDE harvesters see the new details
 * and calendar apps (SEQUENCE in the .ics) replace the events they hold.
 */
export async function updateActivity(ctx: ServiceContext, activityId: string, raw: unknown): Promise<void> {
  const before = await activityForEdit(ctx, activityId);
  const input = validated(ActivityDetailsInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    await lockChanges(tx);
    await tx.query(
      `update activities set title = $2, description = $3, category = $4, age_min = $5, age_max = $6,
         cost_pence = $7, accessibility = $8, modified = nextval('activity_changes'), updated_at = now()
       where id = $1`,
      [
        activityId,
        input.title,
        input.description,
        input.category,
        input.ageMin,
        input.ageMax,
        input.cost,
        input.accessibility,
      ],
    );
    await tx.query(
      `update activity_sessions set modified = nextval('activity_changes') where activity_id = $1`,
      [activityId],
    );
    const pick = (
      a: Pick<
        Activity,
        'title' | 'description' | 'category' | 'ageMin' | 'ageMax' | 'costPence' | 'accessibility'
      >,
    ) => ({
      title: a.title,
      description: a.description,
      category: a.category,
      ageMin: a.ageMin,
      ageMax: a.ageMax,
      costPence: a.costPence,
      accessibility: a.accessibility,
    });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'spaces.activity.update',
      targetType: 'activity',
      targetId: activityId,
      before: pick(before),
      after: pick({ ...input, costPence: input.cost }),
      requestId: ctx.requestId ?? null,
    });
  });
}

/** One session is off (or back on): the calendar, .ics and OpenActive feeds all say so. */
export async function setSessionCancelled(
  ctx: ServiceContext,
  activityId: string,
  sessionId: string,
  cancelled: boolean,
): Promise<void> {
  await requireManaged(ctx, activityId);
  if (!isUuid(sessionId)) throw new NotFound('No such session');
  await withTransaction(ctx.db, async (tx) => {
    await lockChanges(tx);
    const rows = await tx.query<{ id: string; booking_id: string | null; starts_at: Date; ends_at: Date }>(
      `update activity_sessions set cancelled = $3, modified = nextval('activity_changes')
       where activity_id = $1 and id = $2 and cancelled <> $3 returning id, booking_id, starts_at, ends_at`,
      [activityId, sessionId, cancelled],
    );
    const session = rows[0];
    if (!session) return;
    if (cancelled) {
      // The room is free again for others.
      if (session.booking_id) await releaseSessionHolds(tx, ctx, [session.booking_id], 'Session cancelled');
    } else {
      // Back on: the room is held again, unless someone has booked it meanwhile (then nothing changes).
      const [a] = await tx.query<{ space_id: string; title: string; group_id: string | null }>(
        'select space_id, title, group_id from activities where id = $1',
        [activityId],
      );
      const [bookingId] = await holdSpaceForSessions(tx, ctx, a?.space_id as string, {
        title: a?.title as string,
        groupId: a?.group_id ?? null,
        times: [{ startsAt: new Date(session.starts_at), endsAt: new Date(session.ends_at) }],
      });
      await tx.query('update activity_sessions set booking_id = $2 where id = $1', [
        session.id,
        bookingId ?? null,
      ]);
    }
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: cancelled ? 'spaces.session.cancel' : 'spaces.session.restore',
      targetType: 'activity-session',
      targetId: sessionId,
      requestId: ctx.requestId ?? null,
    });
  });
}

/** The activity stops: it leaves the calendar, and the feeds publish its sessions as deleted. */
export async function withdrawActivity(
  ctx: ServiceContext,
  activityId: string,
  now = new Date(),
): Promise<void> {
  const row = await requireManaged(ctx, activityId);
  if (row.status === 'withdrawn') return;
  await withTransaction(ctx.db, async (tx) => {
    await lockChanges(tx);
    await tx.query(
      `update activities set status = 'withdrawn', modified = nextval('activity_changes'), updated_at = now() where id = $1`,
      [activityId],
    );
    await tx.query(
      `update activity_sessions set modified = nextval('activity_changes') where activity_id = $1`,
      [activityId],
    );
    // Sessions still to come free their room; past ones stay booked, as a record of its use.
    const coming = await tx.query<{ booking_id: string }>(
      `select booking_id from activity_sessions where activity_id = $1 and booking_id is not null and ends_at > $2`,
      [activityId, now],
    );
    await releaseSessionHolds(
      tx,
      ctx,
      coming.map((r) => r.booking_id),
      'Activity withdrawn',
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'spaces.activity.withdraw',
      targetType: 'activity',
      targetId: activityId,
      requestId: ctx.requestId ?? null,
    });
  });
}

/** RPDE: activities changed after a change number, in change order. */
export async function activityChanges(ctx: ServiceContext, after: number, limit: number) {
  const rows = await ctx.db.query<ActivityRow>(
    `select ${ACTIVITY_SELECT} from ${ACTIVITY_FROM} where a.place_id = $1 and a.modified > $2
     order by a.modified, a.id limit $3`,
    [ctx.place.id, after, limit],
  );
  const groups = await groupsById(
    ctx,
    rows.map((r) => r.group_id),
  );
  return rows.map((r) => toActivity(r, groups));
}

/** RPDE: sessions changed after a change number; `deleted` when their activity was withdrawn. */
export async function sessionChanges(ctx: ServiceContext, after: number, limit: number) {
  const rows = await ctx.db.query<{
    id: string;
    activity_id: string;
    starts_at: Date;
    ends_at: Date;
    cancelled: boolean;
    modified: string;
    activity_status: string;
  }>(
    `select x.id, x.activity_id, x.starts_at, x.ends_at, x.cancelled, x.modified, a.status as activity_status
     from activity_sessions x join activities a on a.id = x.activity_id
     where a.place_id = $1 and x.modified > $2 order by x.modified, x.id limit $3`,
    [ctx.place.id, after, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    activityId: r.activity_id,
    startsAt: new Date(r.starts_at),
    endsAt: new Date(r.ends_at),
    cancelled: r.cancelled,
    modified: Number(r.modified),
    deleted: r.activity_status !== 'active',
  }));
}

/** The first session of each activity, for the feeds' one-off events and weekly schedules. */
export async function firstSessions(ctx: ServiceContext, activityIds: string[]) {
  const rows = await ctx.db.query<{ id: string; activity_id: string; starts_at: Date; ends_at: Date }>(
    `select distinct on (activity_id) id, activity_id, starts_at, ends_at from activity_sessions
     where activity_id = any($1::uuid[]) order by activity_id, starts_at`,
    [activityIds],
  );
  return new Map(
    rows.map((r) => [
      r.activity_id,
      { id: r.id, startsAt: new Date(r.starts_at), endsAt: new Date(r.ends_at) },
    ]),
  );
}

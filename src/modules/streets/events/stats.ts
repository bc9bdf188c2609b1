import { londonAt, londonParts } from '../../../lib/london-clock.js';
import { noticeGiven } from '../../../lib/street-notice/deadlines.js';
import { CLEARED } from '../../../lib/street-notice/states.js';
import { workingDaysBetween } from '../../../lib/working-days.js';
import { Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Stat } from '../../../platform/module-definition.js';
import { holidaysOf } from '../notices/notice-clock.js';
import { NOTICE_KINDS, type NoticeKind } from '../types/type-service.js';

/**
 * The annual report's street figures (SPEC §3.4): events by type and ward, how much notice
 * people gave, objections and their reasons, appeals and how they ended, and how long the
 * council took to decide where a place asks for approval. A year is the London calendar year
 * the event starts in (objections, appeals and decisions: the year they were made).
 */
export type Count = { held: number; upcoming: number; other: number };
export type StreetFigures = {
  year: number;
  byType: ({ slug: string; name: string; kind: NoticeKind } & Count)[];
  byWard: ({ code: string | null; name: string | null } & Count)[];
  total: Count;
  notice: { count: number; medianCalendarDays: number | null; medianWorkingDays: number | null };
  objections: { count: number; reasons: { date: string; at: Date; typeName: string; reason: string }[] };
  appeals: { made: number; upheld: number; dismissed: number; waiting: number };
  decisions: { count: number; medianWorkingDays: number | null };
};

const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

export function currentYear(now = new Date()): number {
  return Number(londonParts(now).date.slice(0, 4));
}

/** A year from a query string: absent means this year; anything but a sensible year is refused. */
export function yearFrom(raw: unknown, now = new Date()): number {
  if (raw === undefined || raw === '') return currentYear(now);
  const year = typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(year >= MIN_YEAR && year <= MAX_YEAR)) throw new Invalid({ year: 'streets.events.errors.year' });
  return year;
}

/** The middle value (the mean of the middle two for an even count), or null for none. */
export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(value * 10) / 10;
}

type EventRow = {
  status: string;
  type_slug: string;
  type_name: string;
  kind: NoticeKind;
  ward_code: string | null;
  ward_name: string | null;
  notified_at: Date;
  starts_at: Date;
  ends_at: Date;
};

const empty = (): Count => ({ held: 0, upcoming: 0, other: 0 });

export async function streetFigures(
  ctx: ServiceContext,
  year: number,
  now = new Date(),
): Promise<StreetFigures> {
  const from = londonAt(`${year}-01-01`);
  const to = londonAt(`${year + 1}-01-01`);
  const holidays = holidaysOf(ctx.place);
  const dateOf = (d: Date) => londonParts(d).date;

  const events = await ctx.db.query<EventRow>(
    `select n.status, t.slug as type_slug, t.name as type_name, t.kind, n.ward_code, w.name as ward_name,
            n.notified_at, n.starts_at, n.ends_at
       from street_notices n
       join street_notice_types t on t.id = n.type_id
       left join wards w on w.place_id = n.place_id and w.code = n.ward_code
      where n.place_id = $1 and n.status <> 'draft' and n.starts_at >= $2 and n.starts_at < $3
      order by t.position, t.name, n.starts_at`,
    [ctx.place.id, from, to],
  );
  const byType = new Map<string, StreetFigures['byType'][number]>();
  const byWard = new Map<string, StreetFigures['byWard'][number]>();
  const total = empty();
  const calendarDays: number[] = [];
  const workingDays: number[] = [];
  for (const e of events) {
    // Held: it happened. Upcoming: it can go ahead and is not over. Other: objected, refused,
    // waiting for a decision or appeal, stopped, withdrawn or lapsed.
    const bucket: keyof Count =
      e.status === 'held'
        ? 'held'
        : (CLEARED as readonly string[]).includes(e.status) && e.ends_at > now
          ? 'upcoming'
          : 'other';
    const type = byType.get(e.type_slug) ?? {
      slug: e.type_slug,
      name: e.type_name,
      kind: e.kind,
      ...empty(),
    };
    type[bucket]++;
    byType.set(e.type_slug, type);
    const wardKey = e.ward_code ?? '';
    const ward = byWard.get(wardKey) ?? { code: e.ward_code, name: e.ward_name, ...empty() };
    ward[bucket]++;
    byWard.set(wardKey, ward);
    total[bucket]++;
    const given = noticeGiven(dateOf(e.notified_at), dateOf(e.starts_at), holidays);
    calendarDays.push(given.calendarDays);
    workingDays.push(given.workingDays);
  }

  const objections = await ctx.db.query<{ at: Date; type_name: string; reason: string }>(
    `select e.at, t.name as type_name, e.reason
       from street_notice_events e
       join street_notices n on n.id = e.notice_id
       join street_notice_types t on t.id = n.type_id
      where e.place_id = $1 and e.action = 'object' and e.at >= $2 and e.at < $3
      order by e.at, e.id`,
    [ctx.place.id, from, to],
  );

  const appeals = await ctx.db.query<{ made: number; upheld: number; dismissed: number; waiting: number }>(
    `select count(*) filter (where action = 'appeal')::int as made,
            count(*) filter (where action = 'uphold-appeal')::int as upheld,
            count(*) filter (where action = 'dismiss-appeal')::int as dismissed,
            (select count(*)::int from street_notices where place_id = $1 and status = 'appealed') as waiting
       from street_notice_events
      where place_id = $1 and action in ('appeal', 'uphold-appeal', 'dismiss-appeal') and at >= $2 and at < $3`,
    [ctx.place.id, from, to],
  );

  // Approval mode: from the day it was applied for to the day of the first decision.
  const decided = await ctx.db.query<{ notified_at: Date; decided_at: Date }>(
    `select n.notified_at, min(e.at) as decided_at
       from street_notices n
       join street_notice_events e on e.notice_id = n.id and e.action in ('approve', 'refuse')
      where n.place_id = $1 and n.mode = 'approve' and n.notified_at is not null
      group by n.id, n.notified_at
     having min(e.at) >= $2 and min(e.at) < $3`,
    [ctx.place.id, from, to],
  );
  const decisionDays = decided.map((d) =>
    workingDaysBetween(dateOf(d.notified_at), dateOf(d.decided_at), holidays),
  );

  return {
    year,
    byType: [...byType.values()],
    byWard: [...byWard.values()].sort((a, b) =>
      a.name === null ? 1 : b.name === null ? -1 : a.name.localeCompare(b.name, 'en-GB'),
    ),
    total,
    notice: {
      count: events.length,
      medianCalendarDays: median(calendarDays),
      medianWorkingDays: median(workingDays),
    },
    objections: {
      count: objections.length,
      reasons: objections.map((o) => ({
        date: dateOf(o.at),
        at: o.at,
        typeName: o.type_name,
        reason: o.reason,
      })),
    },
    appeals: appeals[0] ?? { made: 0, upheld: 0, dismissed: 0, waiting: 0 },
    decisions: { count: decided.length, medianWorkingDays: median(decisionDays) },
  };
}

/** The module's `stats` for the annual report: this year's figures for the whole place. */
export async function streetStats(ctx: ServiceContext, now = new Date()): Promise<Stat[]> {
  const f = await streetFigures(ctx, currentYear(now), now);
  const wardsOf = (bucket: keyof Count) =>
    Object.fromEntries(f.byWard.filter((w) => w.code && w[bucket]).map((w) => [w.code as string, w[bucket]]));
  const S = 'streets.events.stats';
  const stats: Stat[] = [
    { key: 'streets.events.held', labelKey: `${S}.held`, value: f.total.held, byWard: wardsOf('held') },
    {
      key: 'streets.events.upcoming',
      labelKey: `${S}.upcoming`,
      value: f.total.upcoming,
      byWard: wardsOf('upcoming'),
    },
  ];
  for (const kind of NOTICE_KINDS) {
    const types = f.byType.filter((t) => t.kind === kind);
    stats.push({
      key: `streets.events.kind.${kind}`,
      labelKey: `${S}.kinds.${kind}`,
      value: types.reduce((n, t) => n + t.held + t.upcoming, 0),
    });
  }
  stats.push(
    {
      key: 'streets.notice.medianCalendarDays',
      labelKey: `${S}.medianCalendarDays`,
      value: f.notice.medianCalendarDays ?? 0,
    },
    {
      key: 'streets.notice.medianWorkingDays',
      labelKey: `${S}.medianWorkingDays`,
      value: f.notice.medianWorkingDays ?? 0,
    },
    { key: 'streets.objections', labelKey: `${S}.objections`, value: f.objections.count },
    { key: 'streets.appeals', labelKey: `${S}.appeals`, value: f.appeals.made },
    { key: 'streets.appeals.upheld', labelKey: `${S}.appealsUpheld`, value: f.appeals.upheld },
    { key: 'streets.appeals.dismissed', labelKey: `${S}.appealsDismissed`, value: f.appeals.dismissed },
    {
      key: 'streets.decisions.medianWorkingDays',
      labelKey: `${S}.medianDecisionDays`,
      value: f.decisions.medianWorkingDays ?? 0,
    },
  );
  return stats;
}

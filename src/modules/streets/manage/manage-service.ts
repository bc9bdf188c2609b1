import { londonParts } from '../../../lib/london-clock.js';
import type { Mode } from '../../../lib/street-notice/deadlines.js';
import type { NoticeStatus } from '../../../lib/street-notice/states.js';
import { workingDaysBetween } from '../../../lib/working-days.js';
import type { SqlParam } from '../../../platform/db/types.js';
import { Forbidden } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { holidaysOf, londonToday } from '../notices/notice-clock.js';
import { RESPOND } from '../notices/notice-service.js';

/**
 * The officers' list: the notifications that need someone to look at them, in the order
 * they need it. Each notification is in one section only, the most pressing that fits.
 */
export const SECTIONS = ['appeals', 'changed', 'objection-open', 'waiting', 'upcoming'] as const;
export type Section = (typeof SECTIONS)[number];

/** The statuses a notification on the list can have (the status filter's choices). */
export const LIST_STATUSES = ['going-ahead', 'submitted', 'appealed', 'confirmed', 'approved'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

export type ManageFilters = { status: ListStatus | null; type: string | null; ward: string | null };

export type ManageItem = {
  section: Section;
  id: string;
  reference: string;
  title: string;
  typeSlug: string;
  typeName: string;
  status: NoticeStatus;
  mode: Mode;
  wardCode: string | null;
  wardName: string | null;
  street: string;
  locationText: string;
  startsAt: Date;
  endsAt: Date;
  objectionDeadline: Date | null;
  decisionDeadline: Date | null;
  /** The last date an officer can object (notify mode) or should decide by (approval mode). */
  deadlineDate: string | null;
  /** Working days left to object, counting from today (0: today is the last day). */
  workingDaysLeft: number | null;
  /** Approval mode, the decision is late: by how many working days (0: since today). */
  overdueWorkingDays: number | null;
  /** Neighbours' concerns no officer has looked at yet. */
  unseenConcerns: number;
};

type Row = {
  id: string;
  reference: string;
  title: string;
  type_slug: string;
  type_name: string;
  status: NoticeStatus;
  mode: Mode;
  ward_code: string | null;
  ward_name: string | null;
  street: string;
  location_text: string;
  starts_at: Date;
  ends_at: Date;
  objection_deadline: Date | null;
  decision_deadline: Date | null;
  unseen_concerns: number;
  changed: boolean;
};

/** "By the end of" an instant deadline, as the civil date it is the end of. */
const dateOf = (deadline: Date) => londonParts(new Date(deadline.getTime() - 1)).date;

export async function manageList(
  ctx: ServiceContext,
  filters: ManageFilters,
  now = new Date(),
): Promise<ManageItem[]> {
  if (!can(ctx.actor, RESPOND)) throw new Forbidden();
  const params: SqlParam[] = [ctx.place.id, now];
  const where: string[] = [];
  if (filters.status) {
    params.push(filters.status);
    where.push(`n.status = $${params.length}`);
  }
  if (filters.type) {
    params.push(filters.type);
    where.push(`t.slug = $${params.length}`);
  }
  if (filters.ward) {
    params.push(filters.ward);
    where.push(`n.ward_code = $${params.length}`);
  }
  const rows = await ctx.db.query<Row>(
    `select n.id, n.reference, n.title, t.slug as type_slug, t.name as type_name, n.status, n.mode,
        n.ward_code, w.name as ward_name, n.street, n.location_text, n.starts_at, n.ends_at,
        n.objection_deadline, n.decision_deadline,
        (select count(*)::int from street_neighbour_responses r
          where r.notice_id = n.id and r.kind = 'concern' and r.seen_at is null) as unseen_concerns,
        -- Changed by the organiser after an objection or refusal, and no officer has acted since.
        exists (select 1 from street_notice_events a
          where a.notice_id = n.id and a.action = 'amend' and a.from_status in ('objected', 'refused')
            and not exists (select 1 from street_notice_events b where b.notice_id = n.id and b.id > a.id
              and b.action in ('object', 'refuse', 'approve', 'close-window', 'uphold-appeal', 'dismiss-appeal'))
        ) as changed
       from street_notices n
       join street_notice_types t on t.id = n.type_id
       left join wards w on w.place_id = n.place_id and w.code = n.ward_code
      where n.place_id = $1 and n.ends_at > $2
        and n.status in ('going-ahead', 'submitted', 'appealed', 'confirmed', 'approved')
        ${where.map((w) => `and ${w}`).join(' ')}
      order by n.starts_at, n.id`,
    params,
  );
  const holidays = holidaysOf(ctx.place);
  const today = londonToday(now);
  const items = rows.map((r): ManageItem => {
    const windowOpen =
      r.status === 'going-ahead' && !!r.objection_deadline && r.objection_deadline.getTime() > now.getTime();
    const section: Section =
      r.status === 'appealed'
        ? 'appeals'
        : r.changed && (r.status === 'going-ahead' || r.status === 'submitted')
          ? 'changed'
          : windowOpen
            ? 'objection-open'
            : r.status === 'submitted'
              ? 'waiting'
              : 'upcoming';
    const deadline = r.mode === 'notify' ? r.objection_deadline : r.decision_deadline;
    const deadlineDate = deadline ? dateOf(deadline) : null;
    const late = r.status === 'submitted' && !!r.decision_deadline && r.decision_deadline <= now;
    return {
      section,
      id: r.id,
      reference: r.reference,
      title: r.title,
      typeSlug: r.type_slug,
      typeName: r.type_name,
      status: r.status,
      mode: r.mode,
      wardCode: r.ward_code,
      wardName: r.ward_name,
      street: r.street,
      locationText: r.location_text,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      objectionDeadline: r.objection_deadline,
      decisionDeadline: r.decision_deadline,
      deadlineDate,
      workingDaysLeft: windowOpen && deadlineDate ? workingDaysBetween(today, deadlineDate, holidays) : null,
      overdueWorkingDays: late && deadlineDate ? workingDaysBetween(deadlineDate, today, holidays) : null,
      unseenConcerns: r.unseen_concerns,
    };
  });
  // Soonest deadline first where there is one to meet; otherwise by the event's date.
  const key = (i: ManageItem) =>
    i.section === 'upcoming' || i.section === 'appeals'
      ? i.startsAt.getTime()
      : ((i.mode === 'notify' ? i.objectionDeadline : i.decisionDeadline)?.getTime() ?? i.startsAt.getTime());
  return items.sort(
    (a, b) =>
      SECTIONS.indexOf(a.section) - SECTIONS.indexOf(b.section) ||
      key(a) - key(b) ||
      a.id.localeCompare(b.id),
  );
}

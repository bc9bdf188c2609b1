import { addDays } from '../../../lib/civil-date.js';
import { londonAt, londonParts } from '../../../lib/london-clock.js';
import {
  deadlineAfterAmendment,
  decisionDeadline,
  earliestEventDate,
  type Mode,
  objectionDeadline,
} from '../../../lib/street-notice/deadlines.js';
import {
  FINAL,
  type NoticeAction,
  type NoticeStatus,
  nextStatus,
} from '../../../lib/street-notice/states.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { queueEmail } from '../../../platform/email/outbox.js';
import { Conflict, Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { JobSite } from '../../../platform/module-definition.js';
import { can } from '../../../platform/roles/permissions.js';
import { staffWithPermission } from '../../../platform/roles/role-service.js';
import { getWard, wardAt } from '../../wards/ward-service.js';
import { readAnswers, unanswered } from '../types/questions.js';
import {
  type DocumentToProvide,
  getNoticeType,
  getNoticeTypeById,
  type NoticeType,
  streetMode,
} from '../types/type-service.js';
import { deadlineAt, holidaysOf, LAST_KNOWN_DATE, londonToday } from './notice-clock.js';
import {
  ContactInput,
  type JourneyStep,
  ReasonInput,
  readWhen,
  type Step,
  WhatInput,
  WhereInput,
} from './notice-input.js';
import { newReference } from './reference.js';

export const NOTIFY = 'streets.notify';
export const RESPOND = 'streets.respond';

/** A notification as its organiser and officers see it. `publicView` trims it for everyone else. */
export type Notice = {
  id: string;
  reference: string;
  typeId: string;
  typeSlug: string;
  typeName: string;
  mode: Mode;
  status: NoticeStatus;
  organiserId: string | null;
  organiserName: string;
  organiserPhone: string;
  organiserEmail: string | null;
  showOrganiser: boolean;
  title: string;
  description: string;
  wardCode: string | null;
  wardName: string | null;
  street: string;
  fromPoint: string;
  toPoint: string;
  locationText: string;
  lon: number | null;
  lat: number | null;
  startsAt: Date | null;
  endsAt: Date | null;
  expectedPeople: number | null;
  roadClosure: boolean | null;
  answers: Record<string, string | number>;
  notifiedAt: Date | null;
  objectionDeadline: Date | null;
  decisionDeadline: Date | null;
  feePence: number;
  updatedAt: Date;
};

export type NoticeEvent = {
  action: NoticeAction;
  fromStatus: NoticeStatus;
  toStatus: NoticeStatus;
  reason: string;
  actorId: string | null;
  at: Date;
};

export type NoticeRow = {
  id: string;
  reference: string;
  type_id: string;
  type_slug: string;
  type_name: string;
  mode: Mode;
  status: NoticeStatus;
  organiser_id: string | null;
  organiser_name: string;
  organiser_phone: string;
  organiser_email: string | null;
  organiser_lang: string | null;
  show_organiser: boolean;
  title: string;
  description: string;
  ward_code: string | null;
  ward_name: string | null;
  street: string;
  from_point: string;
  to_point: string;
  location_text: string;
  lon: number | null;
  lat: number | null;
  starts_at: Date | null;
  ends_at: Date | null;
  expected_people: number | null;
  road_closure: boolean | null;
  answers: Record<string, string | number>;
  notified_at: Date | null;
  objection_deadline: Date | null;
  decision_deadline: Date | null;
  fee_pence: number;
  updated_at: Date;
};

export const SELECT = `select n.id, n.reference, n.type_id, t.slug as type_slug, t.name as type_name, n.mode, n.status,
  n.organiser_id, n.organiser_name, n.organiser_phone, u.email as organiser_email, u.preferred_language as organiser_lang,
  n.show_organiser, n.title, n.description, n.ward_code, w.name as ward_name, n.street, n.from_point, n.to_point,
  n.location_text, n.lon, n.lat, n.starts_at, n.ends_at, n.expected_people, n.road_closure, n.answers,
  n.notified_at, n.objection_deadline, n.decision_deadline, n.fee_pence, n.updated_at
  from street_notices n
  join street_notice_types t on t.id = n.type_id
  left join users u on u.id = n.organiser_id and u.deleted_at is null
  left join wards w on w.place_id = n.place_id and w.code = n.ward_code`;

export function toNotice(r: NoticeRow): Notice {
  return {
    id: r.id,
    reference: r.reference,
    typeId: r.type_id,
    typeSlug: r.type_slug,
    typeName: r.type_name,
    mode: r.mode,
    status: r.status,
    organiserId: r.organiser_id,
    organiserName: r.organiser_name,
    organiserPhone: r.organiser_phone,
    organiserEmail: r.organiser_email,
    showOrganiser: r.show_organiser,
    title: r.title,
    description: r.description,
    wardCode: r.ward_code,
    wardName: r.ward_name,
    street: r.street,
    fromPoint: r.from_point,
    toPoint: r.to_point,
    locationText: r.location_text,
    lon: r.lon,
    lat: r.lat,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    expectedPeople: r.expected_people,
    roadClosure: r.road_closure,
    answers: r.answers ?? {},
    notifiedAt: r.notified_at,
    objectionDeadline: r.objection_deadline,
    decisionDeadline: r.decision_deadline,
    feePence: r.fee_pence,
    updatedAt: r.updated_at,
  };
}

/** What anyone may see of a notification that has been made: no contact details, the name only if agreed. */
export type PublicNotice = Omit<
  Notice,
  'organiserId' | 'organiserPhone' | 'organiserEmail' | 'organiserName' | 'answers' | 'updatedAt'
> & { organiserName: string | null };

export function publicView(n: Notice): PublicNotice {
  const { organiserId, organiserPhone, organiserEmail, organiserName, answers, updatedAt, ...rest } = n;
  return { ...rest, organiserName: n.showOrganiser ? organiserName : null };
}

export async function loadRow(
  db: Pick<Db, 'query'>,
  placeId: string,
  id: string,
  lock = false,
): Promise<NoticeRow> {
  if (!isUuid(id)) throw new NotFound();
  const rows = await db.query<NoticeRow>(
    `${SELECT} where n.place_id = $1 and n.id = $2 ${lock ? 'for update of n' : ''}`,
    [placeId, id],
  );
  if (!rows[0]) throw new NotFound();
  return rows[0];
}

export const isOrganiser = (ctx: ServiceContext, r: Pick<NoticeRow, 'organiser_id'>) =>
  !!ctx.actor && r.organiser_id === ctx.actor.userId;

/** The organiser and officers see everything; nobody else sees a notification this way (404, not 403). */
export async function getNotice(ctx: ServiceContext, id: string): Promise<Notice> {
  const row = await loadRow(ctx.db, ctx.place.id, id);
  if (!isOrganiser(ctx, row) && !can(ctx.actor, RESPOND)) throw new NotFound();
  return toNotice(row);
}

/** A notification that has been made, by its reference, as the public and neighbours see it. */
export async function getPublicNotice(ctx: ServiceContext, reference: string): Promise<PublicNotice> {
  const rows = await ctx.db.query<NoticeRow>(
    `${SELECT} where n.place_id = $1 and n.reference = $2 and n.status <> 'draft'`,
    [ctx.place.id, reference],
  );
  if (!rows[0]) throw new NotFound();
  return publicView(toNotice(rows[0]));
}

/** What happened to a notification, oldest first. */
export async function noticeHistory(ctx: ServiceContext, id: string): Promise<NoticeEvent[]> {
  return ctx.db.query<NoticeEvent>(
    `select action, from_status as "fromStatus", to_status as "toStatus", reason, actor_id as "actorId", at
       from street_notice_events where place_id = $1 and notice_id = $2 order by id`,
    [ctx.place.id, id],
  );
}

/** The signed-in person's own notifications, newest first. */
export async function myNotices(ctx: ServiceContext): Promise<Notice[]> {
  if (!ctx.actor) throw new Forbidden();
  const rows = await ctx.db.query<NoticeRow>(
    `${SELECT} where n.place_id = $1 and n.organiser_id = $2 order by n.created_at desc, n.id`,
    [ctx.place.id, ctx.actor.userId],
  );
  return rows.map(toNotice);
}

/** Begins a notification of a type: a draft only its organiser sees. */
export async function startNotice(ctx: ServiceContext, typeSlug: string): Promise<string> {
  if (!ctx.actor || !can(ctx.actor, NOTIFY)) throw new Forbidden();
  const type = await getNoticeType(ctx, typeSlug);
  if (!type.active) throw new NotFound();
  return withTransaction(ctx.db, async (tx) => {
    const id = await insertWithReference(tx, ctx, type);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'streets.notice.start',
      targetType: 'street_notice',
      targetId: id,
      after: { type: type.slug },
      requestId: ctx.requestId,
    });
    return id;
  });
}

async function insertWithReference(tx: Tx, ctx: ServiceContext, type: NoticeType): Promise<string> {
  // 40 random bits make a clash vanishingly rare; a clash is retried rather than shown.
  for (let attempt = 0; ; attempt++) {
    const rows = await tx.query<{ id: string }>(
      `insert into street_notices (place_id, type_id, reference, mode, organiser_id, fee_pence)
       values ($1, $2, $3, $4, $5, $6) on conflict (place_id, reference) do nothing returning id`,
      [
        ctx.place.id,
        type.id,
        newReference(),
        await streetMode(tx, ctx.place.id),
        ctx.actor?.userId ?? null,
        type.feePence,
      ],
    );
    if (rows[0]) return rows[0].id;
    if (attempt > 5) throw new Error('Could not find a free reference');
  }
}

/** Only the organiser changes a notification, and not once it is over or under appeal. */
export function assertChangeable(ctx: ServiceContext, r: Pick<NoticeRow, 'organiser_id' | 'status'>) {
  if (!isOrganiser(ctx, r)) throw new NotFound();
  if (FINAL.includes(r.status) || r.status === 'appealed')
    throw new Conflict('streets.notices.errors.cannotChange');
}

export type SaveResult = { errors: Record<string, string> };

/**
 * Saves one step of the journey. On a draft it just fills the answer in; on a notification
 * already made it is an amendment: recorded, and in notify mode it puts an objected
 * notification back to "going ahead" and gives officers time to look again.
 */
export async function saveStep(
  ctx: ServiceContext,
  site: Site,
  id: string,
  step: Step,
  body: Record<string, unknown>,
  now = new Date(),
): Promise<SaveResult> {
  const checkable = (r: NoticeRow) => assertChangeable(ctx, r);
  // Read and check the answers first (finding the ward reads the ward map), then apply them
  // to the row as it stands under a lock.
  const current = await loadRow(ctx.db, ctx.place.id, id);
  checkable(current);
  const type = await getNoticeTypeById(ctx.db, ctx.place.id, current.type_id);
  const changes = await readStep(ctx, type, current, step, body, now);
  if ('errors' in changes) return { errors: changes.errors };
  return withTransaction(ctx.db, async (tx) => {
    const row = await loadRow(tx, ctx.place.id, id, true);
    checkable(row);
    const sets = Object.keys(changes.values).map((col, i) => `${col} = $${i + 3}`);
    await tx.query(
      `update street_notices set ${sets.join(', ')}, updated_at = now() where place_id = $1 and id = $2`,
      [ctx.place.id, id, ...Object.values(changes.values)],
    );
    const before = Object.fromEntries(Object.keys(changes.values).map((k) => [k, row[k as keyof NoticeRow]]));
    if (row.status !== 'draft') await amend(tx, ctx, site, row, type, changes.values, now);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: row.status === 'draft' ? `streets.notice.${step}` : 'streets.notice.amend',
      targetType: 'street_notice',
      targetId: id,
      before,
      after: changes.values,
      requestId: ctx.requestId,
    });
    return { errors: {} };
  });
}

export type StepValues = Record<string, string | number | boolean | Date | null | Record<string, unknown>>;

async function readStep(
  ctx: ServiceContext,
  type: NoticeType,
  row: NoticeRow,
  step: Step,
  body: Record<string, unknown>,
  now: Date,
): Promise<{ values: StepValues } | { errors: Record<string, string> }> {
  switch (step) {
    case 'where': {
      const v = validatedOrErrors(WhereInput, body);
      if ('errors' in v) return v;
      let wardCode: string | null = null;
      if (v.value.wardCode) {
        const ward = await getWard(ctx, v.value.wardCode).catch(() => null);
        if (!ward) return { errors: { wardCode: 'streets.notices.errors.wardUnknown' } };
        wardCode = ward.code;
      } else if (v.value.lon !== null && v.value.lat !== null) {
        // A point on the map places the event in its ward.
        wardCode = (await wardAt(ctx, v.value.lon, v.value.lat))?.code ?? null;
      }
      return {
        values: {
          ward_code: wardCode,
          street: v.value.street,
          from_point: v.value.fromPoint,
          to_point: v.value.toPoint,
          location_text: v.value.locationText,
          lon: v.value.lon,
          lat: v.value.lat,
        },
      };
    }
    case 'when': {
      const { value, errors } = readWhen(body);
      if (!value) return { errors };
      const startsAt = londonAt(value.startDate, value.startMinutes);
      const endsAt = londonAt(value.endDate, value.endMinutes);
      const sameDay = row.starts_at && londonParts(row.starts_at).date === value.startDate;
      // A new date must give the notice the rules ask, counted from today; keeping the date
      // notified (changing only the times) is always allowed.
      if (!sameDay) {
        const earliest = earliestEventDate(type, row.mode, londonToday(now), holidaysOf(ctx.place));
        if (value.startDate < earliest) return { errors: { 'start-day': 'streets.notices.errors.tooSoon' } };
      }
      if (value.endDate > LAST_KNOWN_DATE) return { errors: { 'end-day': 'streets.notices.errors.tooFar' } };
      if (value.endDate > addDays(value.startDate, 7))
        return { errors: { 'end-day': 'streets.notices.errors.tooLong' } };
      return { values: { starts_at: startsAt, ends_at: endsAt } };
    }
    case 'what': {
      const v = validatedOrErrors(WhatInput, body);
      if ('errors' in v) return v;
      return {
        values: {
          title: v.value.title,
          description: v.value.description,
          expected_people: v.value.expectedPeople,
          road_closure: v.value.roadClosure,
        },
      };
    }
    case 'questions': {
      const { answers, errors } = readAnswers(type.questions, body);
      if (Object.keys(errors).length) return { errors };
      return { values: { answers: JSON.stringify(answers) as unknown as Record<string, unknown> } };
    }
    case 'contact': {
      const v = validatedOrErrors(ContactInput, body);
      if ('errors' in v) return v;
      return {
        values: {
          organiser_name: v.value.organiserName,
          organiser_phone: v.value.organiserPhone,
          show_organiser: v.value.showOrganiser,
        },
      };
    }
  }
}

function validatedOrErrors<S extends Parameters<typeof validated>[0]>(
  schema: S,
  body: unknown,
): { value: ReturnType<typeof validated<S>> } | { errors: Record<string, string> } {
  try {
    return { value: validated(schema, body) };
  } catch (e) {
    if (e instanceof Invalid) return { errors: e.fieldErrors };
    throw e;
  }
}

/** The required documents of a type not yet provided for a notification. */
export async function missingDocuments(
  db: Pick<Db, 'query'>,
  noticeId: string,
  type: Pick<NoticeType, 'documents'>,
): Promise<DocumentToProvide[]> {
  if (!type.documents.some((d) => d.required)) return [];
  const rows = await db.query<{ document_id: string }>(
    'select document_id from street_notice_documents where notice_id = $1',
    [noticeId],
  );
  const provided = new Set(rows.map((r) => r.document_id));
  return type.documents.filter((d) => d.required && !provided.has(d.id));
}

/** The steps of a draft still to answer, in order (documents only when told some are missing). */
export function missingSteps(n: Notice, type: NoticeType, documentsMissing = false): JourneyStep[] {
  const missing: JourneyStep[] = [];
  if (!n.street && !n.locationText) missing.push('where');
  if (!n.startsAt || !n.endsAt) missing.push('when');
  if (!n.title || n.expectedPeople === null || n.roadClosure === null) missing.push('what');
  if (unanswered(type.questions, n.answers).length) missing.push('questions');
  if (documentsMissing) missing.push('documents');
  if (!n.organiserName) missing.push('contact');
  return missing;
}

/**
 * Makes the notification: from now it is going ahead (notify mode) or waiting for a decision
 * (approval mode). The date is checked again, since a draft can sit for days.
 */
export async function submitNotice(
  ctx: ServiceContext,
  site: Site,
  id: string,
  now = new Date(),
): Promise<Notice> {
  return withTransaction(ctx.db, async (tx) => {
    const row = await loadRow(tx, ctx.place.id, id, true);
    if (!isOrganiser(ctx, row)) throw new NotFound();
    if (row.status !== 'draft') throw new Conflict('streets.notices.errors.alreadySubmitted');
    const type = await getNoticeTypeById(tx, ctx.place.id, row.type_id);
    const documentsMissing = (await missingDocuments(tx, id, type)).length > 0;
    const missing = missingSteps(toNotice(row), type, documentsMissing);
    // The message names what is missing; its field is the step to go back to.
    if (missing[0] === 'documents')
      throw new Invalid({ documents: 'streets.notices.errors.documentsMissing' });
    if (missing.length) throw new Invalid({ [missing[0] as string]: 'streets.notices.errors.incomplete' });
    const holidays = holidaysOf(ctx.place);
    const today = londonToday(now);
    const eventDate = londonParts(row.starts_at as Date).date;
    const mode = await streetMode(tx, ctx.place.id);
    if (eventDate < earliestEventDate(type, mode, today, holidays))
      throw new Invalid({ when: 'streets.notices.errors.tooSoon' });
    const objection = mode === 'notify' ? deadlineAt(objectionDeadline(eventDate, type, holidays)) : null;
    const decision = mode === 'approve' ? deadlineAt(decisionDeadline(today, type, holidays)) : null;
    const to = nextStatus('draft', 'submit', { mode, windowClosed: false }) as NoticeStatus;
    await tx.query(
      `update street_notices set status = $3, mode = $4, notified_at = $5, objection_deadline = $6,
         decision_deadline = $7, fee_pence = $8, updated_at = now() where place_id = $1 and id = $2`,
      [ctx.place.id, id, to, mode, now, objection, decision, type.feePence],
    );
    await recordEvent(tx, ctx, id, 'submit', 'draft', to, '', now);
    const notice = toNotice(await loadRow(tx, ctx.place.id, id));
    await tellOrganiser(
      tx,
      ctx,
      site,
      row,
      mode === 'notify' ? 'streetNoticeGoingAhead' : 'streetNoticeSubmitted',
      notice,
    );
    await tellResponders(tx, ctx, site, notice, 'streetNoticeNew');
    return notice;
  });
}

/** The officer and organiser actions, with who may take each and whether a reason is needed. */
const ACTS = {
  object: { who: 'officer', reason: true, email: 'streetNoticeObjected' },
  refuse: { who: 'officer', reason: true, email: 'streetNoticeRefused' },
  approve: { who: 'officer', reason: false, email: 'streetNoticeApproved' },
  'uphold-appeal': { who: 'officer', reason: true, email: 'streetNoticeAppealUpheld' },
  'dismiss-appeal': { who: 'officer', reason: true, email: 'streetNoticeAppealDismissed' },
  appeal: { who: 'organiser', reason: true, email: null },
  withdraw: { who: 'organiser', reason: false, email: null },
} as const;
export type NoticeAct = keyof typeof ACTS;
export const NOTICE_ACTS = Object.keys(ACTS) as NoticeAct[];

/** Whether the actor could take `act` on the notification now (for showing the right buttons). */
export function canAct(ctx: ServiceContext, n: Notice, act: NoticeAct, now = new Date()): boolean {
  const rule = ACTS[act];
  if (rule.who === 'officer' ? !can(ctx.actor, RESPOND) : !(ctx.actor && n.organiserId === ctx.actor.userId))
    return false;
  return nextStatus(n.status, act, { mode: n.mode, windowClosed: windowClosed(n, now) }) !== null;
}

const windowClosed = (n: Pick<Notice, 'objectionDeadline'>, now: Date) =>
  !!n.objectionDeadline && now.getTime() >= n.objectionDeadline.getTime();

/**
 * An officer objects, refuses, approves or decides an appeal; the organiser appeals or
 * withdraws. Reasons are required where a person is told no, or told why a no was overturned.
 * An appeal is decided by someone other than the officer who objected or refused.
 */
export async function actOnNotice(
  ctx: ServiceContext,
  site: Site,
  id: string,
  act: NoticeAct,
  body: Record<string, unknown>,
  now = new Date(),
): Promise<Notice> {
  const rule = ACTS[act];
  if (!rule) throw new NotFound();
  const reason = rule.reason
    ? validated(ReasonInput, body).reason
    : typeof body.reason === 'string'
      ? body.reason.trim().slice(0, 2000)
      : '';
  return withTransaction(ctx.db, async (tx) => {
    const row = await loadRow(tx, ctx.place.id, id, true);
    const organiser = isOrganiser(ctx, row);
    if (rule.who === 'officer' && !can(ctx.actor, RESPOND))
      throw organiser ? new Forbidden() : new NotFound();
    if (rule.who === 'organiser' && !organiser)
      throw can(ctx.actor, RESPOND) ? new Forbidden() : new NotFound();
    const notice = toNotice(row);
    const to = nextStatus(row.status, act, { mode: row.mode, windowClosed: windowClosed(notice, now) });
    if (!to) {
      const late = act === 'object' && row.status === 'going-ahead';
      throw new Conflict(
        late ? 'streets.notices.errors.objectionTooLate' : 'streets.notices.errors.cannotNow',
      );
    }
    if (act === 'uphold-appeal' || act === 'dismiss-appeal') {
      const decidedBy = await tx.query<{ actor_id: string | null }>(
        `select actor_id from street_notice_events where notice_id = $1 and action in ('object', 'refuse')
          order by id desc limit 1`,
        [id],
      );
      if (decidedBy[0]?.actor_id && decidedBy[0].actor_id === ctx.actor?.userId)
        throw new Conflict('streets.notices.errors.sameOfficer');
    }
    await tx.query(
      'update street_notices set status = $3, updated_at = now() where place_id = $1 and id = $2',
      [ctx.place.id, id, to],
    );
    await recordEvent(tx, ctx, id, act, row.status, to, reason, now);
    const after = toNotice(await loadRow(tx, ctx.place.id, id));
    if (rule.email) await tellOrganiser(tx, ctx, site, row, rule.email, after, { reason });
    if (act === 'appeal') await tellResponders(tx, ctx, site, after, 'streetNoticeAppealed', { reason });
    return after;
  });
}

/** An amendment to a notification already made (inside the transaction of the change). */
export async function amend(
  tx: Tx,
  ctx: ServiceContext,
  site: Site,
  row: NoticeRow,
  type: NoticeType,
  values: StepValues,
  now: Date,
) {
  const to = nextStatus(row.status, 'amend', { mode: row.mode, windowClosed: false });
  if (!to) throw new Conflict('streets.notices.errors.cannotChange');
  const startsAt = (values.starts_at as Date | undefined) ?? row.starts_at;
  const eventDate = londonParts(startsAt as Date).date;
  const holidays = holidaysOf(ctx.place);
  if (row.mode === 'notify') {
    const deadline = deadlineAt(deadlineAfterAmendment(eventDate, type, londonToday(now), holidays));
    await tx.query('update street_notices set objection_deadline = $3 where place_id = $1 and id = $2', [
      ctx.place.id,
      row.id,
      deadline,
    ]);
  } else {
    const deadline = deadlineAt(decisionDeadline(londonToday(now), type, holidays));
    await tx.query('update street_notices set decision_deadline = $3 where place_id = $1 and id = $2', [
      ctx.place.id,
      row.id,
      deadline,
    ]);
  }
  await tx.query('update street_notices set status = $3 where place_id = $1 and id = $2', [
    ctx.place.id,
    row.id,
    to,
  ]);
  await recordEvent(tx, ctx, row.id, 'amend', row.status, to, Object.keys(values).join(', '), now);
  // Officers hear of an amendment that answers an objection or refusal; others show on their list.
  if (row.status === 'objected' || row.status === 'refused')
    await tellResponders(
      tx,
      ctx,
      site,
      toNotice(await loadRow(tx, ctx.place.id, row.id)),
      'streetNoticeAmended',
    );
}

async function recordEvent(
  tx: Tx,
  ctx: Pick<ServiceContext, 'place' | 'actor' | 'requestId'>,
  noticeId: string,
  action: NoticeAction,
  from: NoticeStatus,
  to: NoticeStatus,
  reason: string,
  at: Date,
) {
  await tx.query(
    `insert into street_notice_events (notice_id, place_id, action, from_status, to_status, reason, actor_id, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [noticeId, ctx.place.id, action, from, to, reason, ctx.actor?.userId ?? null, at],
  );
  if (action !== 'submit' && action !== 'amend')
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: `streets.notice.${action}`,
      targetType: 'street_notice',
      targetId: noticeId,
      before: { status: from },
      after: { status: to, reason },
      requestId: ctx.requestId ?? null,
    });
}

function emailVars(ctx: Pick<ServiceContext, 'place'>, n: Notice, publicUrl: string) {
  const start = n.startsAt ? londonParts(n.startsAt) : null;
  return {
    place: ctx.place.name,
    reference: n.reference,
    title: n.title,
    type: n.typeName,
    date: start?.date ?? '',
    time: start?.time ?? '',
    deadline: n.objectionDeadline ? londonParts(new Date(n.objectionDeadline.getTime() - 1)).date : '',
    url: `${publicUrl}/${ctx.place.slug}/streets/notices/${n.id}`,
  };
}

/** Where links in emails point: the site's public address (see siteOf). */
export type Site = Pick<JobSite, 'publicUrl'>;

async function tellOrganiser(
  tx: Tx,
  ctx: Pick<ServiceContext, 'place'>,
  site: Site,
  row: Pick<NoticeRow, 'organiser_email' | 'organiser_lang'>,
  template: string,
  n: Notice,
  extra: Record<string, string> = {},
) {
  if (!row.organiser_email) return;
  await queueEmail(tx, {
    placeId: ctx.place.id,
    to: row.organiser_email,
    template,
    lang: row.organiser_lang ?? 'en',
    vars: { ...emailVars(ctx, n, site.publicUrl.replace(/\/$/, '')), ...extra },
  });
}

async function tellResponders(
  tx: Tx,
  ctx: Pick<ServiceContext, 'place'>,
  site: Site,
  n: Notice,
  template: string,
  extra: Record<string, string> = {},
) {
  for (const person of await staffWithPermission(tx, ctx.place.id, RESPOND))
    await queueEmail(tx, {
      placeId: ctx.place.id,
      to: person.email,
      template,
      lang: person.lang,
      vars: { ...emailVars(ctx, n, site.publicUrl.replace(/\/$/, '')), ...extra },
    });
}

/**
 * The clock's part, run by a recurring job: objection windows that have closed make a
 * notification confirmed; events that are over end as held (or lapsed, if never cleared).
 * Each change is its own small transaction, so one bad row cannot hold up the rest.
 */
export async function runStreetDeadlines(
  db: Db,
  site: Site,
  now = new Date(),
): Promise<{ confirmed: number; ended: number }> {
  const due = await db.query<{
    id: string;
    place_id: string;
    status: NoticeStatus;
    mode: Mode;
    closing: boolean;
  }>(
    `select id, place_id, status, mode, (status = 'going-ahead' and objection_deadline <= $1) as closing
       from street_notices
      where (status = 'going-ahead' and objection_deadline <= $1)
         or (status not in ('draft', 'stopped', 'withdrawn', 'held', 'lapsed') and ends_at <= $1)
      order by place_id, id`,
    [now],
  );
  let confirmed = 0;
  let ended = 0;
  for (const d of due) {
    await withTransaction(db, async (tx) => {
      const rows = await tx.query<NoticeRow & { place_slug: string; place_name: string }>(
        `select n.status, n.mode, n.objection_deadline, n.ends_at from street_notices n where n.id = $1 for update`,
        [d.id],
      );
      const row = rows[0];
      if (!row) return;
      const over = !!row.ends_at && row.ends_at.getTime() <= now.getTime();
      const action: NoticeAction = over ? 'event-over' : 'close-window';
      const to = nextStatus(row.status, action, { mode: row.mode, windowClosed: true });
      if (!to) return;
      await tx.query('update street_notices set status = $2, updated_at = now() where id = $1', [d.id, to]);
      const place = { id: d.place_id } as ServiceContext['place'];
      await recordEvent(tx, { place, actor: null }, d.id, action, row.status, to, '', now);
      if (over) ended++;
      else {
        confirmed++;
        const full = await tx.query<NoticeRow & { place_slug: string; place_name: string }>(
          `${SELECT.replace('select n.id,', 'select p.slug as place_slug, p.name as place_name, n.id,')}
             join places p on p.id = n.place_id where n.id = $1`,
          [d.id],
        );
        const f = full[0];
        if (f)
          await tellOrganiser(
            tx,
            { place: { id: d.place_id, slug: f.place_slug, name: f.place_name } as ServiceContext['place'] },
            site,
            f,
            'streetNoticeConfirmed',
            toNotice(f),
          );
      }
    });
  }
  return { confirmed, ended };
}

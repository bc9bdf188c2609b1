import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { processPhoto, UnusablePhoto } from '../../../lib/images/photo-image.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { type NotificationType, wants } from '../../../platform/email/notification-types.js';
import { queueEmail } from '../../../platform/email/outbox.js';
import type { FileStore } from '../../../platform/files/file-store.js';
import { readDateInput } from '../../../platform/http/date-input.js';
import {
  Conflict,
  type FieldErrors,
  Forbidden,
  Invalid,
  NotFound,
  validated,
} from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { DEFAULT_LANGUAGE, isLanguage, translator } from '../../../platform/i18n/i18n.js';
import { can } from '../../../platform/roles/permissions.js';
import { bookSpace, DatesUnavailable, getBooking } from '../../spaces/bookings/booking-service.js';
import { NEXT_STAGES, STAGES, type Stage } from '../idea-kinds.js';
import { followersOf } from '../posting/idea-service.js';
import {
  clockTime,
  grantPence,
  JoinInput,
  MANAGE,
  MAX_PHOTO_BYTES,
  NoteInput,
  OutcomeInput,
  StageNoteInput,
  TrialInput,
} from './development-input.js';

const E = 'ideas.development.errors';

/** Followers' emails about an idea's updates. Registered in platform/email/notification-types (see docs). */
export const IDEA_UPDATES: NotificationType = 'idea-updates';

/** What the stage and update services need of the site: its address, for links in emails. */
export type Site = { publicUrl: string };

export type IdeaRef = {
  id: string;
  title: string;
  summary: string;
  whoItHelps: string;
  authorId: string | null;
  wardCode: string | null;
  area: string;
  theme: string;
  stage: Stage;
  published: boolean;
};

type IdeaRow = {
  id: string;
  title: string;
  summary: string;
  who_it_helps: string;
  author_id: string | null;
  ward_code: string | null;
  area: string;
  theme: string;
  stage: Stage;
  moderation_status: string;
};

const ENDINGS: readonly Stage[] = ['adopted', 'learned'];

export function ideaPath(placeSlug: string, ideaId: string): string {
  return `/${placeSlug}/ideas/${ideaId}`;
}

async function ideaRow(ctx: ServiceContext, db: Db | Tx, ideaId: string, lock = false): Promise<IdeaRef> {
  if (!isUuid(ideaId)) throw new NotFound('No such idea');
  const [r] = await db.query<IdeaRow>(
    `select id, title, summary, who_it_helps, author_id, ward_code, area, theme, stage, moderation_status
     from ideas where place_id = $1 and id = $2${lock ? ' for update' : ''}`,
    [ctx.place.id, ideaId.toLowerCase()],
  );
  if (!r) throw new NotFound('No such idea');
  const idea: IdeaRef = {
    id: r.id,
    title: r.title,
    summary: r.summary,
    whoItHelps: r.who_it_helps,
    authorId: r.author_id,
    wardCode: r.ward_code,
    area: r.area,
    theme: r.theme,
    stage: r.stage,
    published: r.moderation_status === 'published',
  };
  // An idea nobody else may see yet is not there, except for its author and officers.
  const own = Boolean(ctx.actor && ctx.actor.userId === r.author_id);
  if (!idea.published && !own && !can(ctx.actor, MANAGE)) throw new NotFound('No such idea');
  return idea;
}

/** An idea as the development pages see it (public when published). */
export async function getIdea(ctx: ServiceContext, ideaId: string): Promise<IdeaRef> {
  return ideaRow(ctx, ctx.db, ideaId);
}

const txContext = (ctx: ServiceContext, tx: Tx): ServiceContext => ({ ...ctx, db: tx as unknown as Db });

// --- The team --------------------------------------------------------------------------------

export type Member = {
  userId: string;
  name: string;
  role: string;
  isLead: boolean;
  joinedAt: Date;
  /** Only the team's leads see how to reach the others. */
  email: string | null;
};

async function membersOf(db: Db | Tx, ideaId: string) {
  return db.query<{
    user_id: string;
    display_name: string | null;
    email: string;
    role: string;
    is_lead: boolean;
    joined_at: Date;
  }>(
    `select m.user_id, u.display_name, u.email, m.role, m.is_lead, m.joined_at
     from idea_team_members m join users u on u.id = m.user_id
     where m.idea_id = $1 and u.deleted_at is null order by m.is_lead desc, m.joined_at, m.user_id`,
    [ideaId],
  );
}

/** The idea's author and its team's leads may lead it; nobody else. */
async function isLead(ctx: ServiceContext, db: Db | Tx, idea: IdeaRef): Promise<boolean> {
  if (!ctx.actor) return false;
  if (idea.authorId === ctx.actor.userId) return true;
  const rows = await db.query(
    'select 1 from idea_team_members where idea_id = $1 and user_id = $2 and is_lead',
    [idea.id, ctx.actor.userId],
  );
  return rows.length > 0;
}

/** Leads and the author move their idea on; officers (ideas.manage) move any. */
async function mayMove(ctx: ServiceContext, db: Db | Tx, idea: IdeaRef): Promise<boolean> {
  return can(ctx.actor, MANAGE) || (await isLead(ctx, db, idea));
}

export async function teamOf(ctx: ServiceContext, idea: IdeaRef): Promise<Member[]> {
  const lead = await isLead(ctx, ctx.db, idea);
  const rows = await membersOf(ctx.db, idea.id);
  return rows.map((r) => ({
    userId: r.user_id,
    name: r.display_name?.trim() || translator(DEFAULT_LANGUAGE)('ideas.development.team.unnamed'),
    role: r.role,
    isLead: r.is_lead,
    joinedAt: new Date(r.joined_at),
    email: lead ? r.email : null,
  }));
}

/**
 * The author becomes the team's first lead the first time the team forms: when anyone joins, or
 * when the idea moves to being developed. Their role is recorded in the place's first language.
 */
async function ensureAuthorLead(tx: Tx, idea: IdeaRef): Promise<void> {
  if (!idea.authorId) return;
  await tx.query(
    `insert into idea_team_members (idea_id, user_id, is_lead, role)
     select $1, $2, true, $3 where exists (select 1 from users where id = $2 and deleted_at is null)
     on conflict (idea_id, user_id) do update set is_lead = true`,
    [idea.id, idea.authorId, translator(DEFAULT_LANGUAGE)('ideas.development.team.authorRole')],
  );
}

function mustBeOpenForWork(idea: IdeaRef) {
  if (!idea.published) throw new Conflict(`${E}.notPublished`);
  if (ENDINGS.includes(idea.stage)) throw new Conflict(`${E}.ended`);
}

/** A signed-in person joins the team with a role in their own words. */
export async function joinTeam(ctx: ServiceContext, ideaId: string, raw: unknown): Promise<void> {
  if (!ctx.actor) throw new Forbidden();
  const userId = ctx.actor.userId;
  const first = await ideaRow(ctx, ctx.db, ideaId);
  mustBeOpenForWork(first);
  const { role } = validated(JoinInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const idea = await ideaRow(ctx, tx, first.id, true);
    mustBeOpenForWork(idea);
    const rows = await tx.query(
      `insert into idea_team_members (idea_id, user_id, is_lead, role) values ($1, $2, $3, $4)
       on conflict (idea_id, user_id) do nothing returning user_id`,
      [idea.id, userId, idea.authorId === userId, role],
    );
    if (!rows.length) throw new Conflict(`${E}.alreadyMember`);
    await ensureAuthorLead(tx, idea);
    await tx.query('update ideas set last_activity_at = now() where id = $1', [idea.id]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'ideas.team.join',
      targetType: 'idea',
      targetId: idea.id,
      after: { role },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** A member leaves the team. The author stays able to lead their idea whatever the team. */
export async function leaveTeam(ctx: ServiceContext, ideaId: string): Promise<void> {
  if (!ctx.actor) throw new Forbidden();
  const userId = ctx.actor.userId;
  const first = await ideaRow(ctx, ctx.db, ideaId);
  await withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{ role: string; is_lead: boolean }>(
      'delete from idea_team_members where idea_id = $1 and user_id = $2 returning role, is_lead',
      [first.id, userId],
    );
    if (!rows[0]) throw new Conflict(`${E}.notMember`);
    await tx.query('update ideas set last_activity_at = now() where id = $1', [first.id]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'ideas.team.leave',
      targetType: 'idea',
      targetId: first.id,
      before: { role: rows[0].role, lead: rows[0].is_lead },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** A lead (or an officer) makes another member a lead too. */
export async function makeLead(ctx: ServiceContext, ideaId: string, memberId: unknown): Promise<void> {
  if (!ctx.actor) throw new Forbidden();
  const first = await ideaRow(ctx, ctx.db, ideaId);
  if (!(await mayMove(ctx, ctx.db, first))) throw new Forbidden();
  if (!isUuid(memberId)) throw new Invalid({ member: `${E}.memberUnknown` });
  await withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query(
      `update idea_team_members set is_lead = true where idea_id = $1 and user_id = $2 and not is_lead
       returning user_id`,
      [first.id, memberId.toLowerCase()],
    );
    if (!rows.length) throw new Invalid({ member: `${E}.memberUnknown` });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'ideas.team.lead',
      targetType: 'idea',
      targetId: first.id,
      after: { lead: memberId.toLowerCase() },
      requestId: ctx.requestId ?? null,
    });
  });
}

// --- Updates and followers' emails -----------------------------------------------------------

export type Update = {
  id: string;
  kind: 'stage' | 'note';
  fromStage: Stage | null;
  toStage: Stage | null;
  body: string;
  by: string | null;
  createdAt: Date;
};

/** The idea's updates, newest first (public when the idea is). */
export async function listUpdates(ctx: ServiceContext, idea: IdeaRef, limit = 200): Promise<Update[]> {
  const rows = await ctx.db.query<{
    id: string;
    kind: 'stage' | 'note';
    from_stage: Stage | null;
    to_stage: Stage | null;
    body: string;
    display_name: string | null;
    created_at: Date;
  }>(
    `select d.id, d.kind, d.from_stage, d.to_stage, d.body, u.display_name, d.created_at
     from idea_updates d left join users u on u.id = d.created_by and u.deleted_at is null
     where d.idea_id = $1 order by d.created_at desc, d.id limit $2`,
    [idea.id, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    fromStage: r.from_stage,
    toStage: r.to_stage,
    body: r.body,
    by: r.display_name?.trim() || null,
    createdAt: new Date(r.created_at),
  }));
}

/** Module-internal: writes an update, moves the idea's activity on and emails its followers. */
export async function writeUpdate(
  tx: Tx,
  ctx: ServiceContext,
  site: Site,
  idea: IdeaRef,
  update: { kind: 'stage' | 'note'; from?: Stage; to?: Stage; body: string },
): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into idea_updates (idea_id, kind, from_stage, to_stage, body, created_by)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [idea.id, update.kind, update.from ?? null, update.to ?? null, update.body, ctx.actor?.userId ?? null],
  );
  const id = row?.id as string;
  await tx.query('update ideas set updated_at = now(), last_activity_at = now() where id = $1', [idea.id]);
  // Each follower gets one email per update, in their language, unless they have turned these
  // off; the person who wrote it knows already.
  const url = `${site.publicUrl}${ideaPath(ctx.place.slug, idea.id)}/updates`;
  for (const f of await followersOf(tx, idea.id)) {
    if (f.userId === ctx.actor?.userId || !wants(f.notificationPrefs, IDEA_UPDATES)) continue;
    const lang = isLanguage(f.language) ? f.language : DEFAULT_LANGUAGE;
    const t = translator(lang);
    await queueEmail(tx, {
      placeId: ctx.place.id,
      to: f.email,
      template: update.kind === 'stage' ? 'ideaStageChanged' : 'ideaNote',
      lang,
      vars: {
        place: ctx.place.name,
        title: idea.title,
        from: update.from ? t(`ideas.stages.${update.from}`) : '',
        to: update.to ? t(`ideas.stages.${update.to}`) : '',
        note: update.body || t('ideas.development.emails.noNote'),
        url,
      },
    });
  }
  return id;
}

/** A lead posts a plain update to the timeline; followers are emailed it. */
export async function postUpdate(
  ctx: ServiceContext,
  site: Site,
  ideaId: string,
  raw: unknown,
): Promise<string> {
  if (!ctx.actor) throw new Forbidden();
  const first = await ideaRow(ctx, ctx.db, ideaId);
  if (!(await mayMove(ctx, ctx.db, first))) throw new Forbidden();
  if (!first.published) throw new Conflict(`${E}.notPublished`);
  const { body } = validated(NoteInput, raw);
  return withTransaction(ctx.db, async (tx) => {
    const idea = await ideaRow(ctx, tx, first.id, true);
    const id = await writeUpdate(tx, ctx, site, idea, { kind: 'note', body });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'ideas.update.note',
      targetType: 'idea',
      targetId: idea.id,
      after: { update: id, body },
      requestId: ctx.requestId ?? null,
    });
    return id;
  });
}

// --- Trials and outcomes ---------------------------------------------------------------------

export type TrialBooking = {
  spaceName: string;
  spaceSlug: string;
  date: string;
  startTime: string;
  endTime: string;
  status: string;
  /** The date as a Date at midday UTC, for formatting (always the same London day). */
  day: Date;
};

/** A civil date (YYYY-MM-DD) as a Date that formats as that day in London. */
const dayOf = (date: string) => new Date(`${date}T12:00:00Z`);

export type Trial = {
  startsOn: string;
  endsOn: string;
  starts: Date;
  ends: Date;
  measure: string;
  grantPence: number | null;
  grantFrom: string | null;
  booking: TrialBooking | null;
};

export type Outcome = {
  ending: 'adopted' | 'learned';
  whatHappened: string;
  evidence: string;
  carriedOnBy: string;
  photo: { url: string; thumbUrl: string; alt: string } | null;
  createdAt: Date;
};

/** What came in a form's file field: its bytes (empty when no file was chosen), or that it was too big. */
export type Upload = { bytes: Buffer | null; tooLarge: boolean };

const PHOTO_KEY = /^ideas\/[0-9a-f-]{36}\.webp$/;
const thumbOf = (key: string) => key.replace(/\.webp$/, '-thumb.webp');

/**
 * The trial's booking as the spaces service tells it. The spaces module shows a booking only to
 * its booker and the space's managers, so it is read as the person who booked it (the trial is
 * public, and so are the space, the time and whether it is confirmed; nothing else is shown).
 */
async function bookingOf(ctx: ServiceContext, bookingId: string, bookedBy: string | null) {
  if (!bookedBy) return null;
  try {
    const b = await getBooking(
      { ...ctx, actor: { userId: bookedBy, roles: ['resident'], platformAdmin: false } },
      bookingId,
    );
    return {
      spaceName: b.spaceName,
      spaceSlug: b.spaceSlug,
      date: b.date,
      startTime: b.startTime,
      endTime: b.endTime,
      status: b.status,
      day: dayOf(b.date),
    };
  } catch (error) {
    if (error instanceof NotFound || error instanceof Forbidden) return null;
    throw error;
  }
}

export async function trialOf(ctx: ServiceContext, idea: IdeaRef): Promise<Trial | null> {
  const [r] = await ctx.db.query<{
    starts_on: string;
    ends_on: string;
    measure: string;
    booking_id: string | null;
    booked_by: string | null;
    grant_pence: string | null;
    grant_from: string | null;
  }>(
    `select starts_on::text as starts_on, ends_on::text as ends_on, measure, booking_id, booked_by,
       grant_pence::text as grant_pence, grant_from from idea_trials where idea_id = $1`,
    [idea.id],
  );
  if (!r) return null;
  return {
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    starts: dayOf(r.starts_on),
    ends: dayOf(r.ends_on),
    measure: r.measure,
    grantPence: r.grant_pence === null ? null : Number(r.grant_pence),
    grantFrom: r.grant_from,
    booking: r.booking_id ? await bookingOf(ctx, r.booking_id, r.booked_by) : null,
  };
}

export async function outcomeOf(ctx: ServiceContext, idea: IdeaRef): Promise<Outcome | null> {
  const [r] = await ctx.db.query<{
    ending: 'adopted' | 'learned';
    what_happened: string;
    evidence: string;
    carried_on_by: string;
    photo_key: string | null;
    photo_alt: string | null;
    created_at: Date;
  }>(
    `select ending, what_happened, evidence, carried_on_by, photo_key, photo_alt, created_at
     from idea_outcomes where idea_id = $1`,
    [idea.id],
  );
  if (!r) return null;
  // The file's name is in its address, so a cached photo is never confused with another.
  const name =
    r.photo_key && PHOTO_KEY.test(r.photo_key) ? r.photo_key.slice('ideas/'.length, -'.webp'.length) : null;
  const base = `${ideaPath(ctx.place.slug, idea.id)}/outcome-photo`;
  return {
    ending: r.ending,
    whatHappened: r.what_happened,
    evidence: r.evidence,
    carriedOnBy: r.carried_on_by,
    photo: name
      ? { url: `${base}?v=${name}`, thumbUrl: `${base}/thumbnail?v=${name}`, alt: r.photo_alt ?? '' }
      : null,
    createdAt: new Date(r.created_at),
  };
}

/** The outcome's photo (large or thumbnail), for whoever may see the idea. */
export async function outcomePhoto(
  ctx: ServiceContext,
  files: FileStore,
  ideaId: string,
  which: 'photo' | 'thumbnail',
): Promise<{ bytes: Buffer; published: boolean }> {
  const idea = await ideaRow(ctx, ctx.db, ideaId);
  const [r] = await ctx.db.query<{ photo_key: string | null }>(
    'select photo_key from idea_outcomes where idea_id = $1',
    [idea.id],
  );
  const key = r?.photo_key;
  if (!key || !PHOTO_KEY.test(key)) throw new NotFound('No such photo');
  const bytes = await files.read(which === 'photo' ? key : thumbOf(key));
  if (!bytes) throw new NotFound('No such photo');
  return { bytes, published: idea.published };
}

type CheckedTrial = {
  startsOn: string;
  endsOn: string;
  measure: string;
  grant: { pence: bigint; from: string } | null;
  booking: { space: string; date: string; start: string; end: string } | null;
};

/** Reads a trial as posted: every problem at once, by field. */
export function checkedTrial(raw: unknown): CheckedTrial {
  const fields = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const errors: FieldErrors = {};
  const starts = readDateInput(fields, 'startsOn');
  const ends = readDateInput(fields, 'endsOn');
  if ('error' in starts) errors.startsOn = `${E}.startsOn-${starts.error}`;
  if ('error' in ends) errors.endsOn = `${E}.endsOn-${ends.error}`;
  if ('date' in starts && 'date' in ends && ends.date < starts.date) errors.endsOn = `${E}.endsBeforeStarts`;
  // What it measures and what it needs are read apart, so every problem shows at once.
  const measured = TrialInput.pick({ measure: true }).safeParse(fields);
  const parsed = TrialInput.omit({ measure: true }).safeParse(fields);
  for (const result of [measured, parsed])
    if (!result.success)
      for (const issue of result.error.issues) errors[String(issue.path[0] ?? 'measure')] ??= issue.message;
  let grant: CheckedTrial['grant'] = null;
  let booking: CheckedTrial['booking'] = null;
  if (parsed.success) {
    const v = parsed.data;
    if (v.grant || v.grantFrom) {
      const pence = v.grant ? grantPence(v.grant) : { error: `${E}.grantMissing` };
      if (typeof pence !== 'bigint') errors.grant = pence.error;
      if (!v.grantFrom) errors.grantFrom = `${E}.grantFromMissing`;
      if (typeof pence === 'bigint' && v.grantFrom) grant = { pence, from: v.grantFrom };
    }
    if (v.space) {
      const date = readDateInput(fields, 'bookingDate');
      const start = clockTime(v.bookingStart);
      const end = clockTime(v.bookingEnd);
      if ('error' in date) errors.bookingDate = `${E}.bookingDate-${date.error}`;
      if (!start) errors.bookingStart = `${E}.bookingStartInvalid`;
      if (!end) errors.bookingEnd = `${E}.bookingEndInvalid`;
      else if (start && end <= start) errors.bookingEnd = `${E}.bookingEndBeforeStart`;
      if ('date' in date && start && end && end > start)
        booking = { space: v.space, date: date.date, start, end };
    }
    if (!v.space && !v.grant && !v.grantFrom) errors.space = `${E}.spaceOrGrant`;
  }
  if (Object.keys(errors).length || !measured.success || !('date' in starts) || !('date' in ends))
    throw new Invalid(errors);
  return { startsOn: starts.date, endsOn: ends.date, measure: measured.data.measure, grant, booking };
}

/** The spaces service's field errors, on this form's fields. */
const BOOKING_FIELDS: Record<string, string> = {
  date: 'bookingDate',
  start: 'bookingStart',
  end: 'bookingEnd',
  hirerType: 'space',
  bookingFor: 'space',
  title: 'space',
  concession: 'space',
};

async function bookForTrial(
  tx: Tx,
  ctx: ServiceContext,
  site: Site,
  idea: IdeaRef,
  b: NonNullable<CheckedTrial['booking']>,
  now: Date,
): Promise<string> {
  const title = translator(DEFAULT_LANGUAGE)('ideas.development.trial.bookingTitle', {
    title: idea.title,
  }).slice(0, 120);
  try {
    const result = await bookSpace(
      txContext(ctx, tx),
      site,
      b.space,
      {
        date: b.date,
        start: b.start,
        end: b.end,
        title,
        bookingFor: 'self',
        hirerType: 'community-group',
        repeat: 'none',
      },
      now,
    );
    return result.ids[0] as string;
  } catch (error) {
    if (error instanceof NotFound) throw new Invalid({ space: `${E}.spaceUnknown` });
    if (error instanceof DatesUnavailable) throw new Invalid({ bookingDate: `${E}.bookingUnavailable` });
    if (error instanceof Invalid) {
      const mapped: FieldErrors = {};
      for (const [field, key] of Object.entries(error.fieldErrors))
        mapped[BOOKING_FIELDS[field] ?? 'space'] ??= key;
      throw new Invalid(mapped);
    }
    throw error;
  }
}

// --- Moving an idea on -----------------------------------------------------------------------

/** The stages this person may move the idea to now (none when they may not move it). */
export async function movesFor(ctx: ServiceContext, idea: IdeaRef): Promise<Stage[]> {
  if (!idea.published || !ctx.actor) return [];
  if (!(await mayMove(ctx, ctx.db, idea))) return [];
  return [...NEXT_STAGES[idea.stage]];
}

/**
 * Moves a published idea one step along its path (NEXT_STAGES), by its leads, its author or an
 * officer. Being developed needs a team (the author is its first lead) and what the team will do
 * next; being tested needs a trial with dates, what it will measure, and a space booking (asked
 * for through the spaces service, in this transaction) and/or a micro-grant; an ending needs
 * what happened. The change is an update followers are emailed, all in one transaction.
 */
export async function moveStage(
  ctx: ServiceContext,
  site: Site,
  ideaId: string,
  to: unknown,
  raw: unknown,
  options: { now?: Date; files?: FileStore; photo?: Upload } = {},
): Promise<void> {
  const now = options.now ?? new Date();
  if (!ctx.actor) throw new Forbidden();
  const first = await ideaRow(ctx, ctx.db, ideaId);
  if (!(await mayMove(ctx, ctx.db, first))) throw new Forbidden();
  if (!first.published) throw new Conflict(`${E}.notPublished`);
  if (typeof to !== 'string' || !(STAGES as readonly string[]).includes(to))
    throw new Invalid({ to: `${E}.stageMissing` });
  const target = to as Stage;
  if (!NEXT_STAGES[first.stage].includes(target)) throw new Invalid({ to: `${E}.stageNotNext` });

  const { note } = validated(StageNoteInput, raw);
  const trial = target === 'testing' ? checkedTrial(raw) : null;
  const outcome = ENDINGS.includes(target) ? await checkedOutcome(target, raw, options.photo) : null;
  if (target === 'developing' && !note) throw new Invalid({ note: `${E}.nextStepsMissing` });

  // The photo's files first, removed again if the database refuses the change.
  let photoKey: string | null = null;
  const written: string[] = [];
  if (outcome?.photo) {
    if (!options.files) throw new Error('moveStage needs the file store for a photo');
    photoKey = `ideas/${randomUUID()}.webp`;
    try {
      await options.files.write(photoKey, outcome.photo.large.data);
      written.push(photoKey);
      await options.files.write(thumbOf(photoKey), outcome.photo.thumb.data);
      written.push(thumbOf(photoKey));
    } catch (error) {
      await options.files.remove(...written).catch(() => {});
      throw error;
    }
  }
  try {
    await moveInTransaction(ctx, site, first, target, { note, trial, outcome, photoKey, now });
  } catch (error) {
    if (written.length) await options.files?.remove(...written).catch(() => {});
    throw error;
  }
}

/** Reads an ending's outcome, with its optional photo (checked, upright, no metadata, WebP). */
async function checkedOutcome(target: Stage, raw: unknown, upload: Upload | undefined) {
  const errors: FieldErrors = {};
  const parsed = OutcomeInput.safeParse(raw && typeof raw === 'object' ? raw : {});
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      errors[String(issue.path[0] ?? 'whatHappened')] ??= issue.message;
  if (target === 'adopted' && parsed.success && !parsed.data.carriedOnBy)
    errors.carriedOnBy = `${E}.carriedOnByMissing`;
  let photo: Awaited<ReturnType<typeof processPhoto>> | null = null;
  if (upload?.tooLarge || (upload?.bytes && upload.bytes.length > MAX_PHOTO_BYTES))
    errors.photo = `${E}.photoTooLarge`;
  else if (upload?.bytes && upload.bytes.length > 0) {
    try {
      photo = await processPhoto(upload.bytes);
    } catch (error) {
      if (!(error instanceof UnusablePhoto)) throw error;
      errors.photo = `${E}.photo-${error.problem}`;
    }
    if (parsed.success && !parsed.data.photoAlt) errors.photoAlt = `${E}.photoAltMissing`;
  }
  if (Object.keys(errors).length || !parsed.success) throw new Invalid(errors);
  return { ...parsed.data, photo };
}

async function moveInTransaction(
  ctx: ServiceContext,
  site: Site,
  first: IdeaRef,
  target: Stage,
  change: {
    note: string;
    trial: CheckedTrial | null;
    outcome: z.infer<typeof OutcomeInput> | null;
    photoKey: string | null;
    now: Date;
  },
): Promise<void> {
  const { note, trial, outcome, photoKey, now } = change;
  await withTransaction(ctx.db, async (tx) => {
    const idea = await ideaRow(ctx, tx, first.id, true);
    // Someone else may have moved it meanwhile.
    if (!NEXT_STAGES[idea.stage].includes(target)) throw new Conflict(`${E}.movedMeanwhile`);
    if (target === 'developing') {
      await ensureAuthorLead(tx, idea);
      const [team] = await tx.query<{ n: number }>(
        'select count(*)::int as n from idea_team_members where idea_id = $1 and is_lead',
        [idea.id],
      );
      if (!team?.n) throw new Invalid({ note: `${E}.teamMissing` });
    }
    let bookingId: string | null = null;
    if (trial) {
      if (trial.booking) bookingId = await bookForTrial(tx, ctx, site, idea, trial.booking, now);
      await tx.query(
        `insert into idea_trials (idea_id, starts_on, ends_on, measure, booking_id, booked_by, grant_pence, grant_from,
           created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $6)`,
        [
          idea.id,
          trial.startsOn,
          trial.endsOn,
          trial.measure,
          bookingId,
          ctx.actor?.userId ?? null,
          trial.grant ? trial.grant.pence.toString() : null,
          trial.grant?.from ?? null,
        ],
      );
    }
    if (outcome)
      await tx.query(
        `insert into idea_outcomes (idea_id, ending, what_happened, evidence, carried_on_by, photo_key, photo_alt,
           created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          idea.id,
          target,
          outcome.whatHappened,
          outcome.evidence,
          target === 'adopted' ? outcome.carriedOnBy : '',
          photoKey,
          photoKey ? outcome.photoAlt : null,
          ctx.actor?.userId ?? null,
        ],
      );
    await tx.query('update ideas set stage = $2 where id = $1', [idea.id, target]);
    const updateId = await writeUpdate(tx, ctx, site, idea, {
      kind: 'stage',
      from: idea.stage,
      to: target,
      body: note,
    });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'ideas.stage.move',
      targetType: 'idea',
      targetId: idea.id,
      before: { stage: idea.stage },
      after: {
        stage: target,
        update: updateId,
        note,
        trial: trial
          ? {
              startsOn: trial.startsOn,
              endsOn: trial.endsOn,
              measure: trial.measure,
              bookingId,
              grantPence: trial.grant?.pence.toString() ?? null,
              grantFrom: trial.grant?.from ?? null,
            }
          : undefined,
        outcome: outcome
          ? {
              whatHappened: outcome.whatHappened,
              evidence: outcome.evidence,
              carriedOnBy: outcome.carriedOnBy,
              photo: photoKey,
              photoAlt: photoKey ? outcome.photoAlt : null,
            }
          : undefined,
      },
      requestId: ctx.requestId ?? null,
    });
  });
}

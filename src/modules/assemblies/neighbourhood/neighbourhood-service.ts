import { londonAt } from '../../../lib/london-clock.js';
import { slugify } from '../../../lib/text/slug.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { readDateInput } from '../../../platform/http/date-input.js';
import { type FieldErrors, Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { getWard, listWards, type Ward } from '../../wards/ward-service.js';
import {
  ActionInput,
  type ActionKind,
  type ActionStatus,
  ActionUpdateInput,
  type AssemblyStatus,
  FACILITATE,
  MeetingInput,
  minutesOf,
  OpenInput,
  SettingsInput,
  ThemeInput,
} from './neighbourhood-input.js';

const E = 'assemblies.neighbourhood.errors';

export type Neighbourhood = {
  id: string;
  ward: Ward;
  status: AssemblyStatus;
  invitation: string;
  facilitatorNote: string;
  createdAt: Date;
};
export type Meeting = { id: string; startsAt: Date; venue: string; whatHappened: string };
export type Theme = { id: string; slug: string; name: string; storyCount: number };
export type AgreedAction = {
  id: string;
  body: string;
  kind: ActionKind;
  status: ActionStatus;
  link: string | null;
  createdAt: Date;
};
export type NeighbourhoodSummary = Neighbourhood & { nextMeeting: Meeting | null; storyCount: number };

type AssemblyRow = {
  id: string;
  ward_code: string;
  status: AssemblyStatus;
  invitation: string;
  facilitator_note: string;
  created_at: Date;
};
const COLUMNS = 'id, ward_code, status, invitation, facilitator_note, created_at';

const toNeighbourhood = (r: AssemblyRow, ward: Ward): Neighbourhood => ({
  id: r.id,
  ward,
  status: r.status,
  invitation: r.invitation,
  facilitatorNote: r.facilitator_note,
  createdAt: new Date(r.created_at),
});

type MeetingRow = { id: string; starts_at: Date; venue: string; what_happened: string };
const toMeeting = (r: MeetingRow): Meeting => ({
  id: r.id,
  startsAt: new Date(r.starts_at),
  venue: r.venue,
  whatHappened: r.what_happened,
});

/** Where a ward's neighbourhood assembly lives on the site. */
export function neighbourhoodPath(placeSlug: string, wardSlug: string): string {
  return `/${placeSlug}/assemblies/neighbourhood/${wardSlug}`;
}

export function canFacilitate(ctx: ServiceContext): boolean {
  return can(ctx.actor, FACILITATE);
}

export function requireFacilitator(ctx: ServiceContext): string {
  if (!ctx.actor || !can(ctx.actor, FACILITATE)) throw new Forbidden();
  return ctx.actor.userId;
}

/** The wards with a neighbourhood assembly, each with its next meeting and published stories (public). */
export async function listNeighbourhoods(
  ctx: ServiceContext,
  now = new Date(),
): Promise<NeighbourhoodSummary[]> {
  const [rows, wards] = await Promise.all([
    ctx.db.query<AssemblyRow & { story_count: number }>(
      `select ${COLUMNS.split(', ')
        .map((c) => `a.${c}`)
        .join(', ')},
         (select count(*)::int from neighbourhood_stories s
           where s.assembly_id = a.id and s.status = 'published') as story_count
       from neighbourhood_assemblies a where a.place_id = $1`,
      [ctx.place.id],
    ),
    listWards(ctx),
  ]);
  const byCode = new Map(wards.map((w) => [w.code, w]));
  const next = await ctx.db.query<MeetingRow & { assembly_id: string }>(
    `select distinct on (m.assembly_id) m.assembly_id, m.id, m.starts_at, m.venue, m.what_happened
     from neighbourhood_meetings m join neighbourhood_assemblies a on a.id = m.assembly_id
     where a.place_id = $1 and m.starts_at >= $2 order by m.assembly_id, m.starts_at`,
    [ctx.place.id, now],
  );
  const nextBy = new Map(next.map((m) => [m.assembly_id, toMeeting(m)]));
  return rows
    .flatMap((r) => {
      const ward = byCode.get(r.ward_code);
      if (!ward) return [];
      return [
        { ...toNeighbourhood(r, ward), nextMeeting: nextBy.get(r.id) ?? null, storyCount: r.story_count },
      ];
    })
    .sort((a, b) => a.ward.name.localeCompare(b.ward.name, 'en-GB'));
}

/** A ward's neighbourhood assembly by the ward's slug (or code); NotFound when it has none. */
export async function getNeighbourhood(
  ctx: ServiceContext,
  wardSlug: string,
  db: Db | Tx = ctx.db,
  lock = false,
): Promise<Neighbourhood> {
  if (typeof wardSlug !== 'string' || wardSlug.length > 80) throw new NotFound('No such ward');
  // Inside a transaction the ward is read through it too (the wards service only queries).
  const ward = await getWard(db === ctx.db ? ctx : { ...ctx, db: db as unknown as Db }, wardSlug);
  const rows = await db.query<AssemblyRow>(
    `select ${COLUMNS} from neighbourhood_assemblies where place_id = $1 and ward_code = $2${lock ? ' for update' : ''}`,
    [ctx.place.id, ward.code],
  );
  if (!rows[0]) throw new NotFound(`${ward.name} has no neighbourhood assembly`);
  return toNeighbourhood(rows[0], ward);
}

/** Wards without a neighbourhood assembly yet: the choices for opening one. */
export async function wardsWithout(ctx: ServiceContext): Promise<Ward[]> {
  const [wards, taken] = await Promise.all([
    listWards(ctx),
    ctx.db.query<{ ward_code: string }>(
      'select ward_code from neighbourhood_assemblies where place_id = $1',
      [ctx.place.id],
    ),
  ]);
  const codes = new Set(taken.map((r) => r.ward_code));
  return wards.filter((w) => !codes.has(w.code));
}

/** A facilitator opens a ward's neighbourhood assembly. Returns the ward's slug. */
export async function openNeighbourhood(ctx: ServiceContext, raw: unknown): Promise<string> {
  const userId = requireFacilitator(ctx);
  const input = validated(OpenInput, raw);
  let ward: Ward;
  try {
    ward = await getWard(ctx, input.ward);
  } catch (error) {
    if (error instanceof NotFound) throw new Invalid({ ward: `${E}.wardMissing` });
    throw error;
  }
  return withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `insert into neighbourhood_assemblies (place_id, ward_code, invitation, facilitator_note, opened_by)
       values ($1, $2, $3, $4, $5) on conflict (place_id, ward_code) do nothing returning id`,
      [ctx.place.id, ward.code, input.invitation, input.facilitatorNote, userId],
    );
    const id = rows[0]?.id;
    if (!id) throw new Invalid({ ward: `${E}.wardTaken` });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.neighbourhood.open',
      targetType: 'neighbourhood_assembly',
      targetId: id,
      after: { ward: ward.code, invitation: input.invitation, facilitatorNote: input.facilitatorNote },
      requestId: ctx.requestId ?? null,
    });
    return ward.slug;
  });
}

/** Opens or closes the assembly and changes its invitation and the facilitator's note. */
export async function updateSettings(ctx: ServiceContext, wardSlug: string, raw: unknown): Promise<void> {
  const userId = requireFacilitator(ctx);
  const input = validated(SettingsInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const before = await getNeighbourhood(ctx, wardSlug, tx, true);
    await tx.query(
      `update neighbourhood_assemblies set status = $2, invitation = $3, facilitator_note = $4,
         updated_at = now() where id = $1`,
      [before.id, input.status, input.invitation, input.facilitatorNote],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.neighbourhood.settings',
      targetType: 'neighbourhood_assembly',
      targetId: before.id,
      before: {
        status: before.status,
        invitation: before.invitation,
        facilitatorNote: before.facilitatorNote,
      },
      after: input,
      requestId: ctx.requestId ?? null,
    });
  });
}

// --- Meetings ---------------------------------------------------------------------------------

export async function listMeetings(ctx: ServiceContext, assembly: { id: string }): Promise<Meeting[]> {
  const rows = await ctx.db.query<MeetingRow>(
    'select id, starts_at, venue, what_happened from neighbourhood_meetings where assembly_id = $1 order by starts_at',
    [assembly.id],
  );
  return rows.map(toMeeting);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function getMeeting(ctx: ServiceContext, wardSlug: string, meetingId: string): Promise<Meeting> {
  const assembly = await getNeighbourhood(ctx, wardSlug);
  if (!UUID.test(meetingId)) throw new NotFound('No such meeting');
  const rows = await ctx.db.query<MeetingRow>(
    'select id, starts_at, venue, what_happened from neighbourhood_meetings where assembly_id = $1 and id = $2',
    [assembly.id, meetingId],
  );
  if (!rows[0]) throw new NotFound('No such meeting');
  return toMeeting(rows[0]);
}

/** A meeting from the form: a GOV.UK date input (`date-day` …), a time ("18:30") and a place. */
function meetingFrom(raw: unknown): { startsAt: Date; venue: string; whatHappened: string } {
  const fields = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const errors: FieldErrors = {};
  const date = readDateInput(fields, 'date');
  if ('error' in date) errors.date = `${E}.date-${date.error}`;
  const timeText = typeof fields.time === 'string' ? fields.time : '';
  const minutes = minutesOf(timeText);
  if (minutes === null) errors.time = timeText.trim() ? `${E}.timeInvalid` : `${E}.timeMissing`;
  const parsed = MeetingInput.safeParse(fields);
  if (!parsed.success)
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  if (Object.keys(errors).length || !parsed.success || 'error' in date || minutes === null)
    throw new Invalid(errors);
  return { startsAt: londonAt(date.date, minutes), ...parsed.data };
}

/** Adds a meeting; its time is a London date and time. Returns its id. */
export async function addMeeting(ctx: ServiceContext, wardSlug: string, raw: unknown): Promise<string> {
  const userId = requireFacilitator(ctx);
  const m = meetingFrom(raw);
  return withTransaction(ctx.db, async (tx) => {
    const assembly = await getNeighbourhood(ctx, wardSlug, tx);
    const rows = await tx.query<{ id: string }>(
      `insert into neighbourhood_meetings (assembly_id, starts_at, venue, what_happened)
       values ($1, $2, $3, $4) returning id`,
      [assembly.id, m.startsAt, m.venue, m.whatHappened],
    );
    const id = rows[0]?.id as string;
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.neighbourhood.meeting.add',
      targetType: 'neighbourhood_meeting',
      targetId: id,
      after: m,
      requestId: ctx.requestId ?? null,
    });
    return id;
  });
}

/** Changes a meeting: its time or place, or (afterwards) what happened at it. */
export async function updateMeeting(
  ctx: ServiceContext,
  wardSlug: string,
  meetingId: string,
  raw: unknown,
): Promise<void> {
  const userId = requireFacilitator(ctx);
  const before = await getMeeting(ctx, wardSlug, meetingId);
  const m = meetingFrom(raw);
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      'update neighbourhood_meetings set starts_at = $2, venue = $3, what_happened = $4 where id = $1',
      [before.id, m.startsAt, m.venue, m.whatHappened],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.neighbourhood.meeting.update',
      targetType: 'neighbourhood_meeting',
      targetId: before.id,
      before,
      after: m,
      requestId: ctx.requestId ?? null,
    });
  });
}

// --- Themes -----------------------------------------------------------------------------------

/** The assembly's themes, with how many published stories carry each (public). */
export async function listThemes(ctx: ServiceContext, assembly: { id: string }): Promise<Theme[]> {
  const rows = await ctx.db.query<{ id: string; slug: string; name: string; story_count: number }>(
    `select t.id, t.slug, t.name,
       (select count(*)::int from neighbourhood_story_themes st
          join neighbourhood_stories s on s.id = st.story_id
        where st.theme_id = t.id and s.status = 'published') as story_count
     from neighbourhood_themes t where t.assembly_id = $1 order by t.name`,
    [assembly.id],
  );
  return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, storyCount: r.story_count }));
}

/** A facilitator names a theme. Returns its slug. */
export async function addTheme(ctx: ServiceContext, wardSlug: string, raw: unknown): Promise<string> {
  const userId = requireFacilitator(ctx);
  const input = validated(ThemeInput, raw);
  const slug = slugify(input.name);
  if (!slug) throw new Invalid({ name: `${E}.themeLetters` });
  return withTransaction(ctx.db, async (tx) => {
    const assembly = await getNeighbourhood(ctx, wardSlug, tx);
    const rows = await tx.query<{ id: string }>(
      `insert into neighbourhood_themes (assembly_id, slug, name) values ($1, $2, $3)
       on conflict (assembly_id, slug) do nothing returning id`,
      [assembly.id, slug, input.name],
    );
    if (!rows[0]) throw new Invalid({ name: `${E}.themeTaken` });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.neighbourhood.theme.add',
      targetType: 'neighbourhood_theme',
      targetId: rows[0].id,
      after: { slug, name: input.name },
      requestId: ctx.requestId ?? null,
    });
    return slug;
  });
}

// --- Agreed actions ---------------------------------------------------------------------------

type ActionRow = {
  id: string;
  body: string;
  kind: ActionKind;
  status: ActionStatus;
  link: string | null;
  created_at: Date;
};
const toAction = (r: ActionRow): AgreedAction => ({
  id: r.id,
  body: r.body,
  kind: r.kind,
  status: r.status,
  link: r.link,
  createdAt: new Date(r.created_at),
});

export async function listActions(ctx: ServiceContext, assembly: { id: string }): Promise<AgreedAction[]> {
  const rows = await ctx.db.query<ActionRow>(
    `select id, body, kind, status, link, created_at from neighbourhood_actions
     where assembly_id = $1 order by created_at, id`,
    [assembly.id],
  );
  return rows.map(toAction);
}

/** A facilitator records an action the assembly agreed. Returns its id. */
export async function addAction(ctx: ServiceContext, wardSlug: string, raw: unknown): Promise<string> {
  const userId = requireFacilitator(ctx);
  const input = validated(ActionInput, raw);
  return withTransaction(ctx.db, async (tx) => {
    const assembly = await getNeighbourhood(ctx, wardSlug, tx);
    const rows = await tx.query<{ id: string }>(
      `insert into neighbourhood_actions (assembly_id, body, kind, status, link, created_by)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [assembly.id, input.body, input.kind, input.status, input.link || null, userId],
    );
    const id = rows[0]?.id as string;
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.neighbourhood.action.add',
      targetType: 'neighbourhood_action',
      targetId: id,
      after: input,
      requestId: ctx.requestId ?? null,
    });
    return id;
  });
}

/** Moves an action on (under way, done, dropped) and links it to what it became. */
export async function updateAction(
  ctx: ServiceContext,
  wardSlug: string,
  actionId: string,
  raw: unknown,
): Promise<void> {
  const userId = requireFacilitator(ctx);
  const input = validated(ActionUpdateInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const assembly = await getNeighbourhood(ctx, wardSlug, tx);
    if (!UUID.test(actionId)) throw new NotFound('No such action');
    const rows = await tx.query<ActionRow>(
      `select id, body, kind, status, link, created_at from neighbourhood_actions
       where assembly_id = $1 and id = $2 for update`,
      [assembly.id, actionId],
    );
    const before = rows[0];
    if (!before) throw new NotFound('No such action');
    await tx.query(
      'update neighbourhood_actions set status = $2, link = $3, updated_at = now() where id = $1',
      [before.id, input.status, input.link || null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.neighbourhood.action.update',
      targetType: 'neighbourhood_action',
      targetId: before.id,
      before: { status: before.status, link: before.link },
      after: input,
      requestId: ctx.requestId ?? null,
    });
  });
}

/**
 * Where an agreed action can be taken on, by its kind, among the modules this place has on:
 * a challenge is started on the mutual-aid challenges page, a group activity on what's on.
 * Ideas have no module yet, so they get no link.
 */
export function startPath(placeSlug: string, modules: readonly string[], kind: ActionKind): string | null {
  if (kind === 'challenge' && modules.includes('mutual-aid')) return `/${placeSlug}/help/challenges`;
  if (kind === 'group-activity' && modules.includes('spaces')) return `/${placeSlug}/whats-on`;
  if (kind === 'idea' && modules.includes('ideas')) return `/${placeSlug}/ideas`;
  return null;
}

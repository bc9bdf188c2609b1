import { audit } from '../../../platform/audit/audit.js';
import { hashToken, newToken } from '../../../platform/auth/secrets.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import { queueEmail } from '../../../platform/email/outbox.js';
import { Conflict, Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { translator } from '../../../platform/i18n/i18n.js';
import { can } from '../../../platform/roles/permissions.js';
import { InviteInput, NewCircleInput, NoteInput, RotaInput } from './circle-input.js';
import { londonInstant } from './circle-time.js';

/** A circle stays small: the person (or their connector) and a few neighbours. */
export const MAX_MEMBERS = 12;
export const INVITATION_DAYS = 7;
/** Invitations one person may send in a day: plenty for a circle, too few to spam with. */
export const INVITATIONS_PER_DAY = 30;
const DAY = 86_400_000;

export type CircleRole = 'owner' | 'helper' | 'connector';

/** The person, or the connector acting for them, controls the circle. */
const controls = (role: CircleRole) => role === 'owner' || role === 'connector';

type CircleRow = {
  id: string;
  name: string;
  person_id: string | null;
  person_name: string;
  person_display_name: string | null;
  helpers_may_add_notes: boolean;
  status: 'open' | 'closed';
  closed_at: Date | null;
  created_at: Date;
  role: CircleRole;
};

const CIRCLE_SELECT = `select c.id, c.name, c.person_id, c.person_name, pu.display_name as person_display_name,
  c.helpers_may_add_notes, c.status, c.closed_at, c.created_at, m.role
  from aid_circles c
  join aid_circle_members m on m.circle_id = c.id and m.user_id = $3
  left join users pu on pu.id = c.person_id`;

/**
 * The circle as the acting person may see it. Anyone who is not a member, whatever their
 * role in the place, is told it does not exist: the circle is the person's, not the council's.
 * A closed circle is still shown to whoever controlled it, and to nobody else.
 */
async function membership(
  db: ServiceContext['db'] | Tx,
  ctx: ServiceContext,
  circleId: string,
  options: { lock?: boolean; open?: boolean } = {},
): Promise<CircleRow> {
  if (!ctx.actor || !isUuid(circleId)) throw new NotFound('No such circle');
  const [row] = await db.query<CircleRow>(
    `${CIRCLE_SELECT} where c.place_id = $1 and c.id = $2${options.lock ? ' for update of c' : ''}`,
    [ctx.place.id, circleId, ctx.actor.userId],
  );
  if (!row) throw new NotFound('No such circle');
  if (row.status === 'closed' && (options.open || !controls(row.role))) throw new NotFound('No such circle');
  return row;
}

function mustControl(row: CircleRow) {
  if (!controls(row.role)) throw new Forbidden('Only the person, or their connector, can do that');
}

const forName = (r: Pick<CircleRow, 'person_name' | 'person_display_name'>) =>
  r.person_name || r.person_display_name || '';

async function record(
  tx: Tx,
  ctx: ServiceContext,
  action: string,
  targetId: string,
  after?: Record<string, unknown>,
) {
  // Ids and choices only: what people wrote in a circle is private to it, even from the audit log.
  await audit(tx, {
    placeId: ctx.place.id,
    actorId: ctx.actor?.userId ?? null,
    action: `mutual-aid.circle.${action}`,
    targetType: 'aid-circle',
    targetId,
    after,
    requestId: ctx.requestId ?? null,
  });
}

export type CircleSummary = {
  id: string;
  name: string;
  forName: string;
  role: CircleRole;
  status: 'open' | 'closed';
  closedAt: Date | null;
  members: number;
  nextSlot: Date | null;
};

/** The circles the signed-in person belongs to (closed ones only to whoever controlled them). */
export async function listMyCircles(ctx: ServiceContext, now = new Date()): Promise<CircleSummary[]> {
  if (!ctx.actor) return [];
  const rows = await ctx.db.query<CircleRow & { members: number; next_slot: Date | null }>(
    `${CIRCLE_SELECT.replace(
      'from aid_circles c',
      `, (select count(*)::int from aid_circle_members x where x.circle_id = c.id) as members,
         (select min(r.starts_at) from aid_circle_rota r where r.circle_id = c.id and r.starts_at > $2) as next_slot
       from aid_circles c`,
    )} where c.place_id = $1 and (c.status = 'open' or m.role <> 'helper')
     order by c.status desc, c.created_at desc`,
    [ctx.place.id, now, ctx.actor.userId],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    forName: forName(r),
    role: r.role,
    status: r.status,
    closedAt: r.closed_at,
    members: r.members,
    nextSlot: r.next_slot,
  }));
}

/**
 * A person starts a circle around themselves; or a connector starts one for someone, recording
 * how that person agreed, for what and who will see it, and then acts for them.
 */
export async function createCircle(ctx: ServiceContext, raw: unknown): Promise<string> {
  if (!can(ctx.actor, 'mutual-aid.circle')) throw new Forbidden();
  const input = validated(NewCircleInput, raw);
  if (input.onBehalf && !can(ctx.actor, 'mutual-aid.circle-on-behalf'))
    throw new Invalid({ onBehalf: 'mutualAid.circles.errors.onBehalfNotAllowed' });
  const userId = ctx.actor?.userId as string;
  return withTransaction(ctx.db, async (tx) => {
    let consentId: string | null = null;
    if (input.onBehalf) {
      // Consent records are kept in English, the language of the record, whatever the page's.
      const en = translator('en');
      const [c] = await tx.query<{ id: string }>(
        `insert into aid_consents (place_id, recorded_by, how_given, purpose, recipients)
         values ($1, $2, $3, $4, $5) returning id`,
        [
          ctx.place.id,
          userId,
          input.consentHow,
          en('mutualAid.circles.consent.purpose'),
          en('mutualAid.circles.consent.recipients'),
        ],
      );
      consentId = c?.id ?? null;
    }
    const [row] = await tx.query<{ id: string }>(
      `insert into aid_circles (place_id, name, person_id, person_name, created_by, consent_id)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [
        ctx.place.id,
        input.name,
        input.onBehalf ? null : userId,
        input.onBehalf ? input.personName : '',
        userId,
        consentId,
      ],
    );
    const id = row?.id as string;
    await tx.query('insert into aid_circle_members (circle_id, user_id, role) values ($1, $2, $3)', [
      id,
      userId,
      input.onBehalf ? 'connector' : 'owner',
    ]);
    await record(tx, ctx, 'create', id, { onBehalf: input.onBehalf, consentId });
    return id;
  });
}

export type RotaSlot = {
  id: string;
  startsAt: Date;
  endsAt: Date;
  task: string;
  volunteerId: string | null;
  volunteerName: string | null;
};

export type CircleView = {
  id: string;
  name: string;
  forName: string;
  status: 'open' | 'closed';
  closedAt: Date | null;
  myRole: CircleRole;
  canControl: boolean;
  helpersMayAddNotes: boolean;
  canAddNotes: boolean;
  /** A connector may hand the circle to the person it is for, once they have an account. */
  canHandOver: boolean;
  members: { userId: string; name: string; role: CircleRole; joinedAt: Date; isMe: boolean }[];
  rota: RotaSlot[];
  notes: { id: string; body: string; authorName: string | null; createdAt: Date; canDelete: boolean }[];
  /** Only for whoever controls the circle: the addresses they invited, until accepted or expired. */
  invitations: { email: string; expiresAt: Date; asPerson: boolean }[];
  places: number;
};

/** Everything a member may see of their circle; nobody else sees any of it. */
export async function getCircle(
  ctx: ServiceContext,
  circleId: string,
  now = new Date(),
): Promise<CircleView> {
  const c = await membership(ctx.db, ctx, circleId);
  const me = ctx.actor?.userId as string;
  const control = controls(c.role);
  const [members, rota, notes, invitations] = await Promise.all([
    ctx.db.query<{ user_id: string; display_name: string; role: CircleRole; joined_at: Date }>(
      `select m.user_id, u.display_name, m.role, m.joined_at from aid_circle_members m join users u on u.id = m.user_id
       where m.circle_id = $1 order by m.role <> 'owner', m.role <> 'connector', m.joined_at`,
      [c.id],
    ),
    // From the start of today (an hour's grace) onwards: the rota is for what is coming.
    ctx.db.query<{
      id: string;
      starts_at: Date;
      ends_at: Date;
      task: string;
      volunteer_id: string | null;
      display_name: string | null;
    }>(
      `select r.id, r.starts_at, r.ends_at, r.task, r.volunteer_id, u.display_name
       from aid_circle_rota r left join users u on u.id = r.volunteer_id
       where r.circle_id = $1 and r.ends_at > $2 order by r.starts_at, r.id`,
      [c.id, new Date(now.getTime() - 3_600_000)],
    ),
    ctx.db.query<{
      id: string;
      body: string;
      author_id: string | null;
      display_name: string | null;
      created_at: Date;
    }>(
      `select n.id, n.body, n.author_id, u.display_name, n.created_at
       from aid_circle_notes n left join users u on u.id = n.author_id
       where n.circle_id = $1 order by n.created_at desc, n.id`,
      [c.id],
    ),
    control
      ? ctx.db.query<{ email: string; expires_at: Date; as_person: boolean }>(
          `select email, expires_at, as_person from aid_circle_invitations
           where circle_id = $1 and accepted_at is null and expires_at > $2 order by created_at`,
          [c.id, now],
        )
      : Promise.resolve([]),
  ]);
  return {
    id: c.id,
    name: c.name,
    forName: forName(c),
    status: c.status,
    closedAt: c.closed_at,
    myRole: c.role,
    canControl: control,
    helpersMayAddNotes: c.helpers_may_add_notes,
    canAddNotes: c.status === 'open' && (control || c.helpers_may_add_notes),
    canHandOver: c.role === 'connector' && c.person_id === null && !invitations.some((i) => i.as_person),
    members: members.map((m) => ({
      userId: m.user_id,
      name: m.display_name,
      role: m.role,
      joinedAt: m.joined_at,
      isMe: m.user_id === me,
    })),
    rota: rota.map((r) => ({
      id: r.id,
      startsAt: new Date(r.starts_at),
      endsAt: new Date(r.ends_at),
      task: r.task,
      volunteerId: r.volunteer_id,
      volunteerName: r.volunteer_id ? r.display_name : null,
    })),
    notes: notes.map((n) => ({
      id: n.id,
      body: n.body,
      authorName: n.display_name,
      createdAt: n.created_at,
      canDelete: control || n.author_id === me,
    })),
    invitations: invitations.map((i) => ({ email: i.email, expiresAt: i.expires_at, asPerson: i.as_person })),
    places: Math.max(0, MAX_MEMBERS - members.length - invitations.length),
  };
}

/** Members plus invitations still waiting: together they may not pass the cap. */
async function seatsTaken(tx: Tx, circleId: string, now: Date): Promise<number> {
  const [r] = await tx.query<{ n: number }>(
    `select (select count(*) from aid_circle_members where circle_id = $1)
          + (select count(*) from aid_circle_invitations where circle_id = $1 and accepted_at is null and expires_at > $2)
       as n`,
    [circleId, now],
  );
  return Number(r?.n ?? 0);
}

/**
 * Whoever controls the circle invites a neighbour by email. The link works once, for a week,
 * and only for an account with that address, so a forwarded email lets nobody else in.
 */
export async function inviteToCircle(
  ctx: ServiceContext,
  circleId: string,
  raw: unknown,
  site: { baseUrl: string; lang: string },
  now = new Date(),
): Promise<void> {
  const input = validated(InviteInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const c = await membership(tx, ctx, circleId, { lock: true, open: true });
    mustControl(c);
    const [already] = await tx.query(
      `select 1 from aid_circle_members m join users u on u.id = m.user_id where m.circle_id = $1 and u.email = $2
       union all
       select 1 from aid_circle_invitations where circle_id = $1 and email = $2 and accepted_at is null and expires_at > $3`,
      [c.id, input.email, now],
    );
    if (already) throw new Invalid({ email: 'mutualAid.circles.errors.alreadyInvited' });
    if (input.asPerson) {
      const [handing] = await tx.query(
        'select 1 from aid_circle_invitations where circle_id = $1 and as_person and accepted_at is null and expires_at > $2',
        [c.id, now],
      );
      if (c.role !== 'connector' || c.person_id !== null || handing)
        throw new Invalid({ asPerson: 'mutualAid.circles.errors.handOverNotAllowed' });
    }
    const [sent] = await tx.query<{ n: number }>(
      'select count(*)::int as n from aid_circle_invitations where invited_by = $1 and created_at > $2',
      [ctx.actor?.userId ?? null, new Date(now.getTime() - DAY)],
    );
    if ((sent?.n ?? 0) >= INVITATIONS_PER_DAY)
      throw new Invalid({ email: 'mutualAid.circles.errors.tooManyInvitations' });
    if ((await seatsTaken(tx, c.id, now)) >= MAX_MEMBERS)
      throw new Invalid({ email: 'mutualAid.circles.errors.circleFull' });
    const token = newToken();
    const [inv] = await tx.query<{ id: string }>(
      `insert into aid_circle_invitations (circle_id, email, token_hash, invited_by, expires_at, as_person, created_at)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [
        c.id,
        input.email,
        hashToken(token),
        ctx.actor?.userId ?? null,
        new Date(now.getTime() + INVITATION_DAYS * DAY),
        input.asPerson,
        now,
      ],
    );
    const [inviter] = await tx.query<{ display_name: string }>(
      'select display_name from users where id = $1',
      [ctx.actor?.userId ?? null],
    );
    await queueEmail(tx, {
      placeId: ctx.place.id,
      to: input.email,
      template: input.asPerson ? 'aidCircleHandOver' : 'aidCircleInvitation',
      lang: site.lang,
      vars: {
        inviter:
          inviter?.display_name ||
          translator(site.lang === 'cy' ? 'cy' : 'en')('mutualAid.circles.aNeighbour'),
        circle: c.name,
        place: ctx.place.name,
        days: INVITATION_DAYS,
        url: `${site.baseUrl}/${ctx.place.slug}/help/circles/invitation?token=${token}`,
      },
    });
    await record(tx, ctx, 'invite', c.id, { invitationId: inv?.id, asPerson: input.asPerson });
  });
}

export type CircleInvitation = {
  circleId: string;
  circleName: string;
  forName: string;
  email: string;
  /** Joining as the person the circle is for, taking control of it. */
  asPerson: boolean;
};

async function findInvitation(
  db: ServiceContext['db'] | Tx,
  ctx: ServiceContext,
  token: string,
  now: Date,
  lock = false,
) {
  if (!/^[\w-]{43}$/.test(token)) return null;
  const [r] = await db.query<{
    id: string;
    circle_id: string;
    name: string;
    person_name: string;
    person_display_name: string | null;
    person_id: string | null;
    email: string;
    as_person: boolean;
  }>(
    `select i.id, i.circle_id, c.name, c.person_name, pu.display_name as person_display_name, c.person_id, i.email,
       i.as_person
     from aid_circle_invitations i join aid_circles c on c.id = i.circle_id left join users pu on pu.id = c.person_id
     where i.token_hash = $1 and c.place_id = $2 and c.status = 'open' and i.accepted_at is null and i.expires_at > $3
     ${lock ? 'for update of i, c' : ''}`,
    [hashToken(token), ctx.place.id, now],
  );
  return r ?? null;
}

/** What an invitation link offers, without using it up (null when used, expired or closed). */
export async function peekCircleInvitation(
  ctx: ServiceContext,
  token: string,
  now = new Date(),
): Promise<CircleInvitation | null> {
  const r = await findInvitation(ctx.db, ctx, token, now);
  return r
    ? {
        circleId: r.circle_id,
        circleName: r.name,
        forName: forName(r),
        email: r.email,
        asPerson: r.as_person,
      }
    : null;
}

export type AcceptOutcome = 'accepted' | 'wrong-account' | 'expired';

/** Joining from the emailed link: once, before it expires, with the invited address. */
export async function acceptCircleInvitation(
  ctx: ServiceContext,
  token: string,
  user: { userId: string; email: string },
  now = new Date(),
): Promise<{ outcome: AcceptOutcome; circleId: string | null }> {
  return withTransaction(ctx.db, async (tx) => {
    const inv = await findInvitation(tx, ctx, token, now, true);
    if (!inv) return { outcome: 'expired' as const, circleId: null };
    if (inv.email.toLowerCase() !== user.email.toLowerCase())
      return { outcome: 'wrong-account' as const, circleId: null };
    const used = await tx.query(
      'update aid_circle_invitations set accepted_at = $2, accepted_by = $3 where id = $1 and accepted_at is null returning 1',
      [inv.id, now, user.userId],
    );
    if (!used.length) return { outcome: 'expired' as const, circleId: null };
    // The invitation held the seat, so joining never takes the circle past its cap.
    const asPerson = inv.as_person && inv.person_id === null;
    await tx.query(
      `insert into aid_circle_members (circle_id, user_id, role) values ($1, $2, $3)
       on conflict (circle_id, user_id) do update set role = excluded.role where excluded.role = 'owner'`,
      [inv.circle_id, user.userId, asPerson ? 'owner' : 'helper'],
    );
    // The person takes control: from now on it is their circle; the connector helps them run it.
    if (asPerson)
      await tx.query(`update aid_circles set person_id = $2, person_name = '' where id = $1`, [
        inv.circle_id,
        user.userId,
      ]);
    await record(
      tx,
      { ...ctx, actor: { userId: user.userId, roles: [], platformAdmin: false } },
      'join',
      inv.circle_id,
      {
        invitationId: inv.id,
        asPerson,
      },
    );
    return { outcome: 'accepted' as const, circleId: inv.circle_id };
  });
}

/** Whoever controls the circle adds a slot to the rota, on the London clock. */
export async function addRotaSlot(
  ctx: ServiceContext,
  circleId: string,
  raw: unknown,
  now = new Date(),
): Promise<string> {
  const input = validated(RotaInput, raw);
  const startsAt = londonInstant(input.year, input.month, input.day, input.startMinutes);
  const endsAt = londonInstant(input.year, input.month, input.day, input.endMinutes);
  if (endsAt.getTime() <= now.getTime()) throw new Invalid({ date: 'mutualAid.circles.errors.dateInPast' });
  if (startsAt.getTime() > now.getTime() + 366 * DAY)
    throw new Invalid({ date: 'mutualAid.circles.errors.dateTooFar' });
  return withTransaction(ctx.db, async (tx) => {
    const c = await membership(tx, ctx, circleId, { open: true });
    mustControl(c);
    const [row] = await tx.query<{ id: string }>(
      `insert into aid_circle_rota (circle_id, starts_at, ends_at, task, created_by) values ($1, $2, $3, $4, $5) returning id`,
      [c.id, startsAt, endsAt, input.task, ctx.actor?.userId ?? null],
    );
    await record(tx, ctx, 'rota.add', c.id, { slotId: row?.id });
    return row?.id as string;
  });
}

/**
 * A member takes a free slot. The update only succeeds while the slot is free, so when two
 * helpers press at once exactly one gets it and the other is told someone was quicker.
 */
export async function takeRotaSlot(ctx: ServiceContext, circleId: string, slotId: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const c = await membership(tx, ctx, circleId, { open: true });
    if (!isUuid(slotId)) throw new NotFound('No such slot');
    const taken = await tx.query(
      'update aid_circle_rota set volunteer_id = $3 where circle_id = $1 and id = $2 and volunteer_id is null returning 1',
      [c.id, slotId, ctx.actor?.userId ?? null],
    );
    if (!taken.length) {
      const [exists] = await tx.query('select 1 from aid_circle_rota where circle_id = $1 and id = $2', [
        c.id,
        slotId,
      ]);
      if (!exists) throw new NotFound('No such slot');
      throw new Conflict('Someone has already taken this slot');
    }
    await record(tx, ctx, 'rota.take', c.id, { slotId });
  });
}

/** A helper gives a slot back (whoever controls the circle may free anyone's). */
export async function dropRotaSlot(ctx: ServiceContext, circleId: string, slotId: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const c = await membership(tx, ctx, circleId, { open: true });
    if (!isUuid(slotId)) throw new NotFound('No such slot');
    const rows = await tx.query(
      `update aid_circle_rota set volunteer_id = null
       where circle_id = $1 and id = $2 and volunteer_id is not null and ($4 or volunteer_id = $3) returning 1`,
      [c.id, slotId, ctx.actor?.userId ?? null, controls(c.role)],
    );
    if (!rows.length) throw new NotFound('No such slot');
    await record(tx, ctx, 'rota.drop', c.id, { slotId });
  });
}

export async function deleteRotaSlot(ctx: ServiceContext, circleId: string, slotId: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const c = await membership(tx, ctx, circleId, { open: true });
    mustControl(c);
    if (!isUuid(slotId)) throw new NotFound('No such slot');
    const rows = await tx.query('delete from aid_circle_rota where circle_id = $1 and id = $2 returning 1', [
      c.id,
      slotId,
    ]);
    if (!rows.length) throw new NotFound('No such slot');
    await record(tx, ctx, 'rota.delete', c.id, { slotId });
  });
}

/** A member adds a note: whoever controls the circle always may, helpers only when allowed. */
export async function addNote(ctx: ServiceContext, circleId: string, raw: unknown): Promise<string> {
  const input = validated(NoteInput, raw);
  return withTransaction(ctx.db, async (tx) => {
    const c = await membership(tx, ctx, circleId, { open: true });
    if (!controls(c.role) && !c.helpers_may_add_notes)
      throw new Forbidden('The person has chosen that only they add notes');
    const [row] = await tx.query<{ id: string }>(
      'insert into aid_circle_notes (circle_id, author_id, body) values ($1, $2, $3) returning id',
      [c.id, ctx.actor?.userId ?? null, input.body],
    );
    await record(tx, ctx, 'note.add', c.id, { noteId: row?.id });
    return row?.id as string;
  });
}

/** The person (or their connector) may delete any note; a helper only their own. */
export async function deleteNote(ctx: ServiceContext, circleId: string, noteId: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const c = await membership(tx, ctx, circleId, { open: true });
    if (!isUuid(noteId)) throw new NotFound('No such note');
    const rows = await tx.query(
      'delete from aid_circle_notes where circle_id = $1 and id = $2 and ($4 or author_id = $3) returning 1',
      [c.id, noteId, ctx.actor?.userId ?? null, controls(c.role)],
    );
    if (!rows.length) throw new NotFound('No such note');
    await record(tx, ctx, 'note.delete', c.id, { noteId });
  });
}

export async function setHelpersMayAddNotes(
  ctx: ServiceContext,
  circleId: string,
  allowed: boolean,
): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const c = await membership(tx, ctx, circleId, { open: true });
    mustControl(c);
    await tx.query('update aid_circles set helpers_may_add_notes = $2 where id = $1', [c.id, allowed]);
    await record(tx, ctx, 'notes-rule', c.id, { helpersMayAddNotes: allowed });
  });
}

/** A helper leaves, or is removed: their rota slots become free again. */
async function dropHelper(tx: Tx, circleId: string, userId: string): Promise<boolean> {
  const gone = await tx.query(
    `delete from aid_circle_members where circle_id = $1 and user_id = $2 and role = 'helper' returning 1`,
    [circleId, userId],
  );
  await tx.query(
    'update aid_circle_rota set volunteer_id = null where circle_id = $1 and volunteer_id = $2',
    [circleId, userId],
  );
  return gone.length > 0;
}

export async function removeMember(ctx: ServiceContext, circleId: string, userId: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const c = await membership(tx, ctx, circleId, { lock: true, open: true });
    mustControl(c);
    if (!isUuid(userId)) throw new NotFound('No such helper');
    // The person may also let go of the connector who set the circle up for them.
    const connectorGone =
      c.role === 'owner' &&
      (
        await tx.query(
          `delete from aid_circle_members where circle_id = $1 and user_id = $2 and role = 'connector' returning 1`,
          [c.id, userId],
        )
      ).length > 0;
    if (!connectorGone && !(await dropHelper(tx, c.id, userId))) throw new NotFound('No such helper');
    await record(tx, ctx, 'member.remove', c.id, { userId });
  });
}

export async function leaveCircle(ctx: ServiceContext, circleId: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const c = await membership(tx, ctx, circleId, { lock: true, open: true });
    // The person cannot leave their own circle; they close it.
    if (controls(c.role)) throw new Forbidden('Close the circle instead');
    await dropHelper(tx, c.id, ctx.actor?.userId as string);
    await record(tx, ctx, 'leave', c.id);
  });
}

/**
 * Closing ends the circle for everyone. Helpers lose access at once; the rota, notes and
 * invitations are deleted now, as nothing needs them; only the name and who controlled it are
 * kept, for 30 days, so the person sees that it is closed (see circlePrivacy).
 */
export async function closeCircle(ctx: ServiceContext, circleId: string, now = new Date()): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const c = await membership(tx, ctx, circleId, { lock: true, open: true });
    mustControl(c);
    await clearCircle(tx, c.id, now);
    await record(tx, ctx, 'close', c.id);
  });
}

/** Everything but the closed circle's name and its controller, gone. */
export async function clearCircle(tx: Tx, circleId: string, now: Date): Promise<void> {
  await tx.query('delete from aid_circle_rota where circle_id = $1', [circleId]);
  await tx.query('delete from aid_circle_notes where circle_id = $1', [circleId]);
  await tx.query('delete from aid_circle_invitations where circle_id = $1', [circleId]);
  await tx.query(`delete from aid_circle_members where circle_id = $1 and role = 'helper'`, [circleId]);
  await tx.query(
    `update aid_circles set status = 'closed', closed_at = $2 where id = $1 and status = 'open'`,
    [circleId, now],
  );
}

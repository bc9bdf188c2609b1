import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, SqlParam, Tx } from '../../../platform/db/types.js';
import { queueEmail } from '../../../platform/email/outbox.js';
import { Conflict, Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { isLanguage, translator } from '../../../platform/i18n/i18n.js';
import { groupNames, groupsOrganisedBy } from '../../directory/groups/group-lookup.js';
import { getWard } from '../../wards/ward-service.js';
import type { How, LanguageCode, SkillCode, TimeBand, Visibility } from './skill-taxonomy.js';
import { checkOffer, type OfferFilters, RequestInput } from './skills-input.js';

const E = 'ideas.skills.errors';

/** A sender may have this many requests waiting for an answer at once. */
export const MAX_PENDING_REQUESTS = 10;
/** Search results per page. */
export const PAGE_SIZE = 25;

/** What the site needs to say in an email: its public address. */
export type EmailSite = { publicUrl: string };

/** An offer as the person who made it sees it. */
export type Offer = {
  id: string;
  skills: SkillCode[];
  otherSkills: string;
  languages: LanguageCode[];
  otherLanguages: string;
  time: TimeBand;
  how: How;
  wardCode: string;
  wardSlug: string | null;
  wardName: string | null;
  visibility: Visibility;
  updatedAt: Date;
};

/**
 * An offer as anyone may see it: no account, no email, and the person's first name and own
 * words only when they chose to show them. `id` is the offer's own, never the person's.
 */
export type PublicOffer = Omit<Offer, 'visibility' | 'updatedAt'> & {
  firstName: string | null;
  mine: boolean;
};

type OfferRow = {
  id: string;
  user_id: string;
  skills: string[];
  other_skills: string;
  languages: string[];
  other_languages: string;
  time_band: TimeBand;
  how: How;
  ward_code: string;
  ward_slug: string | null;
  ward_name: string | null;
  visibility: Visibility;
  display_name: string | null;
  updated_at: Date;
};

const OFFER_SELECT = `select o.id, o.user_id, o.skills, o.other_skills, o.languages, o.other_languages, o.time_band,
    o.how, o.ward_code, w.slug as ward_slug, w.name as ward_name, o.visibility, u.display_name, o.updated_at
  from skill_offers o
  join users u on u.id = o.user_id
  left join wards w on w.place_id = o.place_id and w.code = o.ward_code`;

const firstNameOf = (name: string | null) => (name ?? '').trim().split(/\s+/)[0] || null;

function toOffer(r: OfferRow): Offer {
  return {
    id: r.id,
    skills: r.skills as SkillCode[],
    otherSkills: r.other_skills,
    languages: r.languages as LanguageCode[],
    otherLanguages: r.other_languages,
    time: r.time_band,
    how: r.how,
    wardCode: r.ward_code,
    wardSlug: r.ward_slug,
    wardName: r.ward_name,
    visibility: r.visibility,
    updatedAt: new Date(r.updated_at),
  };
}

/** The public view: the person's words and first name only when they chose public. */
function toPublic(ctx: ServiceContext, r: OfferRow): PublicOffer {
  const o = toOffer(r);
  const shown = r.visibility === 'public';
  return {
    id: o.id,
    skills: o.skills,
    otherSkills: shown ? o.otherSkills : '',
    languages: o.languages,
    otherLanguages: shown ? o.otherLanguages : '',
    time: o.time,
    how: o.how,
    wardCode: o.wardCode,
    wardSlug: o.wardSlug,
    wardName: o.wardName,
    firstName: shown ? firstNameOf(r.display_name) : null,
    mine: Boolean(ctx.actor && ctx.actor.userId === r.user_id),
  };
}

function signedIn(ctx: ServiceContext): string {
  if (!ctx.actor) throw new Forbidden();
  return ctx.actor.userId;
}

// --- Offers ---------------------------------------------------------------------------------

/** The offers that match a search (public), newest change first, a page at a time. */
export async function searchOffers(
  ctx: ServiceContext,
  filters: OfferFilters,
  page = 1,
): Promise<{ items: PublicOffer[]; total: number }> {
  const where = ['o.place_id = $1', 'u.deleted_at is null'];
  const params: SqlParam[] = [ctx.place.id];
  if (filters.skill) {
    params.push(filters.skill);
    where.push(`$${params.length} = any(o.skills)`);
  }
  if (filters.ward) {
    params.push(filters.ward);
    where.push(`(w.slug = $${params.length} or o.ward_code = $${params.length})`);
  }
  if (filters.how) {
    params.push(filters.how);
    where.push(`o.how in ($${params.length}, 'both')`);
  }
  if (filters.language) {
    params.push(filters.language);
    where.push(`$${params.length} = any(o.languages)`);
  }
  const sql = `${OFFER_SELECT} where ${where.join(' and ')}`;
  const [count] = await ctx.db.query<{ n: number }>(`select count(*)::int as n from (${sql}) x`, params);
  const p = Number.isInteger(page) && page > 0 ? page : 1;
  const rows = await ctx.db.query<OfferRow>(
    `${sql} order by o.updated_at desc, o.id limit ${PAGE_SIZE} offset $${params.length + 1}`,
    [...params, (p - 1) * PAGE_SIZE],
  );
  return { items: rows.map((r) => toPublic(ctx, r)), total: count?.n ?? 0 };
}

/** One offer as anyone may see it; 404 for a bad or unknown id. */
export async function getPublicOffer(ctx: ServiceContext, offerId: string): Promise<PublicOffer> {
  if (!isUuid(offerId)) throw new NotFound('No such offer');
  const rows = await ctx.db.query<OfferRow>(
    `${OFFER_SELECT} where o.place_id = $1 and o.id = $2 and u.deleted_at is null`,
    [ctx.place.id, offerId.toLowerCase()],
  );
  if (!rows[0]) throw new NotFound('No such offer');
  return toPublic(ctx, rows[0]);
}

/** The signed-in person's own offer here, or null. */
export async function getMyOffer(ctx: ServiceContext): Promise<Offer | null> {
  const userId = signedIn(ctx);
  const rows = await ctx.db.query<OfferRow>(`${OFFER_SELECT} where o.place_id = $1 and o.user_id = $2`, [
    ctx.place.id,
    userId,
  ]);
  return rows[0] ? toOffer(rows[0]) : null;
}

/** The form's values for an offer (the change page). */
export function offerFormValues(o: Offer): Record<string, string> {
  return {
    skills: o.skills.join(','),
    otherSkills: o.otherSkills,
    languages: o.languages.join(','),
    otherLanguages: o.otherLanguages,
    time: o.time,
    how: o.how,
    ward: o.wardSlug ?? o.wardCode,
    visibility: o.visibility,
  };
}

/** Creates or replaces the person's offer. Every problem is reported at once, by field. */
export async function saveMyOffer(ctx: ServiceContext, raw: unknown): Promise<string> {
  const userId = signedIn(ctx);
  const checked = checkOffer(raw);
  if (!checked.ok) throw new Invalid(checked.errors);
  const input = checked.data;
  const ward = await getWard(ctx, input.ward).catch(() => null);
  if (!ward) throw new Invalid({ ward: `${E}.wardUnknown` });
  return withTransaction(ctx.db, async (tx) => {
    const [before] = await tx.query<{ id: string }>(
      'select id from skill_offers where place_id = $1 and user_id = $2 for update',
      [ctx.place.id, userId],
    );
    const [row] = await tx.query<{ id: string }>(
      `insert into skill_offers (place_id, user_id, skills, other_skills, languages, other_languages, time_band, how,
         ward_code, visibility)
       values ($1, $2, $3::text[], $4, $5::text[], $6, $7, $8, $9, $10)
       on conflict (place_id, user_id) do update set skills = excluded.skills, other_skills = excluded.other_skills,
         languages = excluded.languages, other_languages = excluded.other_languages, time_band = excluded.time_band,
         how = excluded.how, ward_code = excluded.ward_code, visibility = excluded.visibility, updated_at = now()
       returning id`,
      [
        ctx.place.id,
        userId,
        input.skills,
        input.otherSkills,
        input.languages,
        input.otherLanguages,
        input.time,
        input.how,
        ward.code,
        input.visibility,
      ],
    );
    const id = (row as { id: string }).id;
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: before ? 'ideas.skills.offer.update' : 'ideas.skills.offer.create',
      targetType: 'skill_offer',
      targetId: id,
      after: { ...input, ward: ward.code },
      requestId: ctx.requestId ?? null,
    });
    return id;
  });
}

/** Takes the person's offer down, with every request made to it. */
export async function deleteMyOffer(ctx: ServiceContext): Promise<void> {
  const userId = signedIn(ctx);
  await withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{ id: string }>(
      'delete from skill_offers where place_id = $1 and user_id = $2 returning id',
      [ctx.place.id, userId],
    );
    if (!rows[0]) throw new NotFound('You have no skills listed');
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'ideas.skills.offer.delete',
      targetType: 'skill_offer',
      targetId: rows[0].id,
      requestId: ctx.requestId ?? null,
    });
  });
}

// --- Who a request can be sent for ---------------------------------------------------------

export type OnBehalf =
  | { kind: 'idea'; id: string; title: string }
  | { kind: 'group'; id: string; slug: string; name: string };

export const onBehalfValue = (o: OnBehalf) => `${o.kind}:${o.id}`;
export const onBehalfName = (o: OnBehalf) => (o.kind === 'idea' ? o.title : o.name);

/**
 * The teams the person may ask on behalf of: published ideas here whose team they are on,
 * and directory groups they organise.
 */
export async function requestChoices(ctx: ServiceContext, db: Db | Tx = ctx.db): Promise<OnBehalf[]> {
  if (!ctx.actor) return [];
  const ideas = await db.query<{ id: string; title: string }>(
    `select i.id, i.title from idea_team_members m join ideas i on i.id = m.idea_id
     where m.user_id = $1 and i.place_id = $2 and i.moderation_status = 'published' order by i.title`,
    [ctx.actor.userId, ctx.place.id],
  );
  const groups = await groupsOrganisedBy(db, ctx.place.id, ctx.actor.userId);
  return [
    ...ideas.map((i) => ({ kind: 'idea' as const, id: i.id, title: i.title })),
    ...groups.map((g) => ({ kind: 'group' as const, id: g.id, slug: g.slug, name: g.name })),
  ];
}

// --- Requests ------------------------------------------------------------------------------

export type RequestStatus = 'pending' | 'accepted' | 'declined' | 'withdrawn';

type RequestRow = {
  id: string;
  offer_id: string;
  offer_user_id: string;
  from_user_id: string;
  idea_id: string | null;
  idea_title: string | null;
  group_id: string | null;
  message: string;
  status: RequestStatus;
  created_at: Date;
  responded_at: Date | null;
};

const REQUEST_SELECT = `select r.id, r.offer_id, o.user_id as offer_user_id, r.from_user_id, r.idea_id,
    i.title as idea_title, r.group_id, r.message, r.status, r.created_at, r.responded_at
  from skill_requests r join skill_offers o on o.id = r.offer_id left join ideas i on i.id = r.idea_id`;

export type RequestSummary = {
  id: string;
  role: 'offerer' | 'sender';
  onBehalf: OnBehalf | null;
  status: RequestStatus;
  createdAt: Date;
  respondedAt: Date | null;
};

export type Contact = { name: string; email: string };

export type RequestDetail = RequestSummary & {
  message: string;
  offer: PublicOffer;
  /** The other side's name and email: only once the request is accepted. */
  counterpart: Contact | null;
};

async function onBehalfOf(ctx: ServiceContext, rows: RequestRow[]): Promise<Map<string, OnBehalf>> {
  const groups = await groupNames(
    ctx.db,
    ctx.place.id,
    rows.flatMap((r) => (r.group_id ? [r.group_id] : [])),
  );
  const out = new Map<string, OnBehalf>();
  for (const r of rows) {
    if (r.idea_id && r.idea_title) out.set(r.id, { kind: 'idea', id: r.idea_id, title: r.idea_title });
    const g = r.group_id ? groups.get(r.group_id) : undefined;
    if (g) out.set(r.id, { kind: 'group', id: g.id, slug: g.slug, name: g.name });
  }
  return out;
}

function summaryOf(r: RequestRow, userId: string, behalf: Map<string, OnBehalf>): RequestSummary {
  return {
    id: r.id,
    role: r.offer_user_id === userId ? 'offerer' : 'sender',
    onBehalf: behalf.get(r.id) ?? null,
    status: r.status,
    createdAt: new Date(r.created_at),
    respondedAt: r.responded_at ? new Date(r.responded_at) : null,
  };
}

/** The requests the person has received (for their offer) and sent, newest first. */
export async function listMyRequests(
  ctx: ServiceContext,
): Promise<{ received: RequestSummary[]; sent: RequestSummary[] }> {
  const userId = signedIn(ctx);
  const rows = await ctx.db.query<RequestRow>(
    `${REQUEST_SELECT} where r.place_id = $1 and (o.user_id = $2 or r.from_user_id = $2)
     order by r.created_at desc, r.id limit 500`,
    [ctx.place.id, userId],
  );
  const behalf = await onBehalfOf(ctx, rows);
  const all = rows.map((r) => summaryOf(r, userId, behalf));
  return { received: all.filter((r) => r.role === 'offerer'), sent: all.filter((r) => r.role === 'sender') };
}

/** A request row the person is a party to; anyone else (and any bad id) gets 404. */
async function partyRow(
  ctx: ServiceContext,
  db: Db | Tx,
  requestId: string,
  lock = false,
): Promise<RequestRow> {
  const userId = signedIn(ctx);
  if (!isUuid(requestId)) throw new NotFound('No such request');
  const rows = await db.query<RequestRow>(
    `${REQUEST_SELECT} where r.place_id = $1 and r.id = $2 and (o.user_id = $3 or r.from_user_id = $3)
     ${lock ? 'for update of r' : ''}`,
    [ctx.place.id, requestId.toLowerCase(), userId],
  );
  if (!rows[0]) throw new NotFound('No such request');
  return rows[0];
}

async function contactOf(db: Db | Tx, userId: string): Promise<Contact | null> {
  const [u] = await db.query<{ display_name: string | null; email: string }>(
    'select display_name, email from users where id = $1 and deleted_at is null',
    [userId],
  );
  return u ? { name: u.display_name ?? '', email: u.email } : null;
}

/** One request, for its two parties: the other's name and email only once it is accepted. */
export async function getRequest(ctx: ServiceContext, requestId: string): Promise<RequestDetail> {
  const r = await partyRow(ctx, ctx.db, requestId);
  const userId = signedIn(ctx);
  const behalf = await onBehalfOf(ctx, [r]);
  const summary = summaryOf(r, userId, behalf);
  const [offerRow] = await ctx.db.query<OfferRow>(`${OFFER_SELECT} where o.id = $1`, [r.offer_id]);
  const offer = toPublic(ctx, offerRow as OfferRow);
  const other = summary.role === 'offerer' ? r.from_user_id : r.offer_user_id;
  const counterpart = r.status === 'accepted' ? await contactOf(ctx.db, other) : null;
  // The offer's own words: always for its owner, and for the sender once accepted.
  const seesWords = summary.role === 'offerer' || r.status === 'accepted';
  const shown =
    seesWords && offerRow
      ? { ...offer, otherSkills: offerRow.other_skills, otherLanguages: offerRow.other_languages }
      : offer;
  return { ...summary, message: r.message, offer: shown, counterpart };
}

/** Emails one side, in their language; `team` is who asked, never a person. */
async function emailPerson(
  tx: Tx,
  ctx: ServiceContext,
  userId: string,
  template: string,
  behalf: OnBehalf | undefined,
  url: string,
) {
  const [person] = await tx.query<{ email: string; preferred_language: string }>(
    'select email, preferred_language from users where id = $1 and deleted_at is null',
    [userId],
  );
  if (!person) return;
  const t = translator(isLanguage(person.preferred_language) ? person.preferred_language : 'en');
  const team = !behalf
    ? t('ideas.skills.emailTeam.gone')
    : behalf.kind === 'idea'
      ? t('ideas.skills.emailTeam.idea', { title: behalf.title })
      : t('ideas.skills.emailTeam.group', { name: behalf.name });
  await queueEmail(tx, {
    placeId: ctx.place.id,
    to: person.email,
    template,
    lang: person.preferred_language,
    vars: { place: ctx.place.name, team, url },
  });
}

const requestUrl = (ctx: ServiceContext, site: EmailSite, id: string) =>
  `${site.publicUrl}/${ctx.place.slug}/ideas/skills/requests/${id}`;

/**
 * Asks the person behind an offer for help, on behalf of a team the sender is on. They are
 * told by email (no sender details in it). One waiting request per sender per offer, and at
 * most MAX_PENDING_REQUESTS waiting in all. Returns the request's id.
 */
export async function sendRequest(
  ctx: ServiceContext,
  site: EmailSite,
  offerId: string,
  raw: unknown,
): Promise<string> {
  const userId = signedIn(ctx);
  const offer = await getPublicOffer(ctx, offerId);
  if (offer.mine) throw new Conflict(`${E}.ownOffer`);
  const input = validated(RequestInput, raw);
  const [kind, rawId] = input.onBehalf.toLowerCase().split(':') as ['idea' | 'group', string];
  return withTransaction(ctx.db, async (tx) => {
    const choices = await requestChoices(ctx, tx);
    const behalf = choices.find((c) => c.kind === kind && c.id === rawId);
    if (!behalf) {
      if (!choices.length) throw new Forbidden('Only idea teams and group organisers can ask for help');
      throw new Invalid({ onBehalf: `${E}.onBehalfNotYours` });
    }
    // Locks the offer so two requests sent at once are counted one after the other.
    const [owner] = await tx.query<{ user_id: string }>(
      'select user_id from skill_offers where id = $1 for update',
      [offer.id],
    );
    if (!owner) throw new NotFound('No such offer');
    const waiting = await tx.query<{ offer_id: string }>(
      `select offer_id from skill_requests where from_user_id = $1 and status = 'pending'`,
      [userId],
    );
    if (waiting.some((w) => w.offer_id === offer.id)) throw new Conflict(`${E}.alreadyAsked`);
    if (waiting.length >= MAX_PENDING_REQUESTS) throw new Conflict(`${E}.tooMany`);
    const [row] = await tx.query<{ id: string }>(
      `insert into skill_requests (place_id, offer_id, from_user_id, idea_id, group_id, message)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [
        ctx.place.id,
        offer.id,
        userId,
        behalf.kind === 'idea' ? behalf.id : null,
        behalf.kind === 'group' ? behalf.id : null,
        input.message,
      ],
    );
    const id = (row as { id: string }).id;
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'ideas.skills.request.send',
      targetType: 'skill_request',
      targetId: id,
      after: { offer: offer.id, onBehalf: onBehalfValue(behalf), message: input.message },
      requestId: ctx.requestId ?? null,
    });
    await emailPerson(tx, ctx, owner.user_id, 'ideasSkillRequest', behalf, requestUrl(ctx, site, id));
    return id;
  });
}

/** The offer's owner says yes (each side then sees the other's name and email) or no. */
export async function respondToRequest(
  ctx: ServiceContext,
  site: EmailSite,
  requestId: string,
  answer: 'accept' | 'decline',
): Promise<void> {
  const userId = signedIn(ctx);
  await withTransaction(ctx.db, async (tx) => {
    const r = await partyRow(ctx, tx, requestId, true);
    if (r.offer_user_id !== userId) throw new Forbidden('Only the person asked can answer');
    if (r.status !== 'pending') throw new Conflict(`${E}.answered`);
    const status = answer === 'accept' ? 'accepted' : 'declined';
    await tx.query('update skill_requests set status = $2, responded_at = now() where id = $1', [
      r.id,
      status,
    ]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: `ideas.skills.request.${answer}`,
      targetType: 'skill_request',
      targetId: r.id,
      before: { status: r.status },
      after: { status },
      requestId: ctx.requestId ?? null,
    });
    const behalf = (await onBehalfOf(ctx, [r])).get(r.id);
    const template = answer === 'accept' ? 'ideasSkillAccepted' : 'ideasSkillDeclined';
    await emailPerson(tx, ctx, r.from_user_id, template, behalf, requestUrl(ctx, site, r.id));
  });
}

/** The sender takes back a request that has not been answered. */
export async function withdrawRequest(ctx: ServiceContext, requestId: string): Promise<void> {
  const userId = signedIn(ctx);
  await withTransaction(ctx.db, async (tx) => {
    const r = await partyRow(ctx, tx, requestId, true);
    if (r.from_user_id !== userId) throw new Forbidden('Only the sender can withdraw a request');
    if (r.status !== 'pending') throw new Conflict(`${E}.answered`);
    await tx.query(`update skill_requests set status = 'withdrawn', responded_at = now() where id = $1`, [
      r.id,
    ]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'ideas.skills.request.withdraw',
      targetType: 'skill_request',
      targetId: r.id,
      before: { status: r.status },
      after: { status: 'withdrawn' },
      requestId: ctx.requestId ?? null,
    });
  });
}

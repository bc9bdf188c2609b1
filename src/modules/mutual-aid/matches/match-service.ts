import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { queueEmail } from '../../../platform/email/outbox.js';
import { relayAddress } from '../../../platform/email/relay.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { JobSite } from '../../../platform/module-definition.js';
import { can } from '../../../platform/roles/permissions.js';
import { AcceptInput, AskInput, CancelInput, FeedbackInput, type ShareField } from './match-input.js';

export type MatchSide = 'need' | 'offer';
export type MatchStatus = 'proposed' | 'accepted' | 'declined' | 'cancelled' | 'expired' | 'done';
export const LIVE_STATUSES: readonly MatchStatus[] = ['proposed', 'accepted'];

/** One match with both posts' public fields and the two accounts behind them. */
export type MatchRow = {
  id: string;
  place_id: string;
  place_slug: string;
  place_name: string;
  status: MatchStatus;
  need_id: string;
  offer_id: string;
  need_title: string;
  offer_title: string;
  need_author: string | null;
  offer_author: string | null;
  proposed_by: string | null;
  need_shares: ShareField[];
  offer_shares: ShareField[];
  proposed_at: Date;
  responded_at: Date | null;
  completed_at: Date | null;
  closed_reason: string | null;
};

const MATCH_SELECT = `select m.id, m.place_id, pl.slug as place_slug, pl.name as place_name, m.status, m.need_id, m.offer_id,
    n.title as need_title, o.title as offer_title, n.author_id as need_author, o.author_id as offer_author,
    m.proposed_by, m.need_shares, m.offer_shares, m.proposed_at, m.responded_at, m.completed_at, m.closed_reason
  from aid_matches m join aid_posts n on n.id = m.need_id join aid_posts o on o.id = m.offer_id
  join places pl on pl.id = m.place_id`;

export async function matchRow(db: Db | Tx, id: string, lock = false): Promise<MatchRow | null> {
  if (!isUuid(id)) return null;
  const rows = await db.query<MatchRow>(`${MATCH_SELECT} where m.id = $1${lock ? ' for update of m' : ''}`, [
    id,
  ]);
  return rows[0] ?? null;
}

export function sideOf(m: Pick<MatchRow, 'need_author' | 'offer_author'>, userId: string | undefined) {
  if (!userId) return null;
  if (m.need_author === userId) return 'need' as const;
  if (m.offer_author === userId) return 'offer' as const;
  return null;
}

export const otherSide = (side: MatchSide): MatchSide => (side === 'need' ? 'offer' : 'need');

/** Emails one side of a match, in their language, with the relay as Reply-To when there is one. */
export async function tellSide(
  tx: Tx,
  site: JobSite,
  m: MatchRow,
  side: MatchSide,
  template: string,
  vars: Record<string, string | number> = {},
): Promise<void> {
  const userId = side === 'need' ? m.need_author : m.offer_author;
  if (!userId) return;
  const [person] = await tx.query<{ email: string; preferred_language: string }>(
    'select email, preferred_language from users where id = $1 and deleted_at is null',
    [userId],
  );
  if (!person) return;
  await queueEmail(tx, {
    placeId: m.place_id,
    to: person.email,
    template,
    lang: person.preferred_language,
    vars: {
      need: m.need_title,
      offer: m.offer_title,
      place: m.place_name,
      url: `${site.publicUrl}/${m.place_slug}/help/matches/${m.id}`,
      ...vars,
    },
    replyTo: site.relay ? relayAddress(site.relay, 'aid', m.id, side) : null,
  });
}

async function record(tx: Tx, ctx: ServiceContext, m: { id: string }, action: string, after?: unknown) {
  await audit(tx, {
    placeId: ctx.place.id,
    actorId: ctx.actor?.userId ?? null,
    action: `mutual-aid.match.${action}`,
    targetType: 'aid-match',
    targetId: m.id,
    after,
    requestId: ctx.requestId ?? null,
  });
}

type PostState = {
  id: string;
  kind: string;
  author_id: string | null;
  status: string;
  moderation_status: string;
  expires_at: Date;
};

async function postState(tx: Tx, placeId: string, id: string, lock: boolean): Promise<PostState | null> {
  if (!isUuid(id)) return null;
  const rows = await tx.query<PostState>(
    `select id, kind, author_id, status, moderation_status, expires_at from aid_posts
     where place_id = $1 and id = $2${lock ? ' for update' : ''}`,
    [placeId, id],
  );
  return rows[0] ?? null;
}

const isOpen = (p: PostState, now: Date) =>
  p.status === 'open' && p.moderation_status === 'published' && new Date(p.expires_at) > now;

/** Who posted a need, and whether it was for someone else (with their consent). */
export async function whoPosted(ctx: ServiceContext, postId: string) {
  const [row] = await ctx.db.query<{ author: string | null; onBehalf: boolean }>(
    'select author_id as author, consent_id is not null as "onBehalf" from aid_posts where place_id = $1 and id = $2',
    [ctx.place.id, postId],
  );
  return row ?? { author: null, onBehalf: false };
}

/** May this person choose a helper for this need: its poster, or a connector or coordinator. */
export function mayChooseFor(ctx: ServiceContext, needAuthor: string | null): boolean {
  if (!ctx.actor) return false;
  return needAuthor === ctx.actor.userId || can(ctx.actor, 'mutual-aid.match-on-behalf');
}

/**
 * The person in need (or their connector or a coordinator) asks a helper. The need is locked so
 * that two people choosing at once cannot both succeed; the helper is emailed to say yes or no.
 */
export async function askHelper(
  ctx: ServiceContext,
  site: JobSite,
  needId: string,
  offerId: string,
  raw: unknown,
  now = new Date(),
): Promise<string> {
  const input = validated(AskInput, raw);
  return withTransaction(ctx.db, async (tx) => {
    const need = await postState(tx, ctx.place.id, needId, true);
    if (need?.kind !== 'need') throw new NotFound('No such need');
    if (!mayChooseFor(ctx, need.author_id)) throw new Forbidden();
    const offer = await postState(tx, ctx.place.id, offerId, false);
    if (offer?.kind !== 'offer') throw new NotFound('No such offer');
    if (!isOpen(need, now)) throw new Invalid({ form: 'mutualAid.matches.errors.needClosed' });
    if (!isOpen(offer, now)) throw new Invalid({ form: 'mutualAid.matches.errors.offerClosed' });
    if (offer.author_id === null || offer.author_id === need.author_id)
      throw new Invalid({ form: 'mutualAid.matches.errors.ownOffer' });
    const live = await tx.query(
      `select 1 from aid_matches where need_id = $1 and status in ('proposed', 'accepted')`,
      [needId],
    );
    if (live.length) throw new Invalid({ form: 'mutualAid.matches.errors.alreadyAsked' });
    const [row] = await tx.query<{ id: string }>(
      `insert into aid_matches (place_id, need_id, offer_id, proposed_by, need_shares, proposed_at)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [ctx.place.id, needId, offerId, ctx.actor?.userId ?? null, input.shares, now],
    );
    const id = row?.id as string;
    const m = (await matchRow(tx, id)) as MatchRow;
    if (input.message)
      await tx.query(
        `insert into aid_match_messages (match_id, sender_id, side, body, via, created_at) values ($1, $2, 'need', $3, 'web', $4)`,
        [id, ctx.actor?.userId ?? null, input.message, now],
      );
    await tellSide(tx, site, m, 'offer', 'aidMatchAsked', { message: input.message || '—' });
    await record(tx, ctx, m, 'ask', { needId, offerId, shares: input.shares });
    return id;
  });
}

/** The helper says yes (choosing what to share) or no. Yes marks the need as matched. */
export async function answerRequest(
  ctx: ServiceContext,
  site: JobSite,
  matchId: string,
  answer: 'accept' | 'decline',
  raw: unknown = {},
  now = new Date(),
): Promise<void> {
  const input = answer === 'accept' ? validated(AcceptInput, raw) : { shares: [] };
  await withTransaction(ctx.db, async (tx) => {
    const m = await matchRow(tx, matchId, true);
    if (!m || m.place_id !== ctx.place.id || !sideOf(m, ctx.actor?.userId))
      throw new NotFound('No such match');
    if (sideOf(m, ctx.actor?.userId) !== 'offer') throw new Forbidden();
    if (m.status !== 'proposed') throw new Invalid({ form: 'mutualAid.matches.errors.notWaiting' });
    await tx.query(
      // reminded_at starts again: the next nudge is "did it happen?", not "please answer".
      `update aid_matches set status = $2, offer_shares = $3, responded_at = $4, reminded_at = null,
         closed_at = case when $2 = 'declined' then $4::timestamptz end where id = $1`,
      [m.id, answer === 'accept' ? 'accepted' : 'declined', input.shares, now],
    );
    if (answer === 'accept')
      await tx.query(`update aid_posts set status = 'matched', updated_at = $2 where id = $1`, [
        m.need_id,
        now,
      ]);
    await tellSide(tx, site, m, 'need', answer === 'accept' ? 'aidMatchAccepted' : 'aidMatchDeclined');
    await record(tx, ctx, m, answer, { shares: input.shares });
  });
}

/** Either side says the help has happened. */
export async function markDone(ctx: ServiceContext, site: JobSite, matchId: string, now = new Date()) {
  await withTransaction(ctx.db, async (tx) => {
    const m = await matchRow(tx, matchId, true);
    const side = m && m.place_id === ctx.place.id ? sideOf(m, ctx.actor?.userId) : null;
    if (!m || !side) throw new NotFound('No such match');
    if (m.status !== 'accepted') throw new Invalid({ form: 'mutualAid.matches.errors.notAccepted' });
    await tx.query(
      `update aid_matches set status = 'done', completed_at = $2, closed_at = $2 where id = $1`,
      [m.id, now],
    );
    await tx.query(`update aid_posts set status = 'done', updated_at = $2 where id = $1`, [m.need_id, now]);
    await tellSide(tx, site, m, otherSide(side), 'aidMatchDone');
    await record(tx, ctx, m, 'done', { by: side });
  });
}

/**
 * Either side (or whoever asked on the person's behalf) calls it off before it is done. The need
 * goes back on the board, if it has not expired, so that someone else can be asked.
 */
export async function cancelMatch(
  ctx: ServiceContext,
  site: JobSite,
  matchId: string,
  raw: unknown,
  now = new Date(),
) {
  const input = validated(CancelInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const m = await matchRow(tx, matchId, true);
    if (!m || m.place_id !== ctx.place.id) throw new NotFound('No such match');
    const side = sideOf(m, ctx.actor?.userId);
    const proposer = ctx.actor !== null && m.proposed_by === ctx.actor.userId;
    if (!side && !proposer) throw new NotFound('No such match');
    if (!LIVE_STATUSES.includes(m.status)) throw new Invalid({ form: 'mutualAid.matches.errors.notLive' });
    await tx.query(
      `update aid_matches set status = 'cancelled', closed_at = $2, closed_reason = $3 where id = $1`,
      [m.id, now, input.reason || null],
    );
    await tx.query(
      `update aid_posts set status = case when expires_at > $2 then 'open' else 'expired' end, updated_at = $2
       where id = $1 and status = 'matched'`,
      [m.need_id, now],
    );
    const reason = input.reason || '—';
    if (side !== 'need') await tellSide(tx, site, m, 'need', 'aidMatchCancelled', { reason });
    if (side !== 'offer') await tellSide(tx, site, m, 'offer', 'aidMatchCancelled', { reason });
    await record(tx, ctx, m, 'cancel', { by: side ?? 'proposer', reason: input.reason });
  });
}

/** How it went, once per side, after the help is done. Seen by that side only (and the audit). */
export async function giveFeedback(ctx: ServiceContext, matchId: string, raw: unknown, now = new Date()) {
  const input = validated(FeedbackInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const m = await matchRow(tx, matchId, true);
    const side = m && m.place_id === ctx.place.id ? sideOf(m, ctx.actor?.userId) : null;
    if (!m || !side) throw new NotFound('No such match');
    if (m.status !== 'done') throw new Invalid({ form: 'mutualAid.matches.errors.notDone' });
    const inserted = await tx.query(
      `insert into aid_match_feedback (match_id, side, outcome, comment, created_at) values ($1, $2, $3, $4, $5)
       on conflict do nothing returning 1`,
      [m.id, side, input.outcome, input.comment, now],
    );
    if (!inserted.length) throw new Invalid({ form: 'mutualAid.matches.errors.feedbackGiven' });
    await record(tx, ctx, m, 'feedback', { side, outcome: input.outcome });
  });
}

export type Contact = Partial<Record<ShareField, string>>;

/** The contact details one side chose to share; only ever read once the helper has said yes. */
async function sharedContact(db: Db, postId: string, shares: readonly ShareField[]): Promise<Contact> {
  const [p] = await db.query<{
    private_name: string;
    private_address: string;
    private_phone: string;
    private_email: string | null;
  }>('select private_name, private_address, private_phone, private_email from aid_posts where id = $1', [
    postId,
  ]);
  if (!p) return {};
  const all: Contact = {
    name: p.private_name,
    address: p.private_address,
    phone: p.private_phone,
    email: p.private_email ?? '',
  };
  return Object.fromEntries(shares.filter((s) => all[s]).map((s) => [s, all[s]]));
}

export type MatchMessage = {
  side: MatchSide;
  body: string;
  via: 'web' | 'email';
  createdAt: Date;
  mine: boolean;
};

export type MatchView = {
  id: string;
  status: MatchStatus;
  need: { id: string; title: string };
  offer: { id: string; title: string };
  /** Null for a connector or coordinator who asked on someone's behalf but is neither side. */
  mySide: MatchSide | null;
  myShares: ShareField[];
  theirContact: Contact | null;
  messages: MatchMessage[];
  myFeedback: { outcome: string; comment: string } | null;
  proposedAt: Date;
  respondedAt: Date | null;
  completedAt: Date | null;
  closedReason: string | null;
};

/**
 * A match as one of its people sees it. Anyone else gets "not found": not even the fact of a
 * match between two posts is public.
 */
export async function getMatch(ctx: ServiceContext, matchId: string): Promise<MatchView> {
  const m = await matchRow(ctx.db, matchId);
  if (!m || m.place_id !== ctx.place.id) throw new NotFound('No such match');
  const side = sideOf(m, ctx.actor?.userId);
  const proposer = ctx.actor !== null && m.proposed_by === ctx.actor.userId;
  if (!side && !proposer) throw new NotFound('No such match');
  const shared = m.status === 'accepted' || m.status === 'done';
  const [theirContact, messages, feedback] = side
    ? await Promise.all([
        shared
          ? sharedContact(
              ctx.db,
              side === 'need' ? m.offer_id : m.need_id,
              side === 'need' ? m.offer_shares : m.need_shares,
            )
          : Promise.resolve(null),
        ctx.db.query<{ side: MatchSide; body: string; via: 'web' | 'email'; created_at: Date }>(
          'select side, body, via, created_at from aid_match_messages where match_id = $1 order by created_at, id',
          [m.id],
        ),
        ctx.db.query<{ outcome: string; comment: string }>(
          'select outcome, comment from aid_match_feedback where match_id = $1 and side = $2',
          [m.id, side],
        ),
      ])
    : [null, [], []];
  return {
    id: m.id,
    status: m.status,
    need: { id: m.need_id, title: m.need_title },
    offer: { id: m.offer_id, title: m.offer_title },
    mySide: side,
    myShares: side === 'need' ? m.need_shares : side === 'offer' ? m.offer_shares : [],
    theirContact,
    messages: messages.map((r) => ({
      side: r.side,
      body: r.body,
      via: r.via,
      createdAt: new Date(r.created_at),
      mine: r.side === side,
    })),
    myFeedback: feedback[0] ?? null,
    proposedAt: new Date(m.proposed_at),
    respondedAt: m.responded_at ? new Date(m.responded_at) : null,
    completedAt: m.completed_at ? new Date(m.completed_at) : null,
    closedReason: m.closed_reason,
  };
}

export type MyMatch = {
  id: string;
  status: MatchStatus;
  side: MatchSide | null;
  needTitle: string;
  offerTitle: string;
  proposedAt: Date;
};

/** The matches a person is part of or arranged, newest first, for their "your help" page. */
export async function myMatches(ctx: ServiceContext): Promise<MyMatch[]> {
  if (!ctx.actor) return [];
  const rows = await ctx.db.query<MatchRow>(
    `${MATCH_SELECT} where m.place_id = $1 and (n.author_id = $2 or o.author_id = $2 or m.proposed_by = $2)
     order by m.proposed_at desc limit 200`,
    [ctx.place.id, ctx.actor.userId],
  );
  return rows.map((m) => ({
    id: m.id,
    status: m.status,
    side: sideOf(m, ctx.actor?.userId),
    needTitle: m.need_title,
    offerTitle: m.offer_title,
    proposedAt: new Date(m.proposed_at),
  }));
}

/** The live match on a need, if any, for the need's page. */
export async function liveMatchFor(
  ctx: ServiceContext,
  needId: string,
): Promise<{ id: string; status: MatchStatus } | null> {
  const rows = await ctx.db.query<{ id: string; status: MatchStatus }>(
    `select id, status from aid_matches where place_id = $1 and need_id = $2 and status in ('proposed', 'accepted', 'done')
     order by proposed_at desc limit 1`,
    [ctx.place.id, needId],
  );
  return rows[0] ?? null;
}

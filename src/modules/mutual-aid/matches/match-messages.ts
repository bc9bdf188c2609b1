import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { type InboundResult, onInboundEmail, type RelayAddress } from '../../../platform/email/relay.js';
import { Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { JobSite } from '../../../platform/module-definition.js';
import { MessageInput } from './match-input.js';
import { type MatchRow, type MatchSide, matchRow, otherSide, sideOf, tellSide } from './match-service.js';

/** People can keep talking for a fortnight after the help is done (to say thanks, or "one more thing"). */
const TALK_AFTER_DONE_MS = 14 * 86_400_000;

function mayTalk(m: MatchRow & { closed_at?: Date | null }, now: Date): boolean {
  if (m.status === 'proposed' || m.status === 'accepted') return true;
  return (
    m.status === 'done' &&
    m.completed_at !== null &&
    now.getTime() - new Date(m.completed_at).getTime() < TALK_AFTER_DONE_MS
  );
}

async function addMessage(
  tx: Tx,
  site: JobSite,
  m: MatchRow,
  side: MatchSide,
  senderId: string | null,
  body: string,
  via: 'web' | 'email',
  now: Date,
) {
  await tx.query(
    `insert into aid_match_messages (match_id, sender_id, side, body, via, created_at) values ($1, $2, $3, $4, $5, $6)`,
    [m.id, senderId, side, body, via, now],
  );
  // The other side gets the words by email; replying to it comes back here through the relay.
  await tellSide(tx, site, m, otherSide(side), site.relay ? 'aidMatchMessageRelay' : 'aidMatchMessage', {
    message: body,
  });
  await audit(tx, {
    placeId: m.place_id,
    actorId: senderId,
    action: 'mutual-aid.match.message',
    targetType: 'aid-match',
    targetId: m.id,
    // What was said stays between the two sides: the audit records that a message was sent.
    after: { side, via, length: body.length },
  });
}

/** One side writes to the other on the site. */
export async function sendMessage(
  ctx: ServiceContext,
  site: JobSite,
  matchId: string,
  raw: unknown,
  now = new Date(),
): Promise<void> {
  const input = validated(MessageInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const m = await matchRow(tx, matchId, true);
    const side = m && m.place_id === ctx.place.id ? sideOf(m, ctx.actor?.userId) : null;
    if (!m || !side) throw new NotFound('No such match');
    if (!mayTalk(m, now)) throw new Invalid({ body: 'mutualAid.matches.errors.conversationClosed' });
    await addMessage(tx, site, m, side, ctx.actor?.userId ?? null, input.body, 'web', now);
  });
}

/**
 * A reply to a relay email. It is taken only from the address of the account on that side, so a
 * forwarded relay email cannot be used by someone else to join the conversation.
 */
export async function receiveRelayEmail(
  db: Db,
  site: JobSite,
  address: RelayAddress,
  email: { from: string; text: string },
  now = new Date(),
): Promise<InboundResult> {
  if (address.side !== 'need' && address.side !== 'offer') return 'unknown-address';
  const side: MatchSide = address.side;
  return withTransaction(db, async (tx) => {
    const m = await matchRow(tx, address.id, true);
    if (!m || !mayTalk(m, now)) return 'unknown-address';
    const userId = side === 'need' ? m.need_author : m.offer_author;
    const [sender] = await tx.query<{ email: string }>(
      'select email from users where id = $1 and deleted_at is null',
      [userId],
    );
    if (!sender || sender.email.toLowerCase() !== email.from.toLowerCase()) return 'refused';
    const body = email.text.trim().slice(0, 4000);
    if (!body) return 'refused';
    await addMessage(tx, site, m, side, userId, body, 'email', now);
    return 'delivered';
  });
}

// Replies to `aid-…` relay addresses come here (registered once, when the module loads).
onInboundEmail('aid', (db, site, address, email) => receiveRelayEmail(db, site, address, email));

import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/types.js';
import type { JobSite } from '../module-definition.js';

/**
 * The email relay: people write to each other through addresses like
 * `aid-<id>-<side>-<signature>@reply.example.org`, so neither has to give out their own
 * address. The signature (an HMAC under the installation secret) means an address cannot be
 * guessed from a record's id, and a reply can only land in the conversation it was sent from.
 */
export type RelaySite = { domain: string; secret: string };

export type RelayAddress = { kind: string; id: string; side: string };

export type InboundEmail = { to: string; from: string; subject: string; text: string };

export type InboundResult = 'delivered' | 'unknown-address' | 'refused';

type InboundHandler = (
  db: Db,
  site: JobSite,
  address: RelayAddress,
  email: InboundEmail,
) => Promise<InboundResult>;

const handlers = new Map<string, InboundHandler>();

function signature(relay: RelaySite, kind: string, id: string, side: string): string {
  const key = Buffer.from(hkdfSync('sha256', relay.secret, 'kith', 'email-relay', 32));
  return createHmac('sha256', key).update(`${kind}:${id}:${side}`).digest('hex').slice(0, 20);
}

/** The Reply-To address for one side of one record, e.g. one person in a mutual-aid match. */
export function relayAddress(relay: RelaySite, kind: string, id: string, side: string): string {
  const compact = id.replaceAll('-', '');
  return `${kind}-${compact}-${side}-${signature(relay, kind, id, side)}@${relay.domain}`;
}

const LOCAL_PART = /^([a-z]+)-([0-9a-f]{32})-([a-z]+)-([0-9a-f]{20})$/;

/** Reads a relay address back; null for another domain, a bad shape or a forged signature. */
export function readRelayAddress(relay: RelaySite, address: string): RelayAddress | null {
  const at = address.trim().toLowerCase().lastIndexOf('@');
  if (
    at < 0 ||
    address
      .trim()
      .toLowerCase()
      .slice(at + 1) !== relay.domain.toLowerCase()
  )
    return null;
  const m = LOCAL_PART.exec(address.trim().toLowerCase().slice(0, at));
  if (!m) return null;
  const [, kind, compact, side, sig] = m as unknown as [string, string, string, string, string];
  const id = `${compact.slice(0, 8)}-${compact.slice(8, 12)}-${compact.slice(12, 16)}-${compact.slice(16, 20)}-${compact.slice(20)}`;
  const expected = Buffer.from(signature(relay, kind, id, side));
  if (!timingSafeEqual(expected, Buffer.from(sig))) return null;
  return { kind, id, side };
}

/** A module takes the replies sent to its kind of relay address (e.g. `aid`). */
export function onInboundEmail(kind: string, handler: InboundHandler): void {
  if (handlers.has(kind)) throw new Error(`An inbound email handler for "${kind}" is already registered`);
  handlers.set(kind, handler);
}

/**
 * Hands a received email to the module whose address it was sent to. Only the text the person
 * wrote goes on: the quoted earlier message under "On … wrote:" or ">" lines is cut off.
 */
export async function deliverInbound(db: Db, site: JobSite, email: InboundEmail): Promise<InboundResult> {
  const address = site.relay && readRelayAddress(site.relay, email.to);
  const handler = address && handlers.get(address.kind);
  if (!address || !handler) return 'unknown-address';
  return handler(db, site, address, { ...email, text: newTextOf(email.text) });
}

/** The new part of a reply: everything above the quoted message that mail programs add. */
export function newTextOf(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (const [i, line] of lines.entries()) {
    const next = lines[i + 1] ?? '';
    if (/^>/.test(line)) break;
    // "On Mon, 23 Nov 2026 at 10:00, Kith <…> wrote:" (sometimes folded over two lines)
    if (/^On .+wrote:\s*$/.test(line) || (/^On .+/.test(line) && /wrote:\s*$/.test(next) && !/^>/.test(next)))
      break;
    if (/^-{2,}\s*Original Message\s*-{2,}$/i.test(line.trim())) break;
    if (/^From: .+/.test(line) && /^(Sent|Date): /.test(next)) break;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

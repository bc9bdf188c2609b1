import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PUBLIC } from '../http/access.js';
import { PROBLEM_CONTENT_TYPE, problem } from '../http/problem.js';
import { siteOf } from '../module-definition.js';
import { deliverInbound, type InboundEmail } from './relay.js';

// Field names used by common inbound-mail services, so any of them can post straight here:
// our own JSON, Postmark (JSON), Mailgun (form fields). The stripped reply is preferred.
const ALIASES: Record<keyof InboundEmail, string[]> = {
  to: ['to', 'To', 'recipient', 'OriginalRecipient'],
  from: ['from', 'From', 'sender'],
  subject: ['subject', 'Subject'],
  text: ['stripped-text', 'StrippedTextReply', 'text', 'TextBody', 'body-plain'],
};

function pick(body: Record<string, unknown>, names: string[]): string {
  for (const n of names) {
    const v = body[n];
    if (typeof v === 'string' && v.trim()) return v;
  }
  return '';
}

/** "Sam <sam@example.org>" → "sam@example.org"; the first address of a list. */
function bareAddress(value: string): string {
  const first = value.split(',')[0] ?? '';
  const angled = /<([^<>\s]+@[^<>\s]+)>/.exec(first);
  return (angled?.[1] ?? first).trim().toLowerCase();
}

function sendProblem(reply: FastifyReply, status: number, detail: string) {
  return reply.code(status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem(status, { detail }));
}

/**
 * Replies to relay addresses, posted by the mail provider with the relay's bearer token. Not
 * under a place: the address itself says which conversation the reply belongs to.
 */
export async function inboundEmailRoutes(app: FastifyInstance) {
  app.post('/email/inbound', PUBLIC, async (request, reply) => {
    const relay = app.config.relay;
    if (!relay) return sendProblem(reply, 404, 'The email relay is not set up on this site.');
    const given = Buffer.from((request.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));
    const expected = Buffer.from(relay.token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send(problem(401, { title: 'Unauthorised', detail: 'Send the relay token as a bearer token.' }));
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<
      string,
      unknown
    >;
    const email: InboundEmail = {
      to: bareAddress(pick(body, ALIASES.to)),
      from: bareAddress(pick(body, ALIASES.from)),
      subject: pick(body, ALIASES.subject).slice(0, 300),
      text: pick(body, ALIASES.text),
    };
    const missing = (['to', 'from', 'text'] as const).filter((f) => !email[f]);
    if (missing.length)
      return reply
        .code(400)
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send(
          problem(400, {
            detail: 'An inbound email needs a recipient, a sender and a text body.',
            errors: missing.map((field) => ({ field, message: `Missing ${field}` })),
          }),
        );
    const result = await deliverInbound(app.db, siteOf(app.config), email);
    if (result === 'unknown-address')
      return sendProblem(reply, 404, 'No conversation has that address, or it has closed.');
    if (result === 'refused')
      return sendProblem(
        reply,
        422,
        'The sender is not part of that conversation, or the message was empty.',
      );
    return reply.code(202).send({ status: 'delivered' });
  });
}

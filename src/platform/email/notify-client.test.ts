import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { freshDatabase } from '../../../test/helpers/database.js';
import { withTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { runDueJobs } from '../jobs/jobs.js';
import { notifyToken, parseNotifyKey } from './notify-client.js';
import { queueEmail } from './outbox.js';
import { emailSendJob } from './send-job.js';

/**
 * Notify's side of the contract, as its API documentation states it: a JWT signed HS256
 * with the key's secret, `iss` the service id, `iat` within 30 seconds; 201 on success.
 * We cannot reach Notify from here, so this server checks our requests the same way.
 */
const SERVICE = '26785a09-ab16-4eb0-8407-a37497a57506';
const SECRET = '3d844edf-8d35-48ac-975b-e847b4f122b0';
const API_KEY = `kith_test-${SERVICE}-${SECRET}`;
const TEMPLATE = 'f33517ff-2a88-4f6e-b855-c550268ce08a';
let db: Db;
let notify: http.Server;
let baseUrl = '';
let failNext = false;
const received: { body: Record<string, unknown> }[] = [];

function verify(auth: string | undefined): boolean {
  const [h, p, sig] = (auth ?? '').replace(/^Bearer /, '').split('.');
  if (!h || !p || !sig) return false;
  if (createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url') !== sig) return false;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  return claims.iss === SERVICE && Math.abs(Date.now() / 1000 - claims.iat) <= 30;
}

before(async () => {
  db = await freshDatabase();
  notify = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      if (
        req.method !== 'POST' ||
        req.url !== '/v2/notifications/email' ||
        !verify(req.headers.authorization)
      ) {
        res.writeHead(403, { 'content-type': 'application/json' }).end('{"errors":[{"error":"AuthError"}]}');
        return;
      }
      if (failNext) {
        failNext = false;
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(
            '{"errors":[{"error":"BadRequestError","message":"email_address Not a valid email address"}]}',
          );
        return;
      }
      received.push({ body: JSON.parse(data) });
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"x"}');
    });
  });
  await new Promise<void>((resolve) => notify.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(notify.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((resolve) => notify.close(() => resolve()));
  await db.close();
});

const handlers = () => ({
  'email.send': emailSendJob({
    smtpUrl: null,
    from: 'x',
    production: true,
    notify: { apiKey: API_KEY, templateId: TEMPLATE, baseUrl },
  }),
});

test('API keys are read as Notify defines them; anything else is refused', () => {
  assert.deepEqual(parseNotifyKey(API_KEY), { serviceId: SERVICE, secret: SECRET });
  assert.throws(() => parseNotifyKey('not-a-key'), /not a GOV.UK Notify API key/);
  assert.ok(verify(`Bearer ${notifyToken(API_KEY)}`));
  assert.equal(
    verify(`Bearer ${notifyToken(API_KEY, Date.now() - 120_000)}`),
    false,
    'stale tokens are rejected',
  );
});

test('with Notify configured, queued emails go to Notify with the subject and body as personalisation', async () => {
  await withTransaction(db, (tx) =>
    queueEmail(tx, {
      placeId: null,
      to: 'amal@example.org',
      template: 'verifyEmail',
      lang: 'en',
      vars: { name: 'Amal', url: 'https://k/x' },
    }),
  );
  await runDueJobs(db, handlers());
  assert.equal(received.length, 1);
  const body = received[0]?.body as {
    email_address: string;
    template_id: string;
    personalisation: { subject: string; body: string };
    reference: string;
  };
  assert.equal(body.email_address, 'amal@example.org');
  assert.equal(body.template_id, TEMPLATE);
  assert.equal(body.personalisation.subject, 'Confirm your email address');
  assert.match(body.personalisation.body, /Hello Amal/);
  const [row] = await db.query<{ id: string; status: string }>(
    "select id, status from outbox where to_email = 'amal@example.org'",
  );
  assert.equal(row?.status, 'sent');
  assert.equal(body.reference, row?.id, 'the outbox id is the reference, to trace delivery');
});

test('a Notify error is kept with the message and the job is retried', async () => {
  failNext = true;
  await withTransaction(db, (tx) =>
    queueEmail(tx, {
      placeId: null,
      to: 'bad@example.org',
      template: 'verifyEmail',
      lang: 'en',
      vars: { name: 'B', url: 'https://k/x' },
    }),
  );
  await runDueJobs(db, handlers());
  const [row] = await db.query<{ status: string; last_error: string }>(
    "select status, last_error from outbox where to_email = 'bad@example.org'",
  );
  assert.equal(row?.status, 'queued');
  assert.match(row?.last_error ?? '', /Notify answered 400/);
});

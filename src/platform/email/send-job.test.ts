import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { freshDatabase } from '../../../test/helpers/database.js';
import { withTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { runDueJobs } from '../jobs/jobs.js';
import { queueEmail } from './outbox.js';
import { emailSendJob } from './send-job.js';

/** A real SMTP server in the test process: Kith's mail goes over the wire, as in production. */
let db: Db;
let smtp: SMTPServer;
let port: number;
const received: { from: string; to: string[]; data: string }[] = [];

before(async () => {
  db = await freshDatabase();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk) => {
        data += chunk;
      });
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
});
after(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await db.close();
});

test('queued emails are sent over SMTP in the recipient’s language, once', async () => {
  await withTransaction(db, (tx) =>
    queueEmail(tx, {
      placeId: null,
      to: 'resident@example.org',
      template: 'resetPassword',
      lang: 'en',
      vars: { name: 'Sam', url: 'https://kith.example/account/reset-password?token=abc' },
    }),
  );
  const handlers = {
    'email.send': emailSendJob({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: 'Kith <no-reply@kith.example>',
      production: true,
    }),
  };
  await runDueJobs(db, handlers);
  assert.equal(received.length, 1);
  assert.deepEqual(received[0]?.to, ['resident@example.org']);
  assert.equal(received[0]?.from, 'no-reply@kith.example');
  assert.match(received[0]?.data ?? '', /Subject: Reset your password/);
  assert.match(received[0]?.data ?? '', /Hello Sam/);
  const [row] = await db.query<{ status: string }>(
    "select status from outbox where to_email = 'resident@example.org'",
  );
  assert.equal(row?.status, 'sent');
  await runDueJobs(db, handlers);
  assert.equal(received.length, 1, 'not sent twice');
});

test('a relay email carries its Reply-To address, so the answer comes back to Kith', async () => {
  await withTransaction(db, (tx) =>
    queueEmail(tx, {
      placeId: null,
      to: 'helper@example.org',
      template: 'resetPassword',
      lang: 'en',
      vars: { name: 'Ali', url: 'https://kith.example/x' },
      replyTo: 'aid-123.abc@reply.kith.example',
    }),
  );
  await runDueJobs(db, {
    'email.send': emailSendJob({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: 'k@kith.example',
      production: true,
    }),
  });
  const sent = received.find((r) => r.to.includes('helper@example.org'));
  assert.match(sent?.data ?? '', /Reply-To: aid-123\.abc@reply\.kith\.example/);
});

test('a mail server that is down leaves the email queued for a retry, with the reason', async () => {
  await withTransaction(db, (tx) =>
    queueEmail(tx, {
      placeId: null,
      to: 'later@example.org',
      template: 'verifyEmail',
      lang: 'en',
      vars: { name: 'Lee', url: 'https://x/' },
    }),
  );
  await runDueJobs(db, {
    'email.send': emailSendJob({ smtpUrl: 'smtp://127.0.0.1:1', from: 'k@example.org', production: true }),
  });
  const [row] = await db.query<{ status: string; last_error: string }>(
    "select status, last_error from outbox where to_email = 'later@example.org'",
  );
  assert.equal(row?.status, 'queued');
  assert.match(row?.last_error ?? '', /ECONNREFUSED/);
  const [job] = await db.query<{ status: string; attempts: number }>(
    "select status, attempts from jobs where payload->>'outboxId' is not null order by id desc limit 1",
  );
  assert.equal(job?.status, 'queued');
  assert.equal(job?.attempts, 1);
});

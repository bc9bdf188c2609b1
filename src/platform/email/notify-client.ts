import { createHmac, randomUUID } from 'node:crypto';

/**
 * GOV.UK Notify's email API. Kith uses one Notify template whose body is `((body))` and
 * subject `((subject))`, so every message keeps its text in Kith's own catalogue.
 * API keys look like `{name}-{service id}-{secret}`, both ids being UUIDs.
 */
export type NotifyConfig = { apiKey: string; templateId: string; baseUrl: string };

export function parseNotifyKey(apiKey: string): { serviceId: string; secret: string } {
  const m =
    /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
      apiKey,
    );
  if (!m) throw new Error('NOTIFY_API_KEY is not a GOV.UK Notify API key');
  return { serviceId: m[1] as string, secret: m[2] as string };
}

const b64 = (v: string | Buffer) => Buffer.from(v).toString('base64url');

/** Notify's bearer token: a JWT signed HS256 with the key's secret, iss = service id. */
export function notifyToken(apiKey: string, now = Date.now()): string {
  const { serviceId, secret } = parseNotifyKey(apiKey);
  const body = `${b64(JSON.stringify({ typ: 'JWT', alg: 'HS256' }))}.${b64(JSON.stringify({ iss: serviceId, iat: Math.floor(now / 1000) }))}`;
  return `${body}.${b64(createHmac('sha256', secret).update(body).digest())}`;
}

export async function sendNotifyEmail(
  config: NotifyConfig,
  message: { to: string; subject: string; body: string; reference: string },
) {
  const res = await fetch(`${config.baseUrl.replace(/\/$/, '')}/v2/notifications/email`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${notifyToken(config.apiKey)}`,
      'content-type': 'application/json',
      'user-agent': 'kith',
    },
    body: JSON.stringify({
      email_address: message.to,
      template_id: config.templateId,
      personalisation: { subject: message.subject, body: message.body },
      reference: message.reference || randomUUID(),
    }),
  });
  if (res.status !== 201) {
    const text = await res.text().catch(() => '');
    throw new Error(`GOV.UK Notify answered ${res.status}: ${text.slice(0, 300)}`);
  }
}

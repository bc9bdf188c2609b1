import type { FastifyInstance } from 'fastify';
import { cookiesFrom } from './app.js';

/** The CSRF token a page's form carries. */
export function csrfTokenIn(html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

/**
 * Opens a page with a form once and returns a way to post it, as many times as a person
 * might press the button (a double click, or the back button and submit again).
 */
export async function openForm(app: FastifyInstance, options: { cookie?: string; formUrl: string }) {
  const page = await app.inject({
    url: options.formUrl,
    headers: options.cookie ? { cookie: options.cookie } : {},
  });
  const token = csrfTokenIn(page.body);
  const cookie = [options.cookie, cookiesFrom(page.headers['set-cookie'])].filter(Boolean).join('; ');
  return (fields: Record<string, string | string[]>, postUrl = options.formUrl) => {
    const body = new URLSearchParams({ _csrf: token });
    for (const [k, v] of Object.entries(fields))
      for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return app.inject({
      method: 'POST',
      url: postUrl,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
  };
}

/**
 * What a browser does to submit a form: open the page that has it (getting the CSRF token
 * and cookie), then post the fields. Repeated fields (checkbox groups) are given as arrays.
 */
export async function submitForm(
  app: FastifyInstance,
  options: { cookie?: string; formUrl: string; postUrl?: string; fields: Record<string, string | string[]> },
) {
  const page = await app.inject({
    url: options.formUrl,
    headers: options.cookie ? { cookie: options.cookie } : {},
  });
  const body = new URLSearchParams({ _csrf: csrfTokenIn(page.body) });
  for (const [k, v] of Object.entries(options.fields))
    for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return app.inject({
    method: 'POST',
    url: options.postUrl ?? options.formUrl,
    headers: {
      cookie: [options.cookie, cookiesFrom(page.headers['set-cookie'])].filter(Boolean).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: body.toString(),
  });
}

/**
 * Uploads a file through a multipart form, as a browser's file input does: the CSRF token from
 * the form's page first, then any other fields, then the file (text or bytes). Leave out
 * `filename` to send the form with no file chosen; give `csrf` to send a token of your own.
 */
export async function uploadFile(
  app: FastifyInstance,
  options: {
    cookie: string;
    formUrl: string;
    postUrl?: string;
    field: string;
    filename?: string;
    content: string | Uint8Array;
    contentType?: string;
    fields?: Record<string, string>;
    csrf?: string;
  },
) {
  const page = await app.inject({ url: options.formUrl, headers: { cookie: options.cookie } });
  const boundary = '----kithtestboundary';
  const part = (headers: string[], body: string | Uint8Array) => [
    Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`),
    Buffer.from(body),
    Buffer.from('\r\n'),
  ];
  const fields = { _csrf: options.csrf ?? csrfTokenIn(page.body), ...options.fields };
  const payload = Buffer.concat([
    ...Object.entries(fields).flatMap(([name, value]) =>
      part([`Content-Disposition: form-data; name="${name}"`], value),
    ),
    ...(options.filename === undefined
      ? []
      : part(
          [
            `Content-Disposition: form-data; name="${options.field}"; filename="${options.filename}"`,
            `Content-Type: ${options.contentType ?? 'text/csv'}`,
          ],
          options.content,
        )),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return app.inject({
    method: 'POST',
    url: options.postUrl ?? options.formUrl,
    headers: {
      cookie: `${options.cookie}; ${cookiesFrom(page.headers['set-cookie'])}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload,
  });
}

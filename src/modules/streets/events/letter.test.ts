import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { encode } from 'uqr';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pdfTextRuns } from '../../../../test/helpers/pdf-text.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { createSession, SESSION_COOKIE } from '../../../platform/auth/session-service.js';
import { darkRuns, QR_QUIET_ZONE as QUIET_ZONE, qrMatrix } from '../../../platform/pdf/qr-code.js';
import { DEMO_NOTICE_ID } from '../notices/notice-seed.js';
import { QR_UNIT } from './letter-pdf.js';

const t = useTestApp();
const CONFIRMED_ID = '5e7a1c2d-3b4f-4a6e-8d9c-0f1e2d3c0002';

async function organiserCookie(): Promise<string> {
  const [row] = await t.db.query<{ organiser_id: string }>(
    'select organiser_id from street_notices where id = $1',
    [DEMO_NOTICE_ID],
  );
  return `${SESSION_COOKIE}=${await createSession(t.db, row?.organiser_id as string, 'test')}`;
}

/** Every drawn rectangle in the PDF's content streams: x, y (from the top), width, height. */
function rectangles(pdf: Buffer): number[][] {
  const raw = pdf.toString('latin1');
  const out: number[][] = [];
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    const bytes = Buffer.from(m[1] ?? '', 'latin1');
    let content: string;
    try {
      content = zlib.inflateSync(bytes).toString('latin1');
    } catch {
      content = bytes.toString('latin1');
    }
    for (const r of content.matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re/g))
      out.push([Number(r[1]), Number(r[2]), Number(r[3]), Number(r[4])]);
  }
  return out;
}

test('the runs drawn for a QR code are exactly its dark modules', () => {
  const url = 'https://kith.example/trafford/streets/events/SP26-DEM0';
  const matrix = qrMatrix(url);
  assert.deepEqual(matrix, encode(url, { ecc: 'M', border: 0 }).data);
  const drawn = matrix.map((row) => row.map(() => false));
  for (const run of darkRuns(matrix))
    for (let x = run.x; x < run.x + run.width; x++) {
      assert.equal(drawn[run.y]?.[x], false, 'no module is drawn twice');
      (drawn[run.y] as boolean[])[x] = true;
    }
  assert.deepEqual(drawn, matrix);
  assert.deepEqual(darkRuns([[true, true, false, true]]), [
    { x: 0, y: 0, width: 2 },
    { x: 3, y: 0, width: 1 },
  ]);
});

test('the organiser’s neighbour letter says what, where, when and whether the road closes, with a QR code to the public page', async () => {
  const res = await t.app.inject({
    url: `/trafford/streets/notices/${DEMO_NOTICE_ID}/letter.pdf`,
    headers: { cookie: await organiserCookie() },
  });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/pdf');
  const pdf = res.rawPayload;
  const raw = pdf.toString('latin1');
  assert.match(raw, /\/MediaBox \[0 0 595\.28 841\.89\]/, 'A4');
  assert.match(raw, /\/StructTreeRoot/);
  assert.match(raw, /\/S \/Figure/);
  assert.match(raw, /\/Lang \(en-GB\)/);
  const text = pdfTextRuns(pdf).join(' ');
  assert.match(text, /Trafford Together: a letter to neighbours/);
  assert.match(text, /Derbyshire Road summer street party/);
  assert.match(text, /Derbyshire Road, from the corner with Kings Road to number 60/);
  // The demo party is on a Saturday, 12:00 to 18:00 London time.
  assert.match(text, /Saturday \d{1,2} [A-Z][a-z]+ \d{4}, 12:00 to 18:00/);
  assert.match(text, /Yes\. The road will be closed to traffic/);
  assert.match(text, /We expect about 80 people\./);
  assert.match(text, /From Priya Shah, the organiser\./, 'she agreed to show her name');
  assert.doesNotMatch(text, /street-party@trafford-together/);
  const url = /(http:\/\/localhost(:\d+)?\/trafford\/streets\/events\/SP26-DEM0)/.exec(text)?.[1];
  assert.ok(url, 'the address is printed in full');
  assert.match(text, /Reference SP26-DEM0/);

  // The code drawn in the PDF is the address's QR matrix, module for module, with a quiet zone.
  const rects = rectangles(pdf);
  const matrix = qrMatrix(url);
  const unit = QR_UNIT;
  const size = (matrix.length + QUIET_ZONE * 2) * unit;
  const background = rects.find((r) => r[2] === size && r[3] === size);
  assert.ok(background, 'a white square for the code and its quiet zone');
  const [left, top] = background as number[];
  const drawn = matrix.map((row) => row.map(() => false));
  for (const [x, y, w, h] of rects) {
    if (x === left && y === top && w === size) continue;
    if (
      (x as number) < (left as number) ||
      (y as number) < (top as number) ||
      (y as number) > (top as number) + size
    )
      continue;
    assert.ok(Math.abs((h as number) - unit) < 0.01, 'each run is one module high');
    const col = Math.round(((x as number) - (left as number)) / unit) - QUIET_ZONE;
    const row = Math.round(((y as number) - (top as number)) / unit) - QUIET_ZONE;
    const width = Math.round((w as number) / unit);
    assert.ok(
      row >= 0 && col >= 0 && row < matrix.length && col + width <= matrix.length,
      'inside the quiet zone',
    );
    for (let i = col; i < col + width; i++) (drawn[row] as boolean[])[i] = true;
  }
  assert.deepEqual(drawn, matrix);
});

test('the letter leaves out a name the organiser did not agree to show; others cannot print it', async () => {
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const res = await t.app.inject({
    url: `/trafford/streets/notices/${CONFIRMED_ID}/letter.pdf`,
    headers: { cookie: officer.cookie },
  });
  assert.equal(res.statusCode, 200);
  const text = pdfTextRuns(res.rawPayload).join(' ');
  assert.match(text, /Playing out on Moss View/);
  assert.doesNotMatch(text, /Priya Shah/);

  const stranger = await makePerson(t.db);
  const refused = await t.app.inject({
    url: `/trafford/streets/notices/${DEMO_NOTICE_ID}/letter.pdf`,
    headers: { cookie: stranger.cookie },
  });
  assert.equal(refused.statusCode, 404);
  const visitor = await t.app.inject(`/trafford/streets/notices/${DEMO_NOTICE_ID}/letter.pdf`);
  assert.equal(visitor.statusCode, 303);
  assert.match(String(visitor.headers.location), /^\/account\/sign-in/);
  const unknown = await t.app.inject({
    url: '/trafford/streets/notices/not-a-notice/letter.pdf',
    headers: { cookie: officer.cookie },
  });
  assert.equal(unknown.statusCode, 404);
});

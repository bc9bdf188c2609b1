import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { csvCell, csvStream, keysetRows } from './csv-stream.js';
import { spreadsheetCell } from './spreadsheet-cell.js';

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

test('cells are quoted when they must be, and formulas are shown, not run', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a, "b"'), '"a, ""b"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('=HYPERLINK("http://evil")'), `"'=HYPERLINK(""http://evil"")"`);
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('+44 161 912 1212'), '+44 161 912 1212', 'a phone number is left alone');
  assert.equal(csvCell(-12.5), '-12.5');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(true), 'true');
  assert.equal(csvCell(new Date('2026-01-02T03:04:05Z')), '2026-01-02T03:04:05.000Z');
  assert.equal(spreadsheetCell(spreadsheetCell('=1+1')), "'=1+1", 'safe to apply twice');
});

test('a streamed CSV parses back to the rows it was given', async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => ({
    id: i,
    name: `Row, "${i}"`,
    note: i % 7 ? null : '-cmd',
  }));
  const parsed = parse(await text(csvStream(['id', 'name', 'note'], rows)), { columns: true }) as Record<
    string,
    string
  >[];
  assert.equal(parsed.length, 5000);
  assert.deepEqual(parsed[1], { id: '1', name: 'Row, "1"', note: '' });
  assert.equal(parsed[0]?.note, "'-cmd");
});

test('keyset pagination reads batch after batch until a short one, each after the last key', async () => {
  const asked: (number | null)[] = [];
  const data = Array.from({ length: 25 }, (_, i) => ({ id: i + 1 }));
  const rows = keysetRows(
    async (after: number | null, limit) => {
      asked.push(after);
      return data.filter((r) => r.id > (after ?? 0)).slice(0, limit);
    },
    (r) => r.id,
    10,
  );
  const ids: number[] = [];
  for await (const r of rows) ids.push(r.id);
  assert.deepEqual(
    ids,
    data.map((r) => r.id),
  );
  assert.deepEqual(asked, [null, 10, 20]);
});

test('a slow reader holds the database back (backpressure): batches are read only as the CSV is taken', async () => {
  let batches = 0;
  const rows = keysetRows(
    async (after: number | null, limit) => {
      batches++;
      const start = (after ?? 0) + 1;
      return Array.from({ length: limit }, (_, i) => ({ id: start + i, text: 'x'.repeat(200) }));
    },
    (r) => r.id,
    1000,
  );
  const stream = csvStream(['id', 'text'], rows);
  // Endless rows: without backpressure this would read without bound before the first write ends.
  let taken = 0;
  await pipeline(
    stream,
    new Writable({
      highWaterMark: 1024,
      write(chunk, _enc, done) {
        taken += chunk.length;
        if (taken > 2_000_000) stream.destroy();
        setTimeout(done, 1);
      },
    }),
  ).catch(() => {});
  // About 2 MB taken is about 10 batches of 200 kB; allow a few in flight.
  assert.ok(batches < 20, `read ${batches} batches for ${taken} bytes taken`);
});

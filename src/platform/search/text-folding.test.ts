import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { freshDatabase } from '../../../test/helpers/database.js';
import type { Db } from '../db/types.js';
import { fold, fuzzyWords } from './search-service.js';
import { closestWord, similarity } from './trigrams.js';

let db: Db;
before(async () => {
  db = await freshDatabase();
});
after(() => db.close());

test('the TypeScript trigram similarity agrees with pg_trgm', async () => {
  const word = fc.stringMatching(/^[a-z]{1,9}$/);
  const phrase = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
  await fc.assert(
    fc.asyncProperty(phrase, phrase, async (a, b) => {
      const [row] = await db.query<{ s: number }>('select similarity($1, $2) as s', [a, b]);
      assert.ok(Math.abs(similarity(a, b) - (row?.s ?? -1)) < 1e-6, `${a} / ${b}`);
    }),
    { numRuns: 150 },
  );
});

test('folding matches lower(unaccent()) for Welsh and other accented words', async () => {
  const words = [
    'Dŵr',
    'Tŷ',
    'Caffi Café',
    'ŴYL',
    'Crème brûlée',
    'Łódź',
    'Straße',
    'Æbleskiver',
    'Øre',
    'naïve',
    'Ŷ ŵ â ê î ô û',
  ];
  for (const w of words) {
    const [row] = await db.query<{ f: string }>('select lower(unaccent($1)) as f', [w]);
    assert.equal(fold(w), row?.f, w);
  }
});

test('the words matched by spelling leave out exclusions, short and common words', () => {
  assert.deepEqual(fuzzyWords('Yoga for the beginners -hot ab'), ['yoga', 'beginners']);
  assert.deepEqual(fuzzyWords('"Dŵr" café'), ['dwr', 'cafe']);
  assert.deepEqual(fuzzyWords('a b c'), []);
});

test('the closest word of a title is picked for "did you mean"', () => {
  assert.deepEqual(closestWord('chiar', 'chair-based exercise')?.word, 'chair');
  assert.equal(closestWord('xyz', 'chair-based exercise'), null);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { categoryFit, MUTUAL_AID_CATEGORIES, RELATED_CATEGORIES } from './categories.js';

test('exact category 1, related 0.5 both ways, an open "other" offer 0.25, unrelated 0', () => {
  assert.equal(categoryFit('prescriptions', ['prescriptions']), 1);
  assert.equal(categoryFit('prescriptions', ['shopping']), 0.5);
  assert.equal(categoryFit('shopping', ['prescriptions']), 0.5);
  assert.equal(categoryFit('dog-walking', ['other']), 0.25);
  assert.equal(categoryFit('other', ['other']), 1);
  assert.equal(categoryFit('dog-walking', ['forms', 'tech-help']), 0);
  assert.equal(categoryFit('befriending-calls', ['language-help']), 0);
  assert.equal(
    categoryFit('forms', ['other', 'tech-help', 'forms']),
    1,
    'the best of the offer’s categories',
  );
  assert.equal(categoryFit('forms', []), 0);
});

test('the related table only names known categories and is never a category with itself', () => {
  for (const [a, b] of RELATED_CATEGORIES) {
    assert.ok(MUTUAL_AID_CATEGORIES.includes(a) && MUTUAL_AID_CATEGORIES.includes(b), `${a} ↔ ${b}`);
    assert.notEqual(a, b);
  }
});

test('a category the table does not know still matches itself exactly', () => {
  assert.equal(categoryFit('sewing', ['sewing']), 1);
  assert.equal(categoryFit('sewing', ['shopping']), 0);
});

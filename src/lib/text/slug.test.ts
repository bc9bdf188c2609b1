import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { slugify } from './slug.js';

test('turns ward names into readable slugs', () => {
  assert.equal(slugify('Gorse Hill & Cornbrook'), 'gorse-hill-cornbrook');
  assert.equal(slugify('Bucklow-St Martins'), 'bucklow-st-martins');
  assert.equal(slugify('Ysgol Gymraeg Bro Dâr'), 'ysgol-gymraeg-bro-dar');
  assert.equal(slugify('  --Hale--  '), 'hale');
});

test('any text gives a slug that matches the database check', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (s) => {
      const slug = slugify(s);
      assert.ok(slug === '' || /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug), slug);
      assert.ok(slug.length <= 60);
    }),
  );
});

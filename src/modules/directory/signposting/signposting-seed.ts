import { seededRandom } from '../../../lib/random/seeded.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { CATEGORIES, type Category } from '../categories.js';

/**
 * A year of made-up signposting for the demo place, so the demand page has a story to tell:
 * money, food and loneliness asked about most, and more in some wards than others. Run it
 * after the directory's listings are indexed, so that some signposting points at them.
 * Idempotent: a place that already has signposting is left alone.
 */

// Weights: how often each subject comes up. Unlisted subjects come up once in a while.
const SUBJECT_WEIGHTS: Partial<Record<Category, number>> = {
  'money-debt': 14,
  food: 12,
  'social-befriending': 10,
  'mental-health': 9,
  'older-people': 7,
  housing: 6,
  'employment-skills': 5,
  carers: 4,
  'children-families': 4,
  'learning-language': 3,
  'migrants-refugees': 2,
  'health-wellbeing': 3,
};

const ELSEWHERE = [
  'Citizens Advice Trafford',
  'Trafford Council housing options',
  'Jobcentre Plus, Stretford',
  'GP surgery social prescriber',
  'NHS talking therapies',
  'Trafford Carers Centre',
  'Local food bank',
];

/** A small deterministic generator, so every demo database is the same. */
const random = seededRandom;

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

export async function seedSignposting({ db, place, log }: SeedContext, count = 400): Promise<void> {
  if (place.slug !== 'trafford') return;
  const existing = await db.query('select 1 from directory_signpostings where place_id = $1 limit 1', [
    place.id,
  ]);
  if (existing.length) return;
  const wards = await db.query<{ code: string }>('select code from wards where place_id = $1 order by code', [
    place.id,
  ]);
  if (!wards.length) return;
  const listed = await db.query<{ kind: string; ref_id: string; ward_code: string; categories: string[] }>(
    `select kind, ref_id, ward_code, categories from search_documents
     where place_id = $1 and visible and kind in ('group', 'service', 'hub') and ward_code is not null`,
    [place.id],
  );
  const rand = random(20_260_401);
  const subjects: Category[] = CATEGORIES.flatMap((c) => Array(SUBJECT_WEIGHTS[c] ?? 1).fill(c));
  // Some wards are busier: their connectors are more active, or need is greater there.
  const wardPool = wards.flatMap((w, i) => Array(1 + (i % 4 === 0 ? 3 : i % 3)).fill(w.code) as string[]);
  const now = Date.now();
  await withTransaction(db, async (tx) => {
    for (let i = 0; i < count; i++) {
      const category = pick(rand, subjects);
      const ward = pick(rand, wardPool);
      const near = listed.filter((l) => l.ward_code === ward && l.categories.includes(category));
      const toListing = near.length > 0 && rand() < 0.7;
      const target = toListing ? pick(rand, near) : null;
      const at = new Date(now - Math.floor(rand() * 360 * 24 * 3600 * 1000));
      await tx.query(
        `insert into directory_signpostings
           (place_id, category, ward_code, destination_kind, destination_ref, destination_text, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [
          place.id,
          category,
          ward,
          target ? target.kind : 'other',
          target ? target.ref_id : null,
          target ? null : pick(rand, ELSEWHERE),
          at,
        ],
      );
    }
  });
  log(`signposting: ${count} demo records`);
}

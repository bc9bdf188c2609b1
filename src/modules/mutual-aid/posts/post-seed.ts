import { withTransaction } from '../../../platform/db/transaction.js';
import { registerPost } from '../../../platform/moderation/moderation-service.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { listWards } from '../../wards/ward-service.js';

/** The demo need (its page is `/trafford/help/needs/<this id>`). */
export const DEMO_NEED_ID = '3f0c6a52-91d4-4c1e-9a7b-5e2d8f1a0001';
/** An offer that fits the demo need (shopping and prescriptions). */
export const DEMO_OFFER_ID = '3f0c6a52-91d4-4c1e-9a7b-5e2d8f1a0004';
/** The shelf request and the odd-jobs offer that the demo match joins. */
export const DEMO_MATCHED_NEED_ID = '3f0c6a52-91d4-4c1e-9a7b-5e2d8f1a0003';
export const DEMO_MATCHED_OFFER_ID = '3f0c6a52-91d4-4c1e-9a7b-5e2d8f1a0007';

// Private details use Ofcom's drama numbers and reserved example domains, so the leak test has
// real-looking values to look for and nothing real can ever leak.
const POSTS = [
  {
    id: DEMO_NEED_ID,
    kind: 'need',
    categories: ['prescriptions'],
    title: 'Collecting a prescription on Fridays',
    ward: 'longford',
    days: 7,
    address: '14 Example Grove, Stretford',
    phone: '0161 496 0014',
    name: 'Margaret',
  },
  {
    id: '3f0c6a52-91d4-4c1e-9a7b-5e2d8f1a0002',
    kind: 'need',
    categories: ['befriending-calls'],
    title: 'A chat on the phone once a week',
    ward: 'urmston',
    days: 60,
    address: '',
    phone: '0161 496 0022',
    name: 'Ted',
  },
  {
    id: DEMO_MATCHED_NEED_ID,
    kind: 'need',
    categories: ['odd-jobs'],
    title: 'Putting up a shelf',
    ward: 'sale-moor',
    days: 14,
    address: '3 Sample Street, Sale',
    phone: '',
    name: 'Priya',
  },
  {
    id: DEMO_OFFER_ID,
    kind: 'offer',
    categories: ['shopping', 'prescriptions'],
    title: 'Weekly shop or prescription run near Stretford',
    ward: 'stretford-humphrey-park',
    days: 31,
    address: '',
    phone: '0161 496 0031',
    name: 'Sam',
  },
  {
    id: '3f0c6a52-91d4-4c1e-9a7b-5e2d8f1a0005',
    kind: 'offer',
    categories: ['dog-walking'],
    title: 'Dog walks in the morning around Longford Park',
    ward: 'longford',
    days: 31,
    address: '',
    phone: '',
    name: 'Aisha',
  },
  {
    id: '3f0c6a52-91d4-4c1e-9a7b-5e2d8f1a0006',
    kind: 'offer',
    categories: ['tech-help', 'forms'],
    title: 'Help with phones, tablets and online forms',
    ward: 'altrincham',
    days: 92,
    address: '',
    phone: '0161 496 0066',
    name: 'Dev',
  },
  {
    id: DEMO_MATCHED_OFFER_ID,
    kind: 'offer',
    categories: ['odd-jobs', 'gardening'],
    title: 'Small jobs round the house: shelves, flat-pack, hedges',
    ward: 'sale-moor',
    days: 31,
    address: '',
    phone: '0161 496 0077',
    name: 'Jo',
  },
] as const;

export async function seedAidPosts({ db, place, log }: SeedContext): Promise<void> {
  if (place.slug !== 'trafford') return;
  const wards = new Map((await listWards({ db, place, actor: null })).map((w) => [w.slug, w]));
  await withTransaction(db, async (tx) => {
    let added = 0;
    for (const p of POSTS) {
      const ward = wards.get(p.ward);
      if (!ward) continue;
      const rows = await tx.query(
        `insert into aid_posts (id, place_id, kind, categories, title, ward_code, approx_lon, approx_lat, private_name,
           private_address, private_phone, private_email, window_from, window_to, availability, max_distance_metres,
           expires_at, moderation_status)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now(), $13, $14, $15, $16, 'published')
         on conflict (id) do nothing returning id`,
        [
          p.id,
          place.id,
          p.kind,
          [...p.categories],
          p.title,
          ward.code,
          ward.centroid?.lon ?? null,
          ward.centroid?.lat ?? null,
          p.name,
          p.address,
          p.phone,
          `${p.name.toLowerCase()}@example.com`,
          p.kind === 'need' ? new Date(Date.now() + p.days * 86_400_000) : null,
          JSON.stringify(p.kind === 'offer' ? { days: ['MO', 'WE', 'FR'], times: ['morning'] } : []),
          p.kind === 'offer' ? 2000 : null,
          new Date(Date.now() + p.days * 86_400_000),
        ],
      );
      if (!rows.length) continue;
      added++;
      await registerPost(
        tx,
        { db, place, actor: null, requestId: 'seed' },
        {
          module: 'mutual-aid',
          contentType: p.kind,
          contentId: p.id,
          summary: p.title,
          url: `/${place.slug}/help/${p.kind}s/${p.id}`,
        },
      );
    }
    log(`Mutual aid: ${added} needs and offers`);
  });
}

/**
 * Test data for the search tests: a place of its own (with Trafford's wards copied in, so
 * whatever other modules seed into the demo place cannot change the figures) and a small set
 * of documents chosen to exercise spelling, accents, filters and distance.
 */
import type { Db } from '../db/types.js';
import { type Place, upsertPlace } from '../places/place-service.js';
import { indexDocument, type SearchDocument } from './search-index.js';

export const WARDS = {
  altrincham: 'E05015239',
  bucklow: 'E05015244',
  davyhulme: 'E05015245',
  oldTrafford: 'E05015253',
  saleMoor: 'E05015255',
  stretford: 'E05015256',
  urmston: 'E05015259',
} as const;

/** A place with the demo place's 21 wards and the directory switched on. */
export async function createSearchPlace(db: Db, slug: string): Promise<Place> {
  const place = await upsertPlace(db, {
    slug,
    name: `Search test ${slug}`,
    councilName: 'Test Council',
    nation: 'england',
    brandColour: '#00625e',
    logoSvg: null,
    tagline: 'Tests',
    contactEmail: 'tests@example.org',
    languages: ['en', 'cy'],
    modules: ['wards', 'directory'],
  });
  await db.query(
    `insert into wards (place_id, code, slug, name, boundary, display_boundary, centroid_lon, centroid_lat, population, population_source)
     select $1, code, slug, name, boundary, display_boundary, centroid_lon, centroid_lat, population, population_source
     from wards where place_id = (select id from places where slug = 'trafford')
     on conflict do nothing`,
    [place.id],
  );
  return place;
}

type Doc = Omit<SearchDocument, 'placeId' | 'url'> & { url?: string };

const base = {
  summary: '',
  wardCode: null,
  point: null,
  categories: [],
  languages: [],
  days: [],
  times: [],
  ageMin: null,
  ageMax: null,
  free: null,
  accessible: null,
  visible: true,
} satisfies Partial<Doc>;

export const DOCS: Doc[] = [
  {
    ...base,
    kind: 'group',
    refId: 'yogga',
    title: 'Yogga for beginners',
    summary: 'Gentle stretching on Tuesday evenings, mats provided.',
    wardCode: WARDS.stretford,
    point: { lon: -2.3185, lat: 53.4425 },
    categories: ['sport-fitness', 'health-wellbeing'],
    days: ['TU'],
    times: ['evening'],
    ageMin: 16,
    free: true,
    accessible: true,
  },
  {
    ...base,
    kind: 'activity',
    refId: 'yoga-park',
    title: 'Yoga in the park',
    summary: 'Saturday morning yoga on the grass by the bandstand.',
    wardCode: WARDS.urmston,
    point: { lon: -2.3512, lat: 53.4493 },
    categories: ['sport-fitness'],
    days: ['SA'],
    times: ['morning'],
    free: false,
    accessible: false,
  },
  {
    ...base,
    kind: 'service',
    refId: 'caffi',
    title: 'Caffi Café Dŵr',
    summary: 'A community café by the water, with a pay-as-you-can menu.',
    wardCode: WARDS.altrincham,
    point: { lon: -2.3472, lat: 53.3889 },
    categories: ['food', 'social-befriending'],
    languages: ['cy'],
    days: ['MO', 'TU', 'WE', 'TH', 'FR'],
    times: ['morning', 'afternoon'],
    free: false,
    accessible: true,
  },
  {
    ...base,
    kind: 'hub',
    refId: 'ty-coffi',
    title: 'Tŷ Coffi community hub',
    summary: 'Advice, a warm space and a library of things.',
    body: 'Welfare benefits advice and employment support from partners.',
    wardCode: WARDS.bucklow,
    point: { lon: -2.4226, lat: 53.4158 },
    categories: ['community-centre', 'money-debt'],
    days: ['MO', 'WE', 'FR'],
    times: ['morning', 'afternoon'],
    free: true,
    accessible: true,
    tags: ['warm space', 'library of things'],
  },
  {
    ...base,
    kind: 'activity',
    refId: 'chair-exercise',
    title: 'Chair-based exercise',
    summary: 'Seated exercise for older people, with tea afterwards.',
    wardCode: WARDS.saleMoor,
    point: { lon: -2.2911, lat: 53.4201 },
    categories: ['older-people', 'sport-fitness'],
    days: ['WE'],
    times: ['afternoon'],
    ageMin: 60,
    free: true,
  },
  {
    ...base,
    kind: 'group',
    refId: 'sale-moor-food-bank',
    title: 'Sale Moor Food Bank',
    summary: 'Emergency food parcels, no referral needed.',
    wardCode: WARDS.saleMoor,
    point: { lon: -2.2873, lat: 53.4182 },
    categories: ['food', 'money-debt'],
    days: ['TH'],
    times: ['afternoon'],
    free: true,
    accessible: true,
  },
  {
    ...base,
    kind: 'service',
    refId: 'debt-advice',
    title: 'Debt advice drop-in',
    summary: 'Free, confidential help with debts and budgeting.',
    wardCode: WARDS.oldTrafford,
    point: { lon: -2.2655, lat: 53.4601 },
    categories: ['money-debt'],
    languages: ['ur', 'pl'],
    days: ['TH'],
    times: ['morning'],
    ageMin: 18,
    free: true,
  },
  {
    ...base,
    kind: 'group',
    refId: 'polish-toddlers',
    title: 'Polish mums and toddlers',
    summary: 'Songs and play in Polish and English.',
    wardCode: WARDS.davyhulme,
    point: { lon: -2.3781, lat: 53.4577 },
    categories: ['children-families'],
    languages: ['pl'],
    days: ['FR'],
    times: ['morning'],
    ageMin: 0,
    ageMax: 5,
    free: true,
  },
  {
    ...base,
    kind: 'group',
    refId: 'swimming',
    title: 'Stretford Swimming Club',
    summary: 'Lessons and squads for young swimmers.',
    wardCode: WARDS.stretford,
    point: { lon: -2.3172, lat: 53.4401 },
    categories: ['sport-fitness', 'young-people'],
    days: ['SA', 'SU'],
    times: ['morning'],
    ageMin: 5,
    ageMax: 16,
    free: false,
  },
  {
    ...base,
    kind: 'group',
    refId: 'online-knitting',
    title: 'Online knitting circle',
    summary: 'Knit and natter on a video call; everyone welcome.',
    categories: ['arts-culture', 'social-befriending'],
    days: ['MO'],
    times: ['evening'],
    free: true,
  },
  {
    ...base,
    kind: 'group',
    refId: 'secret-yoga',
    title: 'Hidden yoga club',
    summary: 'Awaiting moderation.',
    wardCode: WARDS.altrincham,
    point: { lon: -2.347, lat: 53.39 },
    categories: ['sport-fitness'],
    visible: false,
  },
];

/** Indexes the documents for a place, in one transaction, as modules do. */
export async function indexDocs(db: Db, place: Place, docs: Doc[] = DOCS): Promise<void> {
  await db.transaction(async (tx) => {
    for (const d of docs) {
      await indexDocument(tx, {
        ...d,
        placeId: place.id,
        url: d.url ?? `/${place.slug}/${d.kind}s/${d.refId}`,
      });
    }
  });
}

/** `n` walking groups spread over the wards, for paging. */
export function walkingGroups(n: number): Doc[] {
  return Array.from({ length: n }, (_, i) => ({
    ...base,
    kind: 'group' as const,
    refId: `walk-${String(i + 1).padStart(2, '0')}`,
    title: `Walking group ${String(i + 1).padStart(2, '0')}`,
    summary: 'A weekly walk and a chat.',
    wardCode: Object.values(WARDS)[i % 7] ?? null,
    point: { lon: -2.4 + (i % 5) * 0.03, lat: 53.38 + Math.floor(i / 5) * 0.02 },
    categories: ['health-wellbeing'],
    free: true,
  }));
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import type { Category } from '../categories.js';
import { checkRows, insertGroups, placeRows, readGroupsCsv } from './group-import.js';
import { GroupInput } from './group-input.js';

const DIR = fileURLToPath(new URL('../../../../demo-data/trafford/assets/directory/', import.meta.url));

function readCsv(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(DIR + file), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}

/** A stable pick from a list, so every seed of the demo gives the same data. */
function pick<T>(key: string, options: readonly T[]): T {
  const n = createHash('sha256').update(key).digest().readUInt32BE(0);
  return options[n % options.length] as T;
}

// Postcode districts and place names to the 2023 wards they lie in; a district spanning
// several wards gives one of them, chosen by name so the demo is stable.
const DISTRICT_WARDS: Record<string, string[]> = {
  M31: ['bucklow-st-martins'],
  M32: ['stretford-humphrey-park', 'gorse-hill-cornbrook', 'longford'],
  M33: ['sale-central', 'sale-moor', 'ashton-upon-mersey', 'brooklands', 'manor'],
  M41: ['urmston', 'davyhulme', 'flixton'],
  M16: ['old-trafford', 'longford'],
  M17: ['gorse-hill-cornbrook'],
  WA14: ['altrincham', 'broadheath', 'bowdon'],
  WA15: ['hale', 'hale-barns-timperley-south', 'timperley-central', 'timperley-north'],
};
const PLACE_WARDS: [RegExp, string][] = [
  [/partington|carrington/i, 'bucklow-st-martins'],
  [/old trafford/i, 'old-trafford'],
  [/stretford/i, 'stretford-humphrey-park'],
  [/gorse hill|trafford park/i, 'gorse-hill-cornbrook'],
  [/firswood/i, 'longford'],
  [/davyhulme/i, 'davyhulme'],
  [/flixton/i, 'flixton'],
  [/urmston/i, 'urmston'],
  [/sale moor/i, 'sale-moor'],
  [/ashton/i, 'ashton-upon-mersey'],
  [/brooklands/i, 'brooklands'],
  [/hale barns/i, 'hale-barns-timperley-south'],
  [/timperley/i, 'timperley-central'],
  [/bowdon/i, 'bowdon'],
  [/broadheath/i, 'broadheath'],
  [/hale/i, 'hale'],
  [/altrincham/i, 'altrincham'],
  [/sale/i, 'sale-central'],
  [/lostock/i, 'lostock-barton'],
];

function wardFor(name: string, address: string, postcode: string): string {
  for (const [pattern, ward] of PLACE_WARDS) if (pattern.test(address)) return ward;
  const district = postcode.trim().toUpperCase().split(/\s+/)[0] ?? '';
  return pick(name, DISTRICT_WARDS[district] ?? ['stretford-humphrey-park']);
}

/** "ST MARY'S CHURCH, SALE" → "St Mary's Church, Sale": register names are in capitals. */
function titleCase(s: string): string {
  return s
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/(^|[\s(/-])([a-z])/g, (_, p: string, c: string) => p + c.toUpperCase())
    .replace(/\b(And|Of|The|For|In|At|On|To|Upon)\b/g, (w, offset: number) =>
      offset === 0 ? w : w.toLowerCase(),
    )
    .replace(/\b(Cic|Uk|Pcc|Ymca|Ywca)\b/g, (w) => w.toUpperCase());
}

function sentence(s: string, max = 290): string {
  const clean = s
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7E£’‘]/g, '')
    .trim();
  const lower = clean === clean.toUpperCase() ? clean.toLowerCase() : clean;
  const text = lower.charAt(0).toUpperCase() + lower.slice(1);
  return text.length > max ? `${text.slice(0, max - 1).replace(/\s+\S*$/, '')}…` : text;
}

const CHARITY_CATEGORIES: [RegExp, Category][] = [
  [
    /church|chapel|mosque|synagogue|temple|gurdwara|parish|pcc|baptist|methodist|catholic|christian|jewish|muslim|islamic|sikh|hindu/i,
    'faith',
  ],
  [/scout|guide|brownie|youth|young people|teen/i, 'young-people'],
  [/school|pta|parent|nursery|pre-school|preschool|playgroup|child|famil/i, 'children-families'],
  [/elderly|older|age uk|pensioner|retire/i, 'older-people'],
  [/mental|mind|wellbeing|counsel/i, 'mental-health'],
  [/hospice|health|medical|cancer|patient|hospital|nurs/i, 'health-wellbeing'],
  [/disab|blind|deaf|autism|learning difficult/i, 'disability'],
  [/carer/i, 'carers'],
  [/food|hunger|meal/i, 'food'],
  [/refugee|asylum|migrant/i, 'migrants-refugees'],
  [/sport|football|cricket|rugby|tennis|golf|swim|athlet|bowling|hockey/i, 'sport-fitness'],
  [/music|choir|theatre|art|drama|band|orchestra|heritage|history|archaeolog|museum/i, 'arts-culture'],
  [/garden|environment|park|wildlife|green|allotment|tree/i, 'environment'],
  [/housing|homeless|tenant/i, 'housing'],
  [/debt|poverty|money|relief of need/i, 'money-debt'],
  [/community centre|community association|village hall|residents/i, 'community-centre'],
  [/educat|learn|library|lecture/i, 'learning-language'],
];

const SPORT_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** The demo's staged import (its preview page is `/trafford/admin/groups/import/<this id>`). */
export const DEMO_IMPORT_ID = '6b1d2c7e-0d7a-4c43-9a55-3f6f1e0c0001';
const SAMPLE_IMPORT = [
  'name,summary,category,ward,days,times,postcode',
  'Ashton on Mersey Men’s Shed,"Woodwork, repairs and a brew for men of all ages.",social-befriending,Ashton upon Mersey,WE,morning,M33 5PN',
  'Bowdon Bird Watchers,,environment,Bowdon,SA,morning,',
  'Manor Ward Tenants’ Association,Residents working together on housing and estate issues.,tenants-residents,Manor,TH,evening,M33 NOPE',
].join('\n');

type Row = { values: Record<string, string>; sourceId: string; isHub?: boolean };

/** Hand-written groups that show what a full record looks like, and make demo journeys work. */
function showcase(): Row[] {
  const g = (values: Record<string, string>, isHub = false): Row => ({
    values: { contactVisibility: 'public', cost: 'free', status: 'active', ...values },
    sourceId: `showcase:${values.name}`,
    isHub,
  });
  return [
    g({
      name: 'Stretford Walking Group',
      summary: 'A friendly, gentle walk round Longford Park every Tuesday morning, followed by a cuppa.',
      description:
        'We walk for about an hour at an easy pace, on paths suitable for wheelchairs and buggies.\n\nNew walkers are always welcome: just turn up at the park gates on Edge Lane.',
      category: 'health-wellbeing',
      whoFor: 'Anyone who would like to walk and talk; most of us are over 50',
      whereWhen: 'Longford Park gates, Edge Lane, Tuesdays at 10am',
      ward: 'longford',
      lat: '53.4495',
      lon: '-2.2965',
      days: 'TU',
      times: 'morning',
      tags: 'walking, fresh air, older people',
      stepFree: 'yes',
      accessibility: 'Flat tarmac paths; accessible toilets in the park cafe',
      contactName: 'Walk leader',
      contactEmail: 'walks@stretford-walkers.example.org',
      lookingForVolunteers: 'yes',
      volunteerDetails: 'We need a second walk leader for the slower group. Training is free.',
    }),
    g({
      name: 'Yogga for Beginners in Urmston',
      summary: 'Chair-based and mat yoga for complete beginners, pay what you can.',
      category: 'sport-fitness',
      ward: 'urmston',
      whereWhen: 'Urmston Library community room, Thursday evenings 6.30pm',
      days: 'TH',
      times: 'evening',
      cost: 'donation',
      tags: 'yoga, stretching, beginners',
      ageMin: '16',
      contactVisibility: 'signed-in',
      contactEmail: 'yoga.urmston@example.org',
    }),
    g({
      name: 'Caffi Cymraeg Altrincham',
      summary: 'Sgwrs a phaned: a Welsh-language café for fluent speakers and learners — croeso i bawb.',
      category: 'learning-language',
      ward: 'altrincham',
      whereWhen: 'Altrincham Library, first Saturday of the month, 10.30am',
      days: 'SA',
      times: 'morning',
      languages: 'cy',
      tags: 'Cymraeg, Welsh, Dŵr a choffi, language',
      contactVisibility: 'hidden',
      website: 'https://caffi-cymraeg.example.org',
    }),
    g(
      {
        name: 'Partington Community Hub',
        summary:
          'The community hub for Partington and Carrington: advice, a warm space, a food pantry and activities.',
        description:
          'Run by local people with partners from Trafford Council and the voluntary sector. Drop in for a chat, advice on money and benefits, job search help or a hot drink.',
        category: 'community-centre',
        ward: 'bucklow-st-martins',
        lat: '53.4207',
        lon: '-2.4249',
        address: 'Central Road, Partington',
        postcode: 'M31 4FL',
        days: 'MO,TU,WE,TH,FR',
        times: 'morning,afternoon',
        stepFree: 'yes',
        tags: 'hub, advice, warm space, food pantry',
        contactEmail: 'hello@partington-hub.example.org',
        contactPhone: '0161 000 0000',
        lookingForVolunteers: 'yes',
        volunteerDetails: 'Help run the food pantry on Wednesdays, or welcome visitors at reception.',
      },
      true,
    ),
    g({
      name: 'Sale Moor Repair Café',
      summary:
        'Bring your broken things and fix them with our volunteer menders: electricals, bikes, clothes and more.',
      category: 'environment',
      ward: 'sale-moor',
      whereWhen: 'Sale Moor Community Centre, last Sunday of the month, 1pm to 4pm',
      days: 'SU',
      times: 'afternoon',
      tags: 'repair, reuse, sustainability, cafe',
      lookingForVolunteers: 'yes',
      volunteerDetails: 'Handy with a sewing machine or a soldering iron? Join our menders.',
    }),
    g({
      name: 'Old Trafford Somali Mothers Group',
      summary:
        'A weekly meeting for Somali mothers and their little ones, with English practice and health talks.',
      category: 'children-families',
      ward: 'old-trafford',
      days: 'WE',
      times: 'morning',
      languages: 'so',
      whoFor: 'Mothers and carers with children under 5',
      contactVisibility: 'signed-in',
      contactPhone: '0161 000 0001',
    }),
  ];
}

/** Several hundred groups for the demo place from real public lists, plus a few showcase ones. */
export async function seedGroups({ db, place, log }: SeedContext): Promise<void> {
  if (place.slug !== 'trafford') return;
  const existing = await db.query<{ n: number }>(
    'select count(*)::int as n from directory_groups where place_id = $1',
    [place.id],
  );
  if ((existing[0]?.n ?? 0) > 0) return;
  const rows: Row[] = [...showcase()];
  for (const r of readCsv('charities.csv')) {
    const name = titleCase(r.charity_name ?? '').slice(0, 120);
    const activities = r.charity_activities ?? '';
    rows.push({
      values: {
        name,
        summary: sentence(activities),
        category: CHARITY_CATEGORIES.find(([p]) => p.test(`${name} ${activities}`))?.[1] ?? 'volunteering',
        ward: wardFor(name, name, r.postcode_district ?? ''),
        website: /^(https?:\/\/)?[\w.-]+\.[a-z]{2,}(\/\S*)?$/i.test(r.website ?? '')
          ? (r.website ?? '').replace(/^(?!https?:\/\/)/i, 'https://')
          : '',
        tags: 'registered charity',
        contactVisibility: 'hidden',
      },
      sourceId: `charity:${r.registered_charity_number}`,
    });
  }
  for (const r of readCsv('sports_clubs.csv')) {
    const name = (r.name ?? '').trim().slice(0, 120);
    const sport = (r.category ?? '').trim();
    rows.push({
      values: {
        name,
        summary: `${sport} club in ${(r.address ?? '').split(',').pop()?.trim() || 'Trafford'}.`,
        category: 'sport-fitness',
        ward: wardFor(name, r.address ?? '', r.postcode ?? ''),
        address: r.address ?? '',
        postcode: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i.test(r.postcode ?? '') ? (r.postcode ?? '') : '',
        tags: sport.toLowerCase(),
        days: pick(name, SPORT_DAYS),
        times: pick(`${name}t`, ['evening', 'morning', 'afternoon']),
        cost: 'paid',
      },
      sourceId: `sports-club:${name}`,
    });
  }
  for (const r of readCsv('places_of_worship.csv')) {
    rows.push({
      values: {
        name: (r.name ?? '').slice(0, 120),
        summary: 'A place of worship, open to its community for services and activities.',
        category: 'faith',
        ward: 'unknown',
        lat: r.lat ?? '',
        lon: r.lon ?? '',
        tags: 'faith, worship',
      },
      sourceId: `worship:${r.name}:${r.lon},${r.lat}`,
    });
  }
  for (const r of readCsv('allotments.csv')) {
    rows.push({
      values: {
        name: `${r.name} allotments`,
        summary: `Allotment site at ${r.name}: ask about plots and the waiting list.`,
        category: 'environment',
        ward: 'unknown',
        lat: r.lat ?? '',
        lon: r.lon ?? '',
        tags: 'allotment, growing, gardening',
      },
      sourceId: `allotment:${r.osm_id}`,
    });
  }
  const ctx = { db, place, actor: null, requestId: 'seed' };
  // Public lists have the odd unusable row (no name, an unreadable description): leave those out.
  const usable = rows.filter((r) => GroupInput.safeParse(r.values).success);
  const placed = await placeRows(ctx, usable);
  // A spreadsheet waiting for an admin's review, so the demo shows the import preview.
  const sampleImport = await checkRows(ctx, readGroupsCsv(SAMPLE_IMPORT));
  await withTransaction(db, async (tx) => {
    const ids = await insertGroups(tx, ctx, placed, 'demo:public-records');
    // The hub's partners, so the hub page shows what hubs are for.
    const [hub] = await tx.query<{ id: string }>(
      "select id from directory_groups where place_id = $1 and slug = 'partington-community-hub'",
      [place.id],
    );
    if (hub) {
      for (const [name, kind, offer] of [
        [
          'Trafford Council Adult Social Care',
          'social-care',
          'Drop-in with a social worker, Mondays 10am to 12 noon',
        ],
        ['Trafford Public Health', 'public-health', 'NHS health checks and stop-smoking support, monthly'],
        ['Trafford Jobcentre Plus', 'employment', 'Work coach surgery, Thursdays 1pm to 3pm'],
        ['Citizens Advice Trafford', 'money', 'Benefits and debt advice by appointment'],
      ] as const) {
        await tx.query(
          'insert into directory_hub_partners (place_id, hub_group_id, partner_name, kind, offer) values ($1, $2, $3, $4, $5)',
          [place.id, hub.id, name, kind, offer],
        );
      }
    }
    await tx.query(
      'insert into directory_imports (id, place_id, filename, rows) values ($1, $2, $3, $4) on conflict do nothing',
      [DEMO_IMPORT_ID, place.id, 'new-groups-from-the-volunteer-centre.csv', JSON.stringify(sampleImport)],
    );
    log(`Directory: ${ids.length} groups (${rows.length - usable.length} unusable rows left out)`);
  });
}

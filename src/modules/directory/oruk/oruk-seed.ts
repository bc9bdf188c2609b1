import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { SeedContext } from '../../../platform/module-definition.js';
import type { Category } from '../categories.js';
import { parseOpeningHours } from './opening-hours.js';
import { kithTermId, uuidV5 } from './oruk-ids.js';
import type { Json } from './oruk-normalise.js';
import { importOrukFeed } from './oruk-service.js';
import { kithTerm } from './oruk-taxonomy.js';

/**
 * Trafford's demo services, from the council's and Trafford Data Lab's open data (OGL v3,
 * see demo-data/trafford/README.md): libraries, community response hubs, leisure centres,
 * children's centres, food banks, Jobcentres, GP practices, care homes and the mental health
 * services directory. Ids derive from each record, so seeding again updates in place.
 * Personal contact details are never used: only organisations' own phone numbers, emails
 * and websites, and no personal webmail addresses.
 */

const DEMO = fileURLToPath(new URL('../../../../demo-data/trafford/', import.meta.url));
const OPEN_DATA = 'https://github.com/traffordDataLab/open_data/tree/master/';
const COUNCIL_DATA = 'https://github.com/traffordDataLab/council_open_data/tree/master/';

type Row = Record<string, string>;

function readCsv(file: string): Row[] {
  return parse(fs.readFileSync(DEMO + file), { columns: true, skip_empty_lines: true, bom: true }) as Row[];
}

const id = (...parts: string[]) => uuidV5(`trafford-demo|${parts.join('|')}`);

/** Phone numbers as people write them: "0161 749 2570", "07411 400141". */
export function ukPhone(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let digits = raw.replace(/\D/g, '');
  if (digits.length === 10 && digits.startsWith('1')) digits = `0${digits}`;
  if (digits.length !== 11 || !digits.startsWith('0')) return raw.trim() || undefined;
  if (/^0(1\d1|\d{2}1|3|8|2)/.test(digits) && !digits.startsWith('07')) {
    return `${digits.slice(0, 4)} ${digits.slice(4, 7)} ${digits.slice(7)}`;
  }
  return `${digits.slice(0, 5)} ${digits.slice(5)}`;
}

const WEBMAIL = /@(gmail|googlemail|hotmail|outlook|live|yahoo|icloud|aol|btinternet)\./i;

/** An organisation's email only: personal webmail addresses are left out of the demo. */
function orgEmail(raw: string | undefined): string | undefined {
  const v = raw?.trim();
  return v?.includes('@') && !WEBMAIL.test(v) ? v : undefined;
}

function website(raw: string | undefined): string | undefined {
  const v = raw?.trim();
  return v && !/^(n\/?a|none)$/i.test(v) ? v : undefined;
}

function num(raw: string | undefined): number | undefined {
  const n = raw ? Number(raw) : Number.NaN;
  return Number.isFinite(n) && raw?.trim() !== '' ? n : undefined;
}

/** A service's place from a row of an open-data list that names, addresses and locates it. */
function venue(r: Row) {
  return {
    address: r.address as string,
    postcode: r.postcode as string,
    lon: num(r.lon),
    lat: num(r.lat),
    name: r.name as string,
  };
}

type Place = {
  address: string;
  postcode: string;
  lon?: number | undefined;
  lat?: number | undefined;
  name?: string;
};

/** Points we know by postcode from the located datasets, for records that only give an address. */
function postcodePoints(): Map<string, { lon: number; lat: number }> {
  const points = new Map<string, { lon: number; lat: number }>();
  const add = (postcode: string | undefined, lon: string | undefined, lat: string | undefined) => {
    const x = num(lon);
    const y = num(lat);
    const key = postcode?.replace(/\s+/g, '').toUpperCase();
    if (key && x !== undefined && y !== undefined && !points.has(key)) points.set(key, { lon: x, lat: y });
  };
  for (const file of [
    'assets/trafford_libraries.csv',
    'assets/trafford_community_hubs.csv',
    'assets/trafford_polling_stations.csv',
    'services/trafford_childrens_centres.csv',
    'services/trafford_jobcentreplus.csv',
    'services/trafford_leisure_centres.csv',
    'services/trafford_general_practices.csv',
    'services/trafford_care_homes.csv',
  ]) {
    for (const r of readCsv(file)) add(r.postcode, r.lon, r.lat);
  }
  return points;
}

function location(place: Place, points: Map<string, { lon: number; lat: number }>): Json {
  const parts = place.address
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const city = parts.length > 1 ? (parts.pop() as string) : '';
  const address1 = parts.join(', ');
  const key = place.postcode.replace(/\s+/g, '').toUpperCase();
  const point =
    place.lon !== undefined && place.lat !== undefined ? { lon: place.lon, lat: place.lat } : points.get(key);
  const locationId = id('location', key, address1.toLowerCase());
  return {
    id: locationId,
    location_type: 'physical',
    name: place.name ?? parts[0] ?? place.address,
    ...(point ? { latitude: point.lat, longitude: point.lon } : {}),
    addresses: [
      {
        id: id('address', locationId),
        location_id: locationId,
        address_1: address1 || place.address,
        city,
        state_province: 'Greater Manchester',
        postal_code: place.postcode.trim(),
        country: 'GB',
        address_type: 'physical',
      },
    ],
  };
}

const TRAFFORD_COUNCIL = {
  name: 'Trafford Council',
  description: 'The local authority for the Metropolitan Borough of Trafford.',
  website: 'https://www.trafford.gov.uk/',
};

type Draft = {
  key: string;
  name: string;
  organization: { name: string; description?: string; website?: string | undefined };
  description: string;
  categories: Category[];
  place?: Place;
  url?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  hours?: string;
  minimumAge?: number;
  maximumAge?: number;
  costs?: Json[];
};

function service(dataset: string, d: Draft, points: Map<string, { lon: number; lat: number }>): Json {
  // The council runs some care homes too: one Trafford Council, described once.
  if (d.organization.name === TRAFFORD_COUNCIL.name) d.organization = TRAFFORD_COUNCIL;
  const serviceId = id(dataset, d.key);
  const organizationId = id('organization', d.organization.name.toLowerCase());
  const out: Json = {
    id: serviceId,
    organization_id: organizationId,
    name: d.name,
    description: d.description,
    ...(d.url ? { url: d.url } : {}),
    ...(d.email ? { email: d.email } : {}),
    status: 'active',
    ...(d.minimumAge !== undefined ? { minimum_age: d.minimumAge } : {}),
    ...(d.maximumAge !== undefined ? { maximum_age: d.maximumAge } : {}),
    organization: {
      id: organizationId,
      name: d.organization.name,
      description: d.organization.description ?? '',
      ...(d.organization.website ? { website: d.organization.website } : {}),
    },
  };
  if (d.hours) {
    const schedules = parseOpeningHours(d.hours);
    const described = schedules.length ? schedules : [{}];
    out.schedules = described.map((s, i) => ({
      id: id('schedule', serviceId, String(i)),
      service_id: serviceId,
      ...s,
      description: d.hours,
    }));
  }
  if (d.place) {
    const loc = location(d.place, points);
    out.service_at_locations = [
      { id: id('service-at-location', serviceId), service_id: serviceId, location_id: loc.id, location: loc },
    ];
  }
  if (d.costs)
    out.cost_options = d.costs.map((c, i) => ({
      id: id('cost', serviceId, String(i)),
      service_id: serviceId,
      ...c,
    }));
  if (d.phone) {
    const contactId = id('contact', serviceId);
    out.contacts = [
      {
        id: contactId,
        service_id: serviceId,
        title: 'General enquiries',
        phones: [{ id: id('phone', contactId), contact_id: contactId, number: d.phone }],
      },
    ];
  }
  out.attributes = [...new Set(d.categories)].map((code) => ({
    id: id('attribute', serviceId, code),
    link_id: serviceId,
    taxonomy_term_id: kithTermId(code),
    link_type: 'service',
    taxonomy_term: kithTerm(code),
  }));
  return out;
}

const FREE = [{ option: 'Free', amount: 0 }];

/** Extra categories a mental health service's description points to. */
function categoriesFrom(text: string): Category[] {
  const rules: [RegExp, Category][] = [
    [/young people|youth|aged 13|13 to 25|13 and 19/i, 'young-people'],
    [/child|famil|parent|mothers|postnatal/i, 'children-families'],
    [/carer/i, 'carers'],
    [/older|dementia|over 50s|later life/i, 'older-people'],
    [/disab|autism|impairment|learning disabilit/i, 'disability'],
    [/refugee|asylum|migrant/i, 'migrants-refugees'],
    [/\barts?\b|music|craft|dance/i, 'arts-culture'],
    [/lonel|isolat|befriend|listening ear|peer support|drop[- ]in/i, 'social-befriending'],
    [/cancer|health inequalit|drugs|alcohol|wellbeing/i, 'health-wellbeing'],
    [/advice|advocat/i, 'money-debt'],
  ];
  return rules.filter(([re]) => re.test(text)).map(([, c]) => c);
}

/** Ages a description states ("aged 13 to 25", "aged 16 and over", "over 50s"). */
export function agesFrom(text: string): { minimumAge?: number; maximumAge?: number } {
  const between = /aged (?:between )?(\d{1,2}|birth) (?:to|and) (\d{1,2})/i.exec(text);
  if (between) {
    return { minimumAge: between[1] === 'birth' ? 0 : Number(between[1]), maximumAge: Number(between[2]) };
  }
  const over = /aged (\d{1,2})(?: years)? and (?:over|above)|over (\d{2})s\b/i.exec(text);
  if (over) return { minimumAge: Number(over[1] ?? over[2]) };
  return {};
}

function costsFrom(text: string): Json[] | undefined {
  const m = /£(\d+(?:\.\d{2})?)\s+for\s+([^.,;]+)/i.exec(text);
  return m
    ? [{ option: 'Course fee', amount: Number(m[1]), amount_description: `£${m[1]} for ${m[2]?.trim()}` }]
    : undefined;
}

/** The sentences of a description that say when something happens, if any do. */
function whenFrom(description: string): string | undefined {
  const sentences = description
    .split(/(?<=\.)\s+/)
    .filter((s) => /\b(mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bmonth\b/i.test(s));
  return sentences.length ? sentences.join(' ') : undefined;
}

const KNOWN_PROVIDERS = ['Trafford Self Help Services', 'Later Life Living'];

function mentalHealthOrganization(name: string, description: string): string {
  const inner = /\(([^)]+)\)/.exec(name)?.[1];
  if (inner && KNOWN_PROVIDERS.includes(inner)) return inner;
  if (/^blueSCI\b/.test(description)) return 'blueSCI';
  return name.replace(/\s*\([^)]*\)\s*/g, ' ').trim();
}

type Dataset = { name: string; source: string; assured: string; drafts: Draft[] };

function datasets(): Dataset[] {
  const libraries = readCsv('assets/trafford_libraries.csv').map(
    (r): Draft => ({
      key: `${r.name}|${r.postcode}`,
      name: r.name as string,
      organization: TRAFFORD_COUNCIL,
      description: `${r.type}. Borrow books, use the free computers and Wi-Fi, get help with getting online, and join in with activities for children and adults.`,
      categories: ['learning-language', 'community-centre'],
      place: venue(r),
      url: website(r.website),
      email: orgEmail(r.email),
      costs: FREE,
    }),
  );
  const hubs = readCsv('assets/trafford_community_hubs.csv').map(
    (r): Draft => ({
      key: `${r.community_hub}|${r.postcode}`,
      name: `${r.community_hub} Community Response Hub`,
      organization: TRAFFORD_COUNCIL,
      description:
        'One of Trafford’s community response hubs, run with local community organisations: help with food, money worries, loneliness and finding the right support, for anyone who needs it.',
      categories: ['community-centre', 'food', 'money-debt', 'mutual-aid'],
      place: {
        address: r.address as string,
        postcode: r.postcode as string,
        lon: num(r.lon),
        lat: num(r.lat),
      },
      url: website(r.website),
      email: orgEmail(r.email),
      phone: ukPhone(r.telephone),
      hours: r.opening_hours?.replace(/\s*\n\s*/g, '; '),
      costs: FREE,
    }),
  );
  const leisure = readCsv('services/trafford_leisure_centres.csv').map(
    (r): Draft => ({
      key: `${r.name}|${r.postcode}`,
      name: r.name as string,
      organization: { name: (r.managed_by as string).replace(/\.$/, '').trim() || 'Trafford Leisure CIC' },
      description: r.facilities as string,
      categories: ['sport-fitness', 'health-wellbeing'],
      place: venue(r),
      url: website(r.website),
      phone: ukPhone(r.telephone),
      hours: r.opening_hours,
    }),
  );
  const childrens = readCsv('services/trafford_childrens_centres.csv').map(
    (r): Draft => ({
      key: `${r.name}|${r.postcode}`,
      name: r.name as string,
      organization: TRAFFORD_COUNCIL,
      description:
        'Children’s centre with play and learning sessions, health visitor clinics, and advice and support for families with young children.',
      categories: ['children-families'],
      place: venue(r),
      phone: ukPhone(r.telephone),
      maximumAge: 5,
      costs: FREE,
    }),
  );
  const foodBanks = readCsv('services/trafford_food_banks.csv').map((r): Draft => {
    const address = r.Address as string;
    const venue = address.split(',')[0]?.trim() ?? address;
    const trussell = r.Name === 'Trussell Trust';
    const org = trussell
      ? /stretford/.test(r.Website ?? '')
        ? 'Stretford Foodbank'
        : 'Trafford South Foodbank'
      : (r.Name as string);
    const referral =
      r['Referral method'] === 'Foodbank Voucher'
        ? ' You need a foodbank voucher: ask an advice agency, your GP, a support worker or a community hub to refer you.'
        : '';
    return {
      key: `${r.Name}|${venue}|${r.Postcode}`,
      name: trussell ? `${org} at ${venue}` : (r.Name as string),
      organization: {
        name: org,
        ...(trussell ? { description: 'Part of the Trussell Trust network of food banks.' } : {}),
        website: website(r.Website),
      },
      description: `Emergency food for people in crisis.${referral}`,
      categories: ['food', 'money-debt'],
      place: { address, postcode: r.Postcode as string, name: venue },
      url: website(r.Website),
      email: orgEmail(r.Contact),
      hours: r['Opening times'],
      costs: FREE,
    };
  });
  const jobcentres = readCsv('services/trafford_jobcentreplus.csv').map(
    (r): Draft => ({
      key: `${r.name}|${r.postcode}`,
      name: `${r.name} Jobcentre Plus`,
      organization: {
        name: 'Department for Work and Pensions',
        website: 'https://www.gov.uk/government/organisations/department-for-work-pensions',
      },
      description:
        'Help to find work, and claims for Universal Credit and other benefits. Most appointments are booked by phone or online.',
      categories: ['employment-skills', 'money-debt'],
      place: {
        address: r.address as string,
        postcode: r.postcode as string,
        lon: num(r.lon),
        lat: num(r.lat),
      },
      url: 'https://www.gov.uk/contact-jobcentre-plus',
      costs: FREE,
    }),
  );
  const gps = readCsv('services/trafford_general_practices.csv').map(
    (r): Draft => ({
      key: `${r.name}|${r.postcode}`,
      name: r.name as string,
      organization: { name: r.name as string, description: 'NHS GP practice.' },
      description:
        'NHS GP practice: appointments with GPs and nurses, repeat prescriptions, vaccinations and referrals. Register with the practice if you live in its area.',
      categories: ['health-wellbeing'],
      place: venue(r),
      phone: ukPhone(r.telephone),
      costs: FREE,
    }),
  );
  const careHomes = readCsv('services/trafford_care_homes.csv').map((r): Draft => {
    const types = (r.type as string).split('|').map((t) => t.trim().toLowerCase());
    return {
      key: `${r.cqc_id}`,
      name: r.name as string,
      organization: { name: (r.provider as string).trim() },
      description: `Care home (${types.join(', ')}) registered with the Care Quality Commission. Last inspected on ${r.inspection_date}: see the CQC report for its rating.`,
      categories: types.some((t) => /supported living/.test(t))
        ? ['older-people', 'disability']
        : ['older-people'],
      place: {
        address: (r.address as string).replace(/,(\S)/g, ', $1'),
        postcode: r.postcode as string,
        lon: num(r.lon),
        lat: num(r.lat),
        name: r.name as string,
      },
      url: website(r.website) ?? website(r.cqc_webpage),
      phone: ukPhone(r.telephone),
    };
  });
  const seen = new Map<string, number>();
  const mental = readCsv('services/trafford_mental_health_services.csv').map((r): Draft => {
    const description = r.description as string;
    const town = (r.address as string).split(',').at(-1)?.trim() ?? '';
    // The list repeats some names (the same charity in two places): say where, to tell them apart.
    const count = (seen.get(r.name as string) ?? 0) + 1;
    seen.set(r.name as string, count);
    return {
      key: `${r.name}|${r.postcode}`,
      name:
        count > 1 || ['Dance System CIC', 'Being There'].includes(r.name as string)
          ? `${r.name} (${town})`
          : (r.name as string),
      organization: {
        name: mentalHealthOrganization(r.name as string, description),
        website: website(r.website),
      },
      description,
      categories: ['mental-health', ...categoriesFrom(`${r.name} ${description}`)],
      place: { address: r.address as string, postcode: r.postcode as string },
      url: website(r.website),
      phone: ukPhone(r.telephone),
      hours: whenFrom(description),
      ...agesFrom(description),
      ...(costsFrom(description) ? { costs: costsFrom(description) } : {}),
    } as Draft;
  });
  return [
    { name: 'libraries', source: `${OPEN_DATA}libraries`, assured: '2023-11-30', drafts: libraries },
    { name: 'community_hubs', source: `${COUNCIL_DATA}community_hubs`, assured: '2024-02-29', drafts: hubs },
    {
      name: 'leisure_centres',
      source: `${COUNCIL_DATA}leisure_centres`,
      assured: '2026-07-01',
      drafts: leisure,
    },
    {
      name: 'childrens_centres',
      source: `${OPEN_DATA}childrens_centres`,
      assured: '2019-07-01',
      drafts: childrens,
    },
    { name: 'food_banks', source: `${OPEN_DATA}food_banks`, assured: '2018-07-01', drafts: foodBanks },
    {
      name: 'jobcentre_plus',
      source: `${OPEN_DATA}jobcentre_plus`,
      assured: '2026-05-12',
      drafts: jobcentres,
    },
    { name: 'general_practice', source: `${OPEN_DATA}general_practice`, assured: '2026-05-12', drafts: gps },
    { name: 'care_homes', source: `${OPEN_DATA}care_homes`, assured: '2026-05-12', drafts: careHomes },
    { name: 'mental_health', source: `${OPEN_DATA}mental_health`, assured: '2018-07-01', drafts: mental },
  ];
}

/** Example ids for the route sweep: Altrincham Library and where it is. */
export const DEMO_SERVICE_ID = id('libraries', 'Altrincham Library|WA14 1AH');
export const DEMO_SERVICE_AT_LOCATION_ID = id('service-at-location', DEMO_SERVICE_ID);
export const DEMO_ORGANIZATION_ID = id('organization', 'trafford council');

/** The demo place's services (about 180), in Open Referral UK form. Idempotent. */
export async function seedOrukServices({ db, place, log }: SeedContext): Promise<void> {
  if (place.slug !== 'trafford') return;
  const ctx = { db, place, actor: null };
  const points = postcodePoints();
  let total = 0;
  for (const d of datasets()) {
    const feed = d.drafts.map((draft) => ({
      ...service(d.name, draft, points),
      assured_date: d.assured,
      last_modified: `${d.assured}T00:00:00.000Z`,
    }));
    const result = await importOrukFeed(ctx, feed, { source: d.source, trusted: true });
    total += result.imported;
  }
  log(`services: ${total} services for ${place.name}`);
}

/**
 * Duplicate-detection benchmark: how long clustering a directory of synthetic records takes.
 *
 *   npx tsx bench/dedupe.ts [--records 20000] [--seed 1]
 *
 * Records are built from Trafford town names, activities and kinds of body ("Sale Badminton
 * Club", "Hale Barns Knit and Natter Group"), with phones, emails, websites, postcodes and
 * locations drawn from pools small enough that many unrelated records share them (switchboards,
 * community centres). About 5% are near-duplicates of another record: respelt ("&"/"and",
 * "St"/"Saint", a typo, "Ltd"), with the contact details in another format. The same seed gives
 * the same records. Prints the time to cluster (first run, and best of three), how many of the
 * planted duplicates were found, and the time to build a finder and to check one candidate.
 * See bench/README.md.
 */

import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  clusterDuplicates,
  createDuplicateFinder,
  DATA_QUALITY_THRESHOLD,
  type DirectoryRecord,
  findLikelyDuplicates,
} from '../src/lib/dedupe/index.js';
import { seededRandom } from '../src/lib/random/seeded.js';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '20000' }, seed: { type: 'string', default: '1' } },
});
const total = Number(values.records);
/** A small seeded generator, so every run builds the same directory. */
const random = seededRandom(Number(values.seed));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');

const TOWNS = [
  'Sale',
  'Altrincham',
  'Stretford',
  'Urmston',
  'Partington',
  'Hale',
  'Hale Barns',
  'Timperley',
  'Bowdon',
  'Davyhulme',
  'Flixton',
  'Old Trafford',
  'Ashton upon Mersey',
  'Brooklands',
  'Sale Moor',
  'Broadheath',
  'Carrington',
  'Dunham',
  'Gorse Hill',
  'Trafford',
  "St Mary's",
  'St John’s',
];
const ACTIVITIES = [
  'Badminton',
  'Bowling',
  'Cricket',
  'Football',
  'Rugby',
  'Netball',
  'Swimming',
  'Judo',
  'Karate',
  'Knit and Natter',
  'Book',
  'Walking',
  'Running',
  'Cycling',
  'Chess',
  'Bridge',
  'Choral',
  'Brass Band',
  'Amateur Dramatics',
  'Gardening',
  'Allotment',
  'Food Bank',
  'Toddler',
  'Baby and Toddler',
  'Youth',
  'Scouts',
  'Guides',
  'Brownies',
  'Cubs',
  'Women’s Institute',
  'Men’s Shed',
  'Repair Café',
  'Dementia Café',
  'Carers',
  'Mental Health',
  'Bereavement',
  'Tenants and Residents',
  'Neighbourhood Watch',
  'Litter Pick',
  'Friends of the Park',
  'Mosque',
  'Methodist',
  'Baptist',
  'Catholic',
  'Gurdwara',
  'Synagogue',
  'Ukrainian',
  'Polish',
  'Somali',
  'Urdu',
  'Photography',
  'Art',
  'Craft',
  'Sewing',
  'Tai Chi',
  'Yoga',
  'Pilates',
  'Zumba',
  'Boxing',
  'Tennis',
  'Table Tennis',
  'Golf',
  'Angling',
  'Model Railway',
];
const BODIES = [
  'Club',
  'Group',
  'Society',
  'Association',
  'Community Group',
  'Circle',
  'Network',
  'Project',
  'CIC',
  'Trust',
  'Centre',
  'Church',
  'Café',
  '',
];
const DISTINCTIVE = [
  'Phoenix',
  'Oak',
  'Willow',
  'Harriers',
  'Sharks',
  'Tigers',
  'Rovers',
  'Wanderers',
  'United',
  'Albion',
  'Acorn',
  'Beacon',
  'Rainbow',
  'Unity',
  'Hope',
  'Bridge',
  'Riverside',
  'Meadow',
  'Kingsway',
  'Victoria',
];
const STREETS = [
  'Church Road',
  'Moss Lane',
  'Station Road',
  'Park Avenue',
  'Manchester Road',
  'Washway Road',
  'Cross Street',
  'Market Street',
  'Oakfield Road',
  'Danefield Road',
];
const OUTWARD = ['M33', 'M32', 'M41', 'M31', 'M16', 'WA14', 'WA15', 'M17'];
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

const SWITCHBOARDS = Array.from({ length: 30 }, () => `0161 ${digits(3)} ${digits(4)}`);
const HALL_POSTCODES = Array.from({ length: 200 }, () => postcode());

function postcode(): string {
  return `${pick(OUTWARD)} ${Math.floor(random() * 10)}${pick([...INWARD_LETTERS])}${pick([...INWARD_LETTERS])}`;
}

function original(id: number): DirectoryRecord {
  const name = [
    random() < 0.8 ? pick(TOWNS) : '',
    random() < 0.3 ? pick(DISTINCTIVE) : '',
    pick(ACTIVITIES),
    pick(BODIES),
  ]
    .filter(Boolean)
    .join(' ');
  const slug = name.toLowerCase().replace(/[^a-z]+/g, '');
  const lon = -2.45 + random() * 0.2;
  const lat = 53.36 + random() * 0.12;
  return {
    id: `r${String(id).padStart(6, '0')}`,
    kind: random() < 0.7 ? 'group' : 'service',
    name,
    address: random() < 0.7 ? `${1 + Math.floor(random() * 200)} ${pick(STREETS)}, ${pick(TOWNS)}` : null,
    postcode: random() < 0.3 ? pick(HALL_POSTCODES) : random() < 0.8 ? postcode() : null,
    phone: random() < 0.15 ? pick(SWITCHBOARDS) : random() < 0.7 ? `07700 ${digits(6)}` : null,
    email: random() < 0.6 ? `${slug.slice(0, 12)}${Math.floor(random() * 100)}@example.org` : null,
    website:
      random() < 0.3
        ? `https://facebook.com/${slug}${Math.floor(random() * 100)}`
        : random() < 0.3
          ? `${slug}.org.uk`
          : null,
    lon: random() < 0.6 ? lon : null,
    lat: random() < 0.6 ? lat : null,
  };
}

function respelt(name: string): string {
  const variants: ((s: string) => string)[] = [
    (s) => s.replace(' and ', ' & '),
    (s) => s.replace("St Mary's", 'Saint Marys'),
    (s) => s.toUpperCase(),
    (s) => `The ${s}`,
    (s) => `${s} Ltd`,
    (s) => {
      const at = s.search(/[a-z]{6}/);
      return at === -1 ? `${s} Club` : s.slice(0, at + 2) + s.slice(at + 3);
    },
  ];
  return pick(variants)(name);
}

function duplicateOf(record: DirectoryRecord, id: number): DirectoryRecord {
  return {
    ...record,
    id: `r${String(id).padStart(6, '0')}`,
    name: respelt(record.name),
    phone: record.phone ? `+44 ${record.phone.replace(/^0/, '')}` : null,
    email: random() < 0.5 ? (record.email?.toUpperCase() ?? null) : null,
    address: random() < 0.5 ? (record.address?.replace('Road', 'Rd') ?? null) : null,
  };
}

const records: DirectoryRecord[] = [];
const planted: [string, string][] = [];
for (let id = 0; records.length < total; id++) {
  const source = records.length > 100 && random() < 0.05 ? pick(records) : null;
  if (source) {
    const copy = duplicateOf(source, id);
    planted.push([source.id, copy.id]);
    records.push(copy);
  } else {
    records.push(original(id));
  }
}

/** Wall and CPU milliseconds of one run of fn (CPU of the whole process, GC threads included). */
function timed<T>(fn: () => T): { result: T; wallMs: number; cpuMs: number } {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = fn();
  const cpu = process.cpuUsage(cpuBefore);
  return { result, wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
}

// The first run includes compiling the code; the later ones show the steady state.
const runs = [1, 2, 3].map(() =>
  timed(() => clusterDuplicates(records, { threshold: DATA_QUALITY_THRESHOLD })),
);
const first = runs[0] as (typeof runs)[number];
const best = runs.reduce((x, y) => (y.wallMs < x.wallMs ? y : x));
const clusters = first.result;

const clusterOf = new Map<string, number>();
clusters.forEach((cluster, i) => {
  for (const record of cluster.records) clusterOf.set(record.id, i);
});
const found = planted.filter(
  ([a, b]) => clusterOf.get(a) !== undefined && clusterOf.get(a) === clusterOf.get(b),
);
const clustered = clusters.reduce((sum, cluster) => sum + cluster.records.length, 0);
const largest = Math.max(0, ...clusters.map((cluster) => cluster.records.length));

const finderStarted = performance.now();
const find = createDuplicateFinder(records);
const finderMs = performance.now() - finderStarted;
const candidate: DirectoryRecord = {
  id: 'new',
  kind: 'group',
  name: `${records[0]?.name ?? 'Sale'} `,
  phone: records[0]?.phone ?? null,
};
const queryStarted = performance.now();
for (let i = 0; i < 100; i++) find(candidate);
const queryMs = (performance.now() - queryStarted) / 100;
const oneOffStarted = performance.now();
findLikelyDuplicates(candidate, records);
const oneOffMs = performance.now() - oneOffStarted;

const ms = (run: { wallMs: number; cpuMs: number }) =>
  `${run.wallMs.toFixed(0)} ms (CPU ${run.cpuMs.toFixed(0)} ms)`;
console.log(
  `records                          ${records.length}, ${planted.length} of them planted duplicates`,
);
console.log(
  `load average (1 min)             ${os.loadavg()[0]?.toFixed(2)} on ${os.availableParallelism()} CPUs`,
);
console.log(`clusterDuplicates, first run     ${ms(first)}`);
console.log(`clusterDuplicates, best of 3     ${ms(best)}`);
console.log(`  clusters                       ${clusters.length} (${clustered} records, largest ${largest})`);
console.log(`  planted duplicates found       ${found.length} of ${planted.length}`);
console.log(`createDuplicateFinder            ${finderMs.toFixed(0)} ms`);
console.log(`  then per candidate             ${queryMs.toFixed(2)} ms`);
console.log(`findLikelyDuplicates (one-off)   ${oneOffMs.toFixed(0)} ms`);

import { seededRandom } from '../../../lib/random/seeded.js';
import { addressKey } from '../../../lib/sortition/invitation-draw.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { DEMO_FINISHED_SLUG, DEMO_RECRUITING_SLUG } from '../seed/demo-assemblies.js';
import { type Assembly, type AssemblyFeature, getAssembly } from '../setup/assembly-service.js';
import { type AddressRow, saveAddressList } from './address-service.js';
import { makeDraw } from './invitation-service.js';

/**
 * Demo recruitment for Trafford's two demo assemblies (made by the set-up seed, with their
 * features): made-up addresses on real Trafford streets (marked synthetic), a published draw,
 * and respondents whose answers lean the way real replies do (older and more qualified people
 * answer more often). The climate assembly's 160 respondents include a group of 40 that meets
 * every quota, so a 40-seat panel can always be chosen from them. Idempotent: an assembly that
 * already has a draw is left alone.
 */

type Plan = {
  slug: string;
  addresses: number;
  letters: number;
  respondents: number;
  seed: string;
  random: number;
};

const PLANS: Plan[] = [
  {
    slug: DEMO_RECRUITING_SLUG,
    addresses: 2000,
    letters: 600,
    respondents: 60,
    seed: '5 2 6 1 3 3 4 6 2 1',
    random: 1201,
  },
  {
    slug: DEMO_FINISHED_SLUG,
    addresses: 2500,
    letters: 1000,
    respondents: 160,
    seed: '3 6 1 1 4 5 2 6 5 3',
    random: 1202,
  },
];

/** Real Trafford streets with their town and postcode district; house numbers and inward codes are made up. */
const STREETS: [string, string, string][] = [
  ['Washway Road', 'Sale', 'M33'],
  ['Northenden Road', 'Sale', 'M33'],
  ['Cross Street', 'Sale', 'M33'],
  ['School Road', 'Sale', 'M33'],
  ['Ashton Lane', 'Sale', 'M33'],
  ['Marsland Road', 'Sale', 'M33'],
  ['Chester Road', 'Stretford', 'M32'],
  ['Barton Road', 'Stretford', 'M32'],
  ['Kings Road', 'Stretford', 'M32'],
  ['Edge Lane', 'Stretford', 'M32'],
  ['Seymour Grove', 'Old Trafford', 'M16'],
  ['Ayres Road', 'Old Trafford', 'M16'],
  ['Talbot Road', 'Old Trafford', 'M16'],
  ['Flixton Road', 'Urmston', 'M41'],
  ['Higher Road', 'Urmston', 'M41'],
  ['Davyhulme Road', 'Urmston', 'M41'],
  ['Woodsend Road', 'Flixton', 'M41'],
  ['Stamford New Road', 'Altrincham', 'WA14'],
  ['Manchester Road', 'Altrincham', 'WA14'],
  ['Moss Lane', 'Altrincham', 'WA14'],
  ['Hale Road', 'Hale', 'WA15'],
  ['Ashley Road', 'Hale', 'WA15'],
  ['Stockport Road', 'Timperley', 'WA15'],
  ['Park Road', 'Timperley', 'WA15'],
  ['Green Lane', 'Timperley', 'WA15'],
  ['Lock Lane', 'Partington', 'M31'],
];

const FIRST = [
  'Amina',
  'Ben',
  'Chloe',
  'Dev',
  'Ella',
  'Farhan',
  'Grace',
  'Harry',
  'Isla',
  'Jamal',
  'Kate',
  'Liam',
  'Maya',
  'Noah',
  'Olu',
  'Priya',
  'Rob',
  'Sana',
  'Tom',
  'Una',
  'Vikram',
  'Wendy',
  'Yusuf',
  'Zoe',
];
const LAST = [
  'Ahmed',
  'Brown',
  'Clarke',
  'Davies',
  'Evans',
  'Fletcher',
  'Green',
  'Hussain',
  'Iqbal',
  'Jones',
  'Khan',
  'Lewis',
  'Murphy',
  'Nowak',
  'Okafor',
  'Patel',
  'Quinn',
  'Roberts',
  'Smith',
  'Taylor',
  'Walsh',
  'Young',
];
const LETTERS = [...'ABDEFGHJLNPQRSTUWXYZ'];

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/** Made-up addresses on real streets, each different. */
export function syntheticAddresses(count: number, random: () => number): AddressRow[] {
  const rows: AddressRow[] = [];
  const seen = new Set<string>();
  while (rows.length < count) {
    const [street, town, district] = pick(random, STREETS);
    const number = 1 + Math.floor(random() * 240);
    const flat = random() < 0.15 ? `Flat ${1 + Math.floor(random() * 8)}, ` : '';
    const address = `${flat}${number} ${street}, ${town}`;
    const postcode = `${district} ${Math.floor(random() * 10)}${pick(random, LETTERS)}${pick(random, LETTERS)}`;
    const key = addressKey(address, postcode);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ line: rows.length + 2, address, postcode, uprn: null, wardCode: null, key });
  }
  return rows;
}

/** How much more often people with this value answer a letter than the population share suggests. */
export function responseBias(feature: AssemblyFeature, value: { value: string; label: string }): number {
  const text = `${feature.key} ${feature.name}`.toLowerCase();
  const v = `${value.value} ${value.label}`.toLowerCase();
  if (/age/.test(text)) {
    const age = Number(/(\d+)/.exec(v)?.[1] ?? Number.NaN);
    if (Number.isNaN(age)) return 1;
    if (age >= 60) return 1.5;
    if (age >= 45) return 1.2;
    if (age >= 30) return 0.9;
    return 0.6;
  }
  if (/educ|qualif/.test(text)) {
    if (/degree|level 4|higher|university/.test(v)) return 1.6;
    if (/no qual|none|no formal/.test(v)) return 0.55;
  }
  return 1;
}

/** Per feature, how many of a panel of `size` take each value: within the quotas, near the shares. */
export function panelTargets(feature: AssemblyFeature, size: number): number[] {
  const n = feature.values.length;
  const counts = feature.values.map((v) => v.min);
  let left = size - counts.reduce((a, b) => a + b, 0);
  while (left > 0) {
    let best = -1;
    let gap = Number.NEGATIVE_INFINITY;
    feature.values.forEach((v, i) => {
      if ((counts[i] as number) >= v.max) return;
      const g = (v.share ?? 1 / n) * size - (counts[i] as number);
      if (g > gap) {
        gap = g;
        best = i;
      }
    });
    if (best < 0) break;
    counts[best] = (counts[best] as number) + 1;
    left--;
  }
  return counts;
}

/**
 * Each respondent's answers: first a group of `panel` that meets every quota (so a panel can
 * be chosen), then the rest drawn by share × response bias.
 */
export function syntheticAnswers(
  features: AssemblyFeature[],
  count: number,
  panel: number,
  random: () => number,
): Record<string, string>[] {
  const core = Math.min(count, panel);
  const columns = features.map((f) => {
    const targets = panelTargets(f, panel);
    const values = f.values.flatMap((v, i) => Array<string>(targets[i] ?? 0).fill(v.value));
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [values[i], values[j]] = [values[j] as string, values[i] as string];
    }
    return values;
  });
  const answers: Record<string, string>[] = [];
  for (let i = 0; i < count; i++) {
    const row: Record<string, string> = {};
    features.forEach((f, k) => {
      const fromCore = i < core ? columns[k]?.[i] : undefined;
      if (fromCore) {
        row[f.key] = fromCore;
        return;
      }
      const weights = f.values.map((v) => (v.share ?? 1 / f.values.length) * responseBias(f, v));
      let x = random() * weights.reduce((a, b) => a + b, 0);
      let chosen = f.values[f.values.length - 1]?.value ?? '';
      for (const [j, w] of weights.entries()) {
        x -= w;
        if (x < 0) {
          chosen = f.values[j]?.value ?? chosen;
          break;
        }
      }
      row[f.key] = chosen;
    });
    answers.push(row);
  }
  // The quota-meeting group is spread through the list rather than first in it.
  for (let i = answers.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [answers[i], answers[j]] = [answers[j] as Record<string, string>, answers[i] as Record<string, string>];
  }
  return answers;
}

async function seedRespondents(tx: Tx, assembly: Assembly, plan: Plan, random: () => number) {
  const invitations = await tx.query<{ id: string; address: string; postcode: string; household: string }>(
    'select id, address, postcode, household from assembly_invitations where assembly_id = $1 order by rank',
    [assembly.id],
  );
  // Who answered: a random sample of the letters.
  const order = invitations.map((inv) => ({ inv, k: random() })).sort((a, b) => a.k - b.k);
  const answered = order.slice(0, plan.respondents).map((o) => o.inv);
  const answers = syntheticAnswers(assembly.features, answered.length, assembly.panelSize, random);
  for (const [i, inv] of answered.entries()) {
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    const byPhone = random() < 0.1;
    const daysAgo = 40 - Math.floor((i / answered.length) * 30);
    await tx.query(
      `insert into assembly_respondents (assembly_id, reference, invitation_id, name, email, phone, address,
         postcode, household, features, access_needs, consent_at, registered_by, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now() - make_interval(days => $12), $13,
         now() - make_interval(days => $12))`,
      [
        assembly.id,
        `R${String(i + 1).padStart(4, '0')}`,
        inv.id,
        `${first} ${last}`,
        byPhone ? null : `${first}.${last}.${i + 1}@example.org`.toLowerCase(),
        byPhone || random() < 0.3 ? `0161 555 ${String(1000 + i).slice(-4)}` : null,
        inv.address,
        inv.postcode,
        inv.household,
        answers[i] ?? {},
        random() < 0.12
          ? pick(random, ['Step-free access', 'Hearing loop', 'Large print', 'Help with childcare'])
          : '',
        daysAgo,
        byPhone ? 'officer' : 'self',
      ],
    );
  }
}

export async function seedRecruitment(seed: SeedContext): Promise<void> {
  if (seed.place.slug !== 'trafford') return;
  const ctx: ServiceContext = { db: seed.db, place: seed.place, actor: null };
  for (const plan of PLANS) {
    const found = await seed.db.query<{ id: string }>(
      'select id from assemblies where place_id = $1 and slug = $2',
      [seed.place.id, plan.slug],
    );
    if (!found[0]) continue;
    const done = await seed.db.query('select 1 from assembly_invitation_draws where assembly_id = $1', [
      found[0].id,
    ]);
    if (done.length) continue;
    const assembly = await getAssembly(ctx, plan.slug);
    const random = seededRandom(plan.random);
    const rows = syntheticAddresses(plan.addresses, random);
    await saveAddressList(ctx, assembly, null, 'synthetic-trafford-addresses.csv', rows, true);
    await withTransaction(seed.db, async (tx) => {
      await makeDraw(ctx, tx, assembly, null, { count: plan.letters, seed: plan.seed });
      await tx.query(
        `update assembly_invitations set letter_sent_at = now() - interval '45 days' where assembly_id = $1`,
        [assembly.id],
      );
      await seedRespondents(tx, assembly, plan, random);
    });
    seed.log(
      `assemblies: ${plan.slug}: ${plan.addresses} synthetic addresses, ${plan.letters} invitations, ${plan.respondents} respondents`,
    );
  }
}

import type { Db } from '../../../platform/db/types.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { createAssembly, getAssembly, setFeatures } from '../setup/assembly-service.js';

/**
 * Test data for selection: an assembly with two features and a pool of respondents, entered as
 * recruitment would leave them (status `registered`, features keyed by feature key).
 */

export const GENDER = {
  key: 'gender',
  name: 'Gender',
  source: '',
  values: [
    { value: 'woman', label: 'Woman', share: null, min: 3, max: 3 },
    { value: 'man', label: 'Man', share: null, min: 3, max: 3 },
  ],
};
export const AGE = {
  key: 'age',
  name: 'Age band',
  source: '',
  values: [
    { value: 'young', label: '16 to 39', share: null, min: 2, max: 4 },
    { value: 'old', label: '40 and over', share: null, min: 2, max: 4 },
  ],
};

export type TestRespondent = {
  name?: string;
  email?: string | null;
  phone?: string | null;
  household?: string;
  userId?: string | null;
  features: Record<string, string>;
};

/** Respondent i of a mixed pool: alternating women and men, one in three young. */
export function mixedPool(n: number): TestRespondent[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `Resident Number${i + 1}`,
    email: `resident${i + 1}@example.org`,
    phone: `07700 900${String(i + 1).padStart(3, '0')}`,
    household: `${i + 1} Test Street`,
    features: { gender: i % 2 ? 'man' : 'woman', age: i % 3 ? 'old' : 'young' },
  }));
}

export async function addRespondents(db: Db, assemblyId: string, people: TestRespondent[], from = 1) {
  const ids: string[] = [];
  for (const [i, p] of people.entries()) {
    const rows = await db.query<{ id: string }>(
      `insert into assembly_respondents (assembly_id, reference, user_id, name, email, phone, household, features, consent_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, now()) returning id`,
      [
        assemblyId,
        `R${String(from + i).padStart(4, '0')}`,
        p.userId ?? null,
        p.name ?? `Person ${from + i}`,
        p.email === undefined ? `person${from + i}@example.org` : p.email,
        p.phone ?? null,
        p.household ?? '',
        JSON.stringify(p.features),
      ],
    );
    ids.push(rows[0]?.id as string);
  }
  return ids;
}

/** An assembly with a panel of 6 (3 women, 3 men, 2–4 of each age band) and its pool. */
export async function assemblyWithPool(
  ctx: ServiceContext,
  title: string,
  people: TestRespondent[] = mixedPool(20),
  options: { algorithm?: string; panelSize?: number; features?: unknown[] } = {},
) {
  const slug = await createAssembly(ctx, {
    title,
    question: 'How should Trafford reach net zero?',
    panelSize: String(options.panelSize ?? 6),
    algorithm: options.algorithm ?? 'leximin',
  });
  await setFeatures(ctx, slug, options.features ?? [GENDER, AGE]);
  const assembly = await getAssembly(ctx, slug);
  const ids = await addRespondents(ctx.db, assembly.id, people);
  return { slug, assembly, ids };
}

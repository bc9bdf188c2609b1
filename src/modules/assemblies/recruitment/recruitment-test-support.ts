import { makePerson } from '../../../../test/helpers/people.js';
import type { Db } from '../../../platform/db/types.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Role } from '../../../platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { createAssembly, type Status, setFeatures, setStatus } from '../setup/assembly-service.js';

/** A person in Trafford with a service context (an officer, unless told). */
export async function person(db: Db, roles: Role[] = ['officer']) {
  const p = await makePerson(db, { roles });
  const place = (await findPlaceBySlug(db, 'trafford')) as Place;
  const ctx: ServiceContext = {
    db,
    place,
    actor: { userId: p.userId, roles: [...roles, 'resident'], platformAdmin: false },
  };
  return { ...p, ctx };
}

/** A visitor (nobody signed in) in Trafford. */
export async function visitor(db: Db): Promise<ServiceContext> {
  return { db, place: (await findPlaceBySlug(db, 'trafford')) as Place, actor: null };
}

export const TEST_FEATURES = [
  {
    key: 'gender',
    name: 'Gender',
    source: '',
    values: [
      { value: 'female', label: 'Woman', share: 0.51, min: 4, max: 6 },
      { value: 'male', label: 'Man', share: 0.49, min: 4, max: 6 },
    ],
  },
  {
    key: 'age',
    name: 'Age',
    source: '',
    values: [
      { value: '16-29', label: '16 to 29', share: 0.2, min: 2, max: 4 },
      { value: '30-59', label: '30 to 59', share: 0.5, min: 3, max: 5 },
      { value: '60+', label: '60 or over', share: 0.3, min: 2, max: 4 },
    ],
  },
];

let n = 0;

/** An assembly made by `officer` (who is assigned to it), with two features, at `status`. */
export async function newAssembly(officer: { ctx: ServiceContext }, status: Status = 'recruiting') {
  const slug = await createAssembly(officer.ctx, {
    title: `Test assembly ${++n} ${Date.now() % 100000}`,
    question: 'How should we make our high streets thrive?',
    panelSize: 10,
    expensesBudgetPence: '500000',
  });
  await setFeatures(officer.ctx, slug, TEST_FEATURES);
  if (status !== 'setup') await setStatus(officer.ctx, slug, status);
  return slug;
}

/** An address CSV of `count` made-up addresses on Church Road. */
export function addressCsv(count: number, start = 1): string {
  const lines = ['address,postcode,uprn,ward'];
  for (let i = start; i < start + count; i++) lines.push(`"${i} Church Road, Sale",M33 7ZP,${100000 + i},`);
  return `${lines.join('\n')}\n`;
}

/** A filled-in registration form for `code`. */
export function registrationFields(
  code: string,
  changes: Record<string, string> = {},
): Record<string, string> {
  return {
    code,
    name: 'Ada Lovelace',
    email: 'ada@example.org',
    phone: '',
    'feature-gender': 'female',
    'feature-age': '30-59',
    accessNeeds: '',
    consent: 'yes',
    ...changes,
  };
}

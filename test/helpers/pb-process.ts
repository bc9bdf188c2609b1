import type { Db } from '../../src/platform/db/types.js';
import type { ServiceContext } from '../../src/platform/http/request-context.js';
import type { Role } from '../../src/platform/module-definition.js';
import { findPlaceBySlug, type Place } from '../../src/platform/places/place-service.js';
import { makePerson } from './people.js';

/** A person in Trafford with a service context, for calling budgeting services in tests. */
export async function pbPerson(db: Db, roles: Role[] = ['resident']) {
  const p = await makePerson(db, { roles });
  const place = (await findPlaceBySlug(db, 'trafford')) as Place;
  const ctx: ServiceContext = {
    db,
    place,
    actor: {
      userId: p.userId,
      roles: roles.includes('resident') ? roles : [...roles, 'resident'],
      platformAdmin: false,
    },
  };
  return { ...p, ctx };
}

/** The officer's process form, filled in: an approval ballot over £50,000, changed by `changes`. */
export function processFields(changes: Record<string, string> = {}): Record<string, string> {
  return {
    title: 'Greener Streets Fund',
    summary: 'Ideas to make our streets greener.',
    ward: '',
    budget: '50000',
    minAge: '16',
    residenceRequired: 'yes',
    ballotType: 'approval',
    minSelections: '1',
    maxSelections: '3',
    pointsTotal: '',
    rule: 'mes-cost',
    verificationMethods: 'email',
    ...changes,
  };
}

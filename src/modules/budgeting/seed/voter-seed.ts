import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { proposeMerge } from '../proposals/proposal-service.js';
import { issueInPersonCode } from '../verification/in-person-service.js';
import { createLetterBatch } from '../verification/letter-service.js';
import { enterPaper } from '../voting/paper-service.js';

/** The demo in-person code and merge have fixed ids so that tests can open their pages. */
export const DEMO_IN_PERSON_CODE_ID = 'b0d9e7a0-0000-4000-8000-0000000000c1';
export const DEMO_MERGE_ID = 'b0d9e7a0-0000-4000-8000-0000000000d1';
/** A paper ballot entered once, waiting for a second officer's entry. */
export const DEMO_PAPER_NUMBER = '9001';

const STRETFORD_ADDRESSES = `address,postcode,ward
"1 Derbyshire Road, Stretford",M32 9AA,Stretford & Humphrey Park
"3 Derbyshire Road, Stretford",M32 9AA,Stretford & Humphrey Park
"5 Derbyshire Road, Stretford",M32 9AA,Stretford & Humphrey Park
"2 Kings Road, Stretford",M32 8QT,Stretford & Humphrey Park
"4 Kings Road, Stretford",M32 8QT,Stretford & Humphrey Park
"Flat 1, 10 Chester Road, Stretford",M32 0RW,Stretford & Humphrey Park
"Flat 2, 10 Chester Road, Stretford",M32 0RW,Stretford & Humphrey Park
"12 Urmston Lane, Stretford",M32 9BP,Stretford & Humphrey Park
`;

/**
 * For the budget open for voting: a first batch of letter codes, and a code an officer issued at
 * the library, and a paper ballot entered once. For the budget taking proposals: an officer's suggestion to merge two proposals,
 * waiting for their authors. Made through the services, as an officer would.
 */
export async function seedVoterChecks(
  seed: SeedContext,
  officerId: string,
  slugs: { voting: string; proposing: string },
): Promise<void> {
  const ctx: ServiceContext = {
    db: seed.db,
    place: seed.place,
    actor: { userId: officerId, roles: ['officer'], platformAdmin: false },
  };
  await createLetterBatch(ctx, slugs.voting, STRETFORD_ADDRESSES);
  const issued = await issueInPersonCode(
    ctx,
    slugs.voting,
    { venue: 'Stretford library', ward: 'E05015256', ageBand: '65-74' },
    // No name, postcode or date of birth is given, so no identity is hashed with the secret.
    '',
  );
  await seed.db.query('update pb_in_person_codes set id = $1 where id = $2', [
    DEMO_IN_PERSON_CODE_ID,
    issued.id,
  ]);
  const [first] = await seed.db.query<{ id: string }>(
    `select pr.id from pb_proposals pr join pb_processes p on p.id = pr.process_id
     where p.place_id = $1 and p.slug = $2 and pr.number = 1`,
    [seed.place.id, slugs.voting],
  );
  await enterPaper(ctx, slugs.voting, {
    paperNumber: DEMO_PAPER_NUMBER,
    spoilt: false,
    cast: { projects: first ? [first.id] : [] },
    wardCode: 'E05015256',
    ageBand: null,
  });
  const merge = await proposeMerge(ctx, slugs.proposing, {
    from: '3',
    into: '1',
    reason: 'Both add play equipment to Sale Moor park; together they could share one installation.',
  });
  await seed.db.query('update pb_merges set id = $1 where id = $2', [DEMO_MERGE_ID, merge]);
}

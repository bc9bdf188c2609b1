import { pbPerson } from '../../../../test/helpers/pb-process.js';
import type { Db } from '../../../platform/db/types.js';
import { createAssembly, getAssembly } from '../setup/assembly-service.js';

/** For tests: references handed out so far, so each member's is unique. */
let references = 0;

/**
 * For tests: an assembly with two sessions ("Learning" and "Deciding"), its assigned officer, and
 * `members` serving members (respondents with status selected, linked to their accounts, named
 * "Member Name<n>" so a test can check no page shows them).
 */
export async function assemblyWithMembers(db: Db, title: string, members = 3) {
  const officer = await pbPerson(db, ['officer']);
  const slug = await createAssembly(officer.ctx, {
    title,
    question: 'How should Trafford respond to the climate emergency?',
    panelSize: 10,
  });
  const assembly = await getAssembly(officer.ctx, slug);
  await addSessions(db, assembly.id, ['Learning', 'Deciding']);
  const people: Awaited<ReturnType<typeof pbPerson>>[] = [];
  for (let i = 0; i < members; i++) people.push(await addMember(db, assembly.id));
  return { officer, slug, assembly, members: people };
}

/** For tests: sessions in order, a day apart from tomorrow, three hours each. */
export async function addSessions(db: Db, assemblyId: string, titles: string[]) {
  for (const [i, title] of titles.entries())
    await db.query(
      `insert into assembly_sessions (assembly_id, position, title, starts_at, ends_at, location)
       values ($1, $2::int, $3, now() + make_interval(days => $2::int),
               now() + make_interval(days => $2::int, hours => 3), 'Trafford Town Hall')`,
      [assemblyId, i + 1, title],
    );
}

/** For tests: a serving member with an account. */
export async function addMember(db: Db, assemblyId: string) {
  const person = await pbPerson(db);
  references++;
  await db.query(
    `insert into assembly_respondents (assembly_id, reference, user_id, name, consent_at, status)
     values ($1, $2, $3, $4, now(), 'selected')`,
    [assemblyId, `R${String(9000 + references).padStart(4, '0')}`, person.userId, `Member Name${references}`],
  );
  return person;
}

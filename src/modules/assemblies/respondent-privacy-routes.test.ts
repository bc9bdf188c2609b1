/**
 * Respondents' personal data is for the officers assigned to their assembly; everyone else sees
 * aggregates only. This sweeps every GET route of the assemblies module, for both demo
 * assemblies, as a visitor, a resident, an officer not assigned to the assembly and a connector,
 * and checks no respondent's name, email address or phone number appears in any page or export.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../test/helpers/app.js';
import { makePerson } from '../../../test/helpers/people.js';
import { demoParams } from '../../platform/demo-params.js';
import { DEMO_FINISHED_SLUG, DEMO_RECRUITING_SLUG } from './seed/demo-assemblies.js';

const t = useTestApp();

type Respondent = { name: string; email: string | null; phone: string | null; assembly: string };

async function respondents(): Promise<Respondent[]> {
  return t.db.query<Respondent>(
    `select r.name, r.email, r.phone, a.slug as assembly from assembly_respondents r
     join assemblies a on a.id = r.assembly_id`,
  );
}

/** Every GET URL of the module, for each demo assembly. */
function assemblyUrls(): string[] {
  const params = demoParams();
  const patterns = t.app.routeTable
    .filter((r) => r.method === 'GET' && /^\/:place\/(api\/)?assemblies/.test(r.url))
    .map((r) => r.url);
  const urls = new Set<string>();
  for (const assembly of [DEMO_FINISHED_SLUG, DEMO_RECRUITING_SLUG]) {
    for (const pattern of patterns) {
      urls.add(
        pattern.replace(/:(\w+)/g, (_m, name: string) =>
          name === 'assembly' ? assembly : (params[name] ?? `missing-${name}`),
        ),
      );
    }
  }
  return [...urls];
}

/** What in a page would identify a respondent: full name, email, phone. */
function leaks(body: string, people: Respondent[]): string[] {
  const found: string[] = [];
  for (const p of people) {
    for (const value of [p.name, p.email, p.phone]) {
      if (value && value.length >= 6 && body.includes(value)) found.push(value);
    }
  }
  return found;
}

test('the demo has respondents with personal details to protect', async () => {
  const people = await respondents();
  assert.ok(people.length >= 100, `expected the demo respondents, found ${people.length}`);
  assert.ok(people.some((p) => p.email));
});

test('no page or export of the assemblies module shows a respondent to anyone but assigned officers', async () => {
  const people = await respondents();
  const visitors = [
    { who: 'a visitor', cookie: '' },
    { who: 'a resident', cookie: (await makePerson(t.db)).cookie },
    { who: 'an officer not assigned', cookie: (await makePerson(t.db, { roles: ['officer'] })).cookie },
    { who: 'a connector', cookie: (await makePerson(t.db, { roles: ['connector'] })).cookie },
  ];
  const urls = assemblyUrls();
  assert.ok(urls.length >= 10, `expected the module's routes, found ${urls.length}`);
  const problems: string[] = [];
  for (const url of urls) {
    for (const { who, cookie } of visitors) {
      const res = await t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
      assert.ok(res.statusCode < 500, `${url} as ${who}: ${res.statusCode}`);
      const found = leaks(res.body, people);
      if (found.length)
        problems.push(`${url} as ${who} (${res.statusCode}) shows ${found.slice(0, 3).join(', ')}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('an assigned officer does see the respondents (the sweep above would notice a leak)', async () => {
  const people = (await respondents()).filter((p) => p.assembly === DEMO_RECRUITING_SLUG);
  const officer = await makePerson(t.db, { roles: ['officer'] });
  await t.db.query(
    `insert into assembly_officers (assembly_id, user_id)
     select id, $1 from assemblies where slug = $2`,
    [officer.userId, DEMO_RECRUITING_SLUG],
  );
  const res = await t.app.inject({
    method: 'GET',
    url: `/trafford/assemblies/${DEMO_RECRUITING_SLUG}/respondents`,
    headers: { cookie: officer.cookie },
  });
  assert.equal(res.statusCode, 200);
  assert.ok(leaks(res.body, people).length > 0, 'the assigned officer sees respondents by name');
});

/**
 * What the ideas module must never show, swept across every one of its GET routes (pages, JSON
 * and CSV), for every demo idea, as a visitor, a resident, a connector and an officer:
 * - nobody's email address (team leads see their own team's, which no persona here is);
 * - a private skills offer's name (only the accepted other side of a request sees it);
 * - an idea waiting for moderation, or a hidden comment's words, except to moderators.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../test/helpers/app.js';
import { makePerson } from '../../../test/helpers/people.js';
import { demoParams } from '../../platform/demo-params.js';
import { DEMO_DEVELOPING_IDEA_ID, DEMO_IDEAS, DEMO_PENDING_IDEA_ID } from './seed/demo-ideas.js';

const t = useTestApp();

const PENDING_TITLE = DEMO_IDEAS.find((i) => i.id === DEMO_PENDING_IDEA_ID)?.title as string;
const HIDDEN_WORDS = 'Meet me behind the bins, I will bring the spray paint';

/** Every GET URL of the module, once for each demo idea where a route takes an idea. */
function ideaUrls(): string[] {
  const params = demoParams();
  const patterns = t.app.routeTable
    .filter((r) => r.method === 'GET' && /^\/:place\/(api\/)?ideas/.test(r.url))
    .map((r) => r.url);
  const urls = new Set<string>();
  for (const idea of DEMO_IDEAS) {
    for (const pattern of patterns) {
      urls.add(
        pattern.replace(/:(\w+)/g, (_m, name: string) =>
          name === 'place' ? 'trafford' : name === 'idea' ? idea.id : (params[name] ?? `missing-${name}`),
        ),
      );
    }
  }
  return [...urls];
}

/** Every email address of a demo account, and the names of people whose skills offer is private. */
async function secrets(): Promise<{ emails: string[]; privateNames: string[] }> {
  const emails = await t.db.query<{ email: string }>(
    `select distinct u.email from users u
     where u.id in (select author_id from ideas union select user_id from idea_team_members
       union select user_id from idea_supports union select author_id from idea_comments
       union select user_id from skill_offers union select from_user_id from skill_requests)`,
  );
  const names = await t.db.query<{ display_name: string }>(
    `select u.display_name from skill_offers o join users u on u.id = o.user_id
     where o.visibility = 'private' and length(u.display_name) >= 6
       and u.id not in (select author_id from ideas where author_id is not null
         union select user_id from idea_team_members union select author_id from idea_comments where author_id is not null)`,
  );
  return { emails: emails.map((r) => r.email), privateNames: names.map((r) => r.display_name) };
}

test('no page or download of the ideas module shows what it must not, to anyone', async () => {
  // A hidden comment on the demo idea, from one of its demo commenters.
  await t.db.query(
    `insert into idea_comments (idea_id, author_id, body, moderation_status)
     select $1, author_id, $2, 'hidden' from idea_comments where idea_id = $1 and author_id is not null limit 1`,
    [DEMO_IDEAS[0]?.id ?? null, HIDDEN_WORDS],
  );
  const { emails, privateNames } = await secrets();
  assert.ok(emails.length >= 20, `expected the demo's people, found ${emails.length}`);
  assert.ok(privateNames.length >= 3, `expected private skills offers, found ${privateNames.length}`);
  const viewers = [
    { who: 'a visitor', cookie: '', moderator: false },
    { who: 'a resident', cookie: (await makePerson(t.db)).cookie, moderator: false },
    {
      who: 'a connector',
      cookie: (await makePerson(t.db, { roles: ['connector'] })).cookie,
      moderator: false,
    },
    { who: 'an officer', cookie: (await makePerson(t.db, { roles: ['officer'] })).cookie, moderator: true },
  ];
  const urls = ideaUrls();
  assert.ok(urls.length >= 100, `expected the module's routes for each idea, found ${urls.length}`);
  const problems: string[] = [];
  let pages = 0;
  for (const url of urls) {
    for (const { who, cookie, moderator } of viewers) {
      const res = await t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
      assert.ok(res.statusCode < 500, `${url} as ${who}: ${res.statusCode}`);
      if (res.statusCode === 200) pages++;
      const found = [
        ...emails.filter((e) => res.body.includes(e)),
        ...privateNames.filter((n) => res.body.includes(n)),
        ...(moderator ? [] : [PENDING_TITLE, HIDDEN_WORDS].filter((s) => res.body.includes(s))),
      ];
      if (found.length)
        problems.push(`${url} as ${who} (${res.statusCode}) shows ${found.slice(0, 3).join(', ')}`);
    }
  }
  assert.ok(pages >= 200, `expected most pages to answer, ${pages} did`);
  assert.deepEqual(problems, []);
});

test('the sweep would see a leak: those allowed do see these things', async () => {
  // A moderator sees the idea waiting for them.
  const officer = await makePerson(t.db, { roles: ['officer'] });
  const pending = await t.app.inject({
    url: `/trafford/ideas/${DEMO_PENDING_IDEA_ID}`,
    headers: { cookie: officer.cookie },
  });
  assert.equal(pending.statusCode, 200);
  assert.ok(pending.body.includes(PENDING_TITLE));
  // A team's lead sees the members' email addresses, to organise.
  const lead = await makePerson(t.db);
  await t.db.query(
    "insert into idea_team_members (idea_id, user_id, is_lead, role) values ($1, $2, true, 'Treasurer')",
    [DEMO_DEVELOPING_IDEA_ID, lead.userId],
  );
  const [member] = await t.db.query<{ email: string }>(
    `select u.email from idea_team_members m join users u on u.id = m.user_id
     where m.idea_id = $1 and m.user_id <> $2 limit 1`,
    [DEMO_DEVELOPING_IDEA_ID, lead.userId],
  );
  const team = await t.app.inject({
    url: `/trafford/ideas/${DEMO_DEVELOPING_IDEA_ID}/team`,
    headers: { cookie: lead.cookie },
  });
  assert.ok(member && team.body.includes(member.email), 'the lead sees a member’s email');
});

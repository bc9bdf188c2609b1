import { launchBrowser, serveTestApp } from './test/helpers/browser.js';
import { makePerson } from './test/helpers/people.js';
const s = await serveTestApp();
const b = await launchBrowser();
const voter = await makePerson(s.db, {});
const [pid] = await s.db.query<{ id: string }>(`select id from pb_processes where slug = 'stretford-ward-budget-2027'`);
await s.db.query(`insert into pb_voters (process_id, user_id, method) values ($1, $2, 'email')`, [pid?.id, voter.userId]);
const pages = process.argv.slice(2);
for (const [i, u] of pages.entries()) {
  const ctx = await b.newContext({ viewport: { width: 420, height: 900 } });
  const [name, value] = voter.cookie.split('=');
  await ctx.addCookies([{ name: name as string, value: value as string, url: s.baseUrl }]);
  const p = await ctx.newPage();
  await p.goto(s.baseUrl + u);
  if (u.endsWith('/vote')) { const boxes = p.locator('input[type=checkbox]'); await boxes.nth(0).check(); await boxes.nth(2).check(); }
  await p.screenshot({ path: `/tmp/shot-${i}.png`, fullPage: true, clip: { x: 0, y: 0, width: 420, height: 2400 } });
  console.log(i, u, await p.title());
}
await b.close(); await s.close();

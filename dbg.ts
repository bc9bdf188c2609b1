import { buildTestApp } from './test/helpers/app.js';
const { app, db } = await buildTestApp(undefined, undefined, { LOG_LEVEL: 'error' });
console.log(await db.query(`select slug, phase, round from pb_processes`));
console.log(await db.query(`select count(*)::int n from pb_ballots`));
console.log(await db.query(`select p.slug, r.rule, r.official, r.ballots from pb_results r join pb_processes p on p.id = r.process_id`));
for (const u of ['/trafford/budgets', '/trafford/budgets/green-streets-fund-2026', '/trafford/budgets/green-streets-fund-2026/results', '/trafford/budgets/green-streets-fund-2026/delivery', '/trafford/budgets/stretford-ward-budget-2027']) {
  const r = await app.inject({ url: u });
  console.log(u, r.statusCode, r.body.length);
}
const r = await app.inject({ url: '/trafford/budgets/green-streets-fund-2026/results' });
const fs = await import('node:fs'); fs.writeFileSync('/tmp/results.html', r.body);
await app.close(); await db.close();

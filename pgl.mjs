import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';

let t = Date.now();
const db = await PGlite.create({ extensions: { pg_trgm, btree_gist, citext, unaccent } });
console.log('create', Date.now() - t);
t = Date.now();
for (const e of ['pg_trgm', 'btree_gist', 'citext', 'unaccent'])
  await db.exec(`create extension if not exists ${e}`);
console.log('ext', Date.now() - t);
t = Date.now();
console.log(
  (await db.query("select unaccent('Ysgol Gymraeg Bro Dâr') u, similarity('trafford','traford') s")).rows,
);
const dump = await db.dumpDataDir('gzip');
console.log('dump', Date.now() - t, dump.size);
t = Date.now();
const db2 = await PGlite.create({ loadDataDir: dump, extensions: { pg_trgm, btree_gist, citext, unaccent } });
console.log('load', Date.now() - t);
console.log((await db2.query('select extname from pg_extension')).rows);

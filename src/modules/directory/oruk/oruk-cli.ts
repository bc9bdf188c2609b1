import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../../platform/db/types.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { isObject, type Json } from './oruk-normalise.js';
import { exportOruk, importOrukFeed } from './oruk-service.js';

/**
 * `kith import oruk FILE|URL` and `kith export oruk`: the command line reads and writes
 * feeds as the operator (no signed-in person), through the same service as everything else.
 */

export type FetchJson = (url: string) => Promise<unknown>;

const MAX_PAGES = 10_000;

async function defaultFetchJson(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
}

function hasNested(item: Json): boolean {
  return ['service_at_locations', 'schedules', 'contacts', 'attributes', 'cost_options'].some(
    (k) => k in item,
  );
}

/**
 * Every service of an ORUK API: `/services?page=N` until the last page, then each service
 * in full from `/services/{id}` (list pages carry only one-to-one fields). The address may be
 * the API root or its `/services`.
 */
export async function fetchOrukFeed(url: string, fetchJson: FetchJson = defaultFetchJson): Promise<Json[]> {
  const base = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const servicesUrl = /\/services$/.test(base) ? base : `${base}/services`;
  const out: Json[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const body = await fetchJson(`${servicesUrl}?page=${page}`);
    const items = isObject(body) && Array.isArray(body.contents) ? body.contents.filter(isObject) : [];
    for (const item of items) {
      if (hasNested(item) || typeof item.id !== 'string') {
        out.push(item);
        continue;
      }
      const full = await fetchJson(`${servicesUrl}/${encodeURIComponent(item.id)}`).catch(() => null);
      out.push(isObject(full) && full.id === item.id ? full : item);
    }
    const totalPages = isObject(body) && typeof body.total_pages === 'number' ? body.total_pages : page;
    const lastPage = isObject(body) && body.last_page === true;
    if (!items.length || lastPage || page >= totalPages) break;
  }
  return out;
}

/** A feed from a file (one service, an array, or a page of a list) or from an ORUK API. */
export async function readOrukFeed(
  location: string,
  fetchJson: FetchJson = defaultFetchJson,
): Promise<{ feed: unknown; source: string }> {
  if (/^https?:\/\//i.test(location)) {
    return { feed: await fetchOrukFeed(location, fetchJson), source: location.replace(/[?#].*$/, '') };
  }
  let text: string;
  try {
    text = fs.readFileSync(location, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${location} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  try {
    return { feed: JSON.parse(text), source: path.basename(location) };
  } catch {
    throw new Error(`${location} is not a JSON file`);
  }
}

export async function placeFor(db: Db, slug: string | undefined): Promise<Place> {
  if (slug) {
    const place = await findPlaceBySlug(db, slug);
    if (!place) throw new Error(`There is no place "${slug}".`);
    return place;
  }
  const rows = await db.query<{ slug: string }>('select slug from places order by slug');
  if (rows.length !== 1) {
    throw new Error(
      `Say which place with --place (one of: ${rows.map((r) => r.slug).join(', ') || 'none yet'}).`,
    );
  }
  return (await findPlaceBySlug(db, rows[0]?.slug as string)) as Place;
}

export async function runOrukImport(
  db: Db,
  options: {
    location: string;
    place?: string | undefined;
    source?: string | undefined;
    fetchJson?: FetchJson;
  },
  say: (message: string) => void,
): Promise<void> {
  const place = await placeFor(db, options.place);
  const { feed, source } = await readOrukFeed(options.location, options.fetchJson);
  const result = await importOrukFeed({ db, place, actor: null }, feed, {
    source: options.source ?? source,
    trusted: true,
  });
  say(`Imported ${result.imported} services into ${place.name} from ${options.source ?? source}.`);
  for (const s of result.skipped) say(`Skipped item ${s.index + 1}: ${s.reason}.`);
}

export async function runOrukExport(
  db: Db,
  options: { place?: string | undefined; out?: string | undefined },
  say: (message: string) => void,
  write: (text: string) => void,
): Promise<void> {
  const place = await placeFor(db, options.place);
  const feed = await exportOruk({ db, place, actor: null });
  const text = `${JSON.stringify(feed, null, 2)}\n`;
  if (options.out) {
    fs.writeFileSync(options.out, text);
    say(`Wrote ${String(feed.total_items)} services from ${place.name} to ${options.out}.`);
  } else write(text);
}

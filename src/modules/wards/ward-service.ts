import {
  type AreaGeometry,
  createWardLocator,
  renderWardMapSvg,
  type WardLocator,
  type WardShape,
} from '../../lib/geo/index.js';
import { slugify } from '../../lib/text/slug.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { Db, Tx } from '../../platform/db/types.js';
import { NotFound } from '../../platform/http/errors.js';
import type { ServiceContext } from '../../platform/http/request-context.js';

export type Ward = {
  code: string;
  slug: string;
  name: string;
  population: number | null;
  populationSource: string | null;
  centroid: { lon: number; lat: number } | null;
};

type WardRow = {
  code: string;
  slug: string;
  name: string;
  population: number | null;
  population_source: string | null;
  centroid_lon: number | null;
  centroid_lat: number | null;
};

const COLUMNS = 'code, slug, name, population, population_source, centroid_lon, centroid_lat';

function toWard(r: WardRow): Ward {
  return {
    code: r.code,
    slug: r.slug,
    name: r.name,
    population: r.population,
    populationSource: r.population_source,
    centroid:
      r.centroid_lon !== null && r.centroid_lat !== null
        ? { lon: r.centroid_lon, lat: r.centroid_lat }
        : null,
  };
}

export async function listWards(
  ctx: ServiceContext,
  page?: { limit: number; offset: number },
): Promise<Ward[]> {
  const rows = await ctx.db.query<WardRow>(
    `select ${COLUMNS} from wards where place_id = $1 order by name limit $2 offset $3`,
    [ctx.place.id, page?.limit ?? null, page?.offset ?? 0],
  );
  return rows.map(toWard);
}

export async function countWards(ctx: ServiceContext): Promise<number> {
  const rows = await ctx.db.query<{ n: number }>('select count(*)::int as n from wards where place_id = $1', [
    ctx.place.id,
  ]);
  return rows[0]?.n ?? 0;
}

/** A ward by its slug or its GSS code (codes are what other datasets carry). */
export async function getWard(ctx: ServiceContext, slugOrCode: string): Promise<Ward> {
  const rows = await ctx.db.query<WardRow>(
    `select ${COLUMNS} from wards where place_id = $1 and (slug = $2 or code = $2)`,
    [ctx.place.id, slugOrCode],
  );
  if (!rows[0]) throw new NotFound(`There is no ward ${slugOrCode} in ${ctx.place.name}`);
  return toWard(rows[0]);
}

export async function wardBoundaries(
  ctx: ServiceContext,
  kind: 'boundary' | 'display_boundary',
): Promise<(Ward & { geometry: AreaGeometry })[]> {
  const rows = await ctx.db.query<WardRow & { geometry: AreaGeometry }>(
    `select ${COLUMNS}, ${kind === 'boundary' ? 'boundary' : 'display_boundary'} as geometry
     from wards where place_id = $1 order by name`,
    [ctx.place.id],
  );
  return rows.map((r) => ({ ...toWard(r), geometry: r.geometry }));
}

// Boundaries change once a decade; cache what is derived from them per place version.
const locators = new Map<string, { version: string; locator: WardLocator }>();
const maps = new Map<string, string>();

function cacheVersion(ctx: ServiceContext): string {
  return `${ctx.place.id}|${ctx.place.updatedAt.toISOString()}`;
}

/** The ward containing a point, for placing anything located (groups, spaces, needs…). */
export async function wardAt(ctx: ServiceContext, lon: number, lat: number): Promise<Ward | null> {
  const version = cacheVersion(ctx);
  let entry = locators.get(ctx.place.id);
  if (!entry || entry.version !== version) {
    const shapes = await wardBoundaries(ctx, 'boundary');
    entry = {
      version,
      locator: createWardLocator(shapes.map((w) => ({ code: w.code, name: w.name, geometry: w.geometry }))),
    };
    locators.set(ctx.place.id, entry);
  }
  const hit = entry.locator.wardAt(lon, lat);
  return hit ? getWard(ctx, hit.code) : null;
}

/**
 * The ward map as inline SVG, each ward linking to its page, or, with `choose`, to a form's
 * address that picks it (`{code}` in the href and `{name}` in the label are filled in).
 */
export async function wardMapSvg(
  ctx: ServiceContext,
  options: {
    title: string;
    description: string;
    highlightCode?: string;
    idPrefix?: string;
    choose?: { href: string; label: string };
  },
): Promise<string> {
  const key = `${cacheVersion(ctx)}|${options.highlightCode ?? ''}|${options.idPrefix ?? ''}|${options.title}|${options.description}|${options.choose?.href ?? ''}|${options.choose?.label ?? ''}`;
  const cached = maps.get(key);
  if (cached) return cached;
  const wards = await wardBoundaries(ctx, 'display_boundary');
  const slugs = new Map(wards.map((w) => [w.code, w.slug]));
  const choose = options.choose;
  const shapes: WardShape[] = wards.map((w) => ({ code: w.code, name: w.name, geometry: w.geometry }));
  const svg = renderWardMapSvg(shapes, {
    width: 640,
    title: options.title,
    description: options.description,
    hrefFor: (w) =>
      choose
        ? choose.href.replace('{code}', encodeURIComponent(w.code))
        : `/${ctx.place.slug}/wards/${slugs.get(w.code)}`,
    ...(choose ? { linkLabelFor: (w: WardShape) => choose.label.replace('{name}', w.name) } : {}),
    ...(options.highlightCode ? { highlightCode: options.highlightCode } : {}),
    idPrefix: options.idPrefix ?? 'ward-map',
  });
  if (maps.size > 500) maps.clear();
  maps.set(key, svg);
  return svg;
}

export type WardImport = {
  code: string;
  name: string;
  boundary: AreaGeometry;
  displayBoundary: AreaGeometry;
  centroid: { lon: number; lat: number } | null;
  population: number | null;
  populationSource: string | null;
};

/** Loads or refreshes a place's wards (by code) in one transaction. */
export async function upsertWards(db: Db | Tx, placeId: string, wards: WardImport[]): Promise<number> {
  return withTransaction(db, async (tx) => {
    for (const w of wards) {
      await tx.query(
        `insert into wards (place_id, code, slug, name, boundary, display_boundary, centroid_lon, centroid_lat, population, population_source)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (place_id, code) do update set slug = excluded.slug, name = excluded.name,
           boundary = excluded.boundary, display_boundary = excluded.display_boundary,
           centroid_lon = excluded.centroid_lon, centroid_lat = excluded.centroid_lat,
           population = excluded.population, population_source = excluded.population_source`,
        [
          placeId,
          w.code,
          slugify(w.name),
          w.name,
          JSON.stringify(w.boundary),
          JSON.stringify(w.displayBoundary),
          w.centroid?.lon ?? null,
          w.centroid?.lat ?? null,
          w.population,
          w.populationSource,
        ],
      );
    }
    // Bumping the place invalidates caches built from its boundaries.
    await tx.query('update places set updated_at = now() where id = $1', [placeId]);
    return wards.length;
  });
}

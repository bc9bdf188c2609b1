import { isUsableBrandColour } from '../../lib/colour/contrast.js';
import { withTransaction } from '../db/transaction.js';
import type { Db, Tx } from '../db/types.js';
import { Invalid, NotFound } from '../http/errors.js';
import { isLanguage, type Language } from '../i18n/i18n.js';

export type Place = {
  id: string;
  slug: string;
  name: string;
  councilName: string;
  nation: 'england' | 'wales' | 'scotland' | 'northern-ireland';
  brandColour: string;
  hasLogo: boolean;
  tagline: string;
  contactEmail: string;
  languages: Language[];
  hostnames: string[];
  modules: string[];
  requireTwoFactorForStaff: boolean;
  updatedAt: Date;
};

type PlaceRow = {
  id: string;
  slug: string;
  name: string;
  council_name: string;
  nation: Place['nation'];
  brand_colour: string;
  has_logo: boolean;
  tagline: string;
  contact_email: string;
  languages: string[];
  hostnames: string[];
  modules: string[];
  require_two_factor_for_staff: boolean;
  updated_at: Date;
};

const PLACE_COLUMNS = `id, slug, name, council_name, nation, brand_colour, logo_svg is not null as has_logo,
  tagline, contact_email, languages, hostnames, modules, require_two_factor_for_staff, updated_at`;

function toPlace(r: PlaceRow): Place {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    councilName: r.council_name,
    nation: r.nation,
    brandColour: r.brand_colour,
    hasLogo: r.has_logo,
    tagline: r.tagline,
    contactEmail: r.contact_email,
    languages: r.languages.filter(isLanguage),
    hostnames: r.hostnames,
    modules: r.modules,
    requireTwoFactorForStaff: r.require_two_factor_for_staff,
    updatedAt: new Date(r.updated_at),
  };
}

/** What a place's slug looks like (anything else is not looked up). */
export const PLACE_SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * A scalar subquery giving the place with the slug in `slugParam` as JSON (or null), for a
 * query that reads something else in the same round trip; placeFromJson reads it.
 */
export const placeJsonBySlug = (slugParam: string) =>
  `(select to_json(x) from (select ${PLACE_COLUMNS} from places where slug = ${slugParam}) x)`;

export function placeFromJson(json: unknown): Place | null {
  return json ? toPlace(json as PlaceRow) : null;
}

export async function listPlaces(db: Db | Tx): Promise<Place[]> {
  const rows = await db.query<PlaceRow>(`select ${PLACE_COLUMNS} from places order by name`);
  return rows.map(toPlace);
}

export async function findPlaceBySlug(db: Db | Tx, slug: string): Promise<Place | null> {
  const rows = await db.query<PlaceRow>(`select ${PLACE_COLUMNS} from places where slug = $1`, [slug]);
  return rows[0] ? toPlace(rows[0]) : null;
}

export async function getPlaceLogo(db: Db | Tx, placeId: string): Promise<string> {
  const rows = await db.query<{ logo_svg: string | null }>('select logo_svg from places where id = $1', [
    placeId,
  ]);
  const svg = rows[0]?.logo_svg;
  if (!svg) throw new NotFound('This place has no logo');
  return svg;
}

export type NewPlace = {
  slug: string;
  name: string;
  councilName: string;
  nation: Place['nation'];
  brandColour: string;
  logoSvg: string | null;
  tagline: string;
  contactEmail: string;
  languages: Language[];
  modules: string[];
};

/** Creates the place, or updates it in place when the slug exists (seeding is re-runnable). */
export async function upsertPlace(db: Db | Tx, p: NewPlace): Promise<Place> {
  // White text sits on the brand colour in the header, so it must pass WCAG AA contrast.
  if (!isUsableBrandColour(p.brandColour)) throw new Invalid({ brandColour: 'places.errors.brandContrast' });
  return withTransaction(db, async (tx) => {
    const rows = await tx.query<PlaceRow>(
      `insert into places (slug, name, council_name, nation, brand_colour, logo_svg, tagline, contact_email, languages, modules)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (slug) do update set name = excluded.name, council_name = excluded.council_name,
         nation = excluded.nation, brand_colour = excluded.brand_colour, logo_svg = excluded.logo_svg,
         tagline = excluded.tagline, contact_email = excluded.contact_email,
         languages = excluded.languages, modules = excluded.modules, updated_at = now()
       returning ${PLACE_COLUMNS}`,
      [
        p.slug,
        p.name,
        p.councilName,
        p.nation,
        p.brandColour,
        p.logoSvg,
        p.tagline,
        p.contactEmail,
        p.languages,
        p.modules,
      ],
    );
    return toPlace(rows[0] as PlaceRow);
  });
}

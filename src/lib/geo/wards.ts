/**
 * Ward boundaries: validating GeoJSON into WardShape values, and finding the
 * ward that contains a point.
 */
import type { AreaGeometry, LinearRing, Position } from './geometry.js';
import { prepareArea } from './prepared-area.js';

export interface WardShape {
  code: string;
  name: string;
  geometry: AreaGeometry;
  /** A representative point published with the boundary (ONS: lon/lat properties), if any. */
  centroid?: Position;
}

/** Which feature properties hold the ward's code, name and (optionally) centroid. */
export interface WardPropertyNames {
  code: string;
  name: string;
  lon?: string;
  lat?: string;
}

/** Property names used by ONS Open Geography Portal boundary downloads. */
export const ONS_WARD_PROPERTIES: WardPropertyNames = {
  code: 'area_code',
  name: 'area_name',
  lon: 'lon',
  lat: 'lat',
};

class WardDataError extends Error {
  constructor(message: string) {
    super(`Invalid ward GeoJSON: ${message}`);
    this.name = 'WardDataError';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A short rendering of bad input for an error message; never throws, whatever the input. */
const preview = (value: unknown): string => {
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Checks a parsed GeoJSON FeatureCollection and returns one WardShape per
 * feature. Positions are copied as [lon, lat] (any altitude dropped), so the
 * result shares nothing with the input. Throws an Error naming the first
 * problem, e.g. `features[3] ("E05015242") ring 0 has 3 positions`.
 */
export function parseWardCollection(
  geojson: unknown,
  props: WardPropertyNames = ONS_WARD_PROPERTIES,
): WardShape[] {
  if (!isRecord(geojson)) {
    throw new WardDataError(`expected a FeatureCollection object, got ${kindOf(geojson)}`);
  }
  if (geojson.type !== 'FeatureCollection') {
    throw new WardDataError(`expected type "FeatureCollection", got ${preview(geojson.type)}`);
  }
  const { features } = geojson;
  if (!Array.isArray(features)) {
    throw new WardDataError(`"features" must be an array, got ${kindOf(features)}`);
  }

  const firstIndexOfCode = new Map<string, number>();
  // Array.from, not map: map would skip the holes of a sparse array instead of rejecting them.
  return Array.from(features, (feature: unknown, index) => {
    const where = `features[${index}]`;
    if (!isRecord(feature) || feature.type !== 'Feature') {
      throw new WardDataError(`${where} is not a GeoJSON Feature`);
    }
    const properties = isRecord(feature.properties) ? feature.properties : {};
    const code = requiredString(properties, props.code, where);
    const label = `${where} ("${code}")`;
    const name = requiredString(properties, props.name, label);
    const earlier = firstIndexOfCode.get(code);
    if (earlier !== undefined) {
      throw new WardDataError(`${label} repeats the ward code of features[${earlier}]`);
    }
    firstIndexOfCode.set(code, index);

    const ward: WardShape = { code, name, geometry: parseGeometry(feature.geometry, label) };
    const centroid = optionalCentroid(properties, props, label);
    if (centroid) ward.centroid = centroid;
    return ward;
  });
}

function requiredString(properties: Record<string, unknown>, key: string, where: string): string {
  const value = properties[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WardDataError(`${where} has no "${key}" property (expected a non-empty string)`);
  }
  return value;
}

/** ONS files carry lon/lat as strings in some releases and numbers in others. */
function optionalCentroid(properties: Record<string, unknown>, props: WardPropertyNames, where: string) {
  if (props.lon === undefined || props.lat === undefined) return undefined;
  const lonValue = properties[props.lon];
  const latValue = properties[props.lat];
  if (lonValue === undefined && latValue === undefined) return undefined;
  const lon = toNumber(lonValue);
  const lat = toNumber(latValue);
  if (!isLonLat(lon, lat)) {
    throw new WardDataError(
      `${where} has an invalid centroid: "${props.lon}" ${preview(lonValue)}, "${props.lat}" ${preview(latValue)}`,
    );
  }
  return [lon, lat] as const;
}

const toNumber = (value: unknown): number =>
  typeof value === 'number'
    ? value
    : typeof value === 'string' && value.trim() !== ''
      ? Number(value)
      : Number.NaN;

const isLonLat = (lon: number, lat: number): boolean =>
  Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90;

function parseGeometry(geometry: unknown, where: string): AreaGeometry {
  if (!isRecord(geometry)) throw new WardDataError(`${where} has no geometry`);
  const { type, coordinates } = geometry;
  if (type === 'Polygon') return { type, coordinates: parsePolygon(coordinates, where) };
  if (type === 'MultiPolygon') {
    if (!Array.isArray(coordinates) || coordinates.length === 0) {
      throw new WardDataError(`${where} MultiPolygon needs a non-empty array of polygons`);
    }
    return {
      type,
      coordinates: Array.from(coordinates, (polygon, p) => parsePolygon(polygon, `${where} polygon ${p}`)),
    };
  }
  throw new WardDataError(
    `${where} has unsupported geometry type ${preview(type)}; expected Polygon or MultiPolygon`,
  );
}

function parsePolygon(rings: unknown, where: string): LinearRing[] {
  if (!Array.isArray(rings) || rings.length === 0) {
    throw new WardDataError(`${where} needs a non-empty array of rings`);
  }
  return Array.from(rings, (ring, r) => parseRing(ring, `${where} ring ${r}`));
}

function parseRing(ring: unknown, where: string): LinearRing {
  if (!Array.isArray(ring)) throw new WardDataError(`${where} is not an array of positions`);
  if (ring.length < 4) {
    throw new WardDataError(`${where} has ${ring.length} positions; a closed ring needs at least 4`);
  }
  const positions = Array.from(ring, (position: unknown, i): Position => {
    const [lon, lat] = Array.isArray(position) ? position : [];
    if (typeof lon !== 'number' || typeof lat !== 'number' || !isLonLat(lon, lat)) {
      // Out-of-range numbers usually mean projected data, e.g. British National Grid eastings/northings.
      throw new WardDataError(
        `${where} position ${i} is ${preview(position)}; expected [lon, lat] in WGS84 degrees`,
      );
    }
    return [lon, lat];
  });
  const first = positions[0] as Position;
  const last = positions[positions.length - 1] as Position;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    throw new WardDataError(`${where} is not closed (its first and last positions differ)`);
  }
  return positions;
}

export interface WardLocator {
  /** The ward containing the point, or null if none does (or the input is not finite). */
  wardAt(lon: number, lat: number): WardShape | null;
}

/**
 * Builds an index for repeated point lookups. Wards are expected not to
 * overlap; if they do, the first in input order wins. A point exactly on a
 * boundary between two wards belongs to exactly one of them, provided both
 * list the boundary's vertices identically (as ONS boundaries do).
 */
export function createWardLocator(wards: readonly WardShape[]): WardLocator {
  const prepared = wards.map((ward) => ({ ward, area: prepareArea(ward.geometry) }));
  return {
    wardAt(lon: number, lat: number): WardShape | null {
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) return null;
      for (const { ward, area } of prepared) {
        if (area.contains(lon, lat)) return ward;
      }
      return null;
    },
  };
}

/**
 * Test-only loaders for the Trafford demo data. The library itself does no
 * I/O; this file is imported by the *.test.ts files beside it and nothing else.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { AreaGeometry, Position } from './geometry.js';
import { parseWardCollection, type WardShape } from './wards.js';

const TRAFFORD = new URL('../../../demo-data/trafford/', import.meta.url);

export type TraffordBoundaryFile =
  | 'ward2022_trafford_ward_full_resolution'
  | 'ward2023_trafford_ward_full_resolution'
  | 'ward2023_trafford_ward_generalised'
  | 'la2023_trafford_local_authority_generalised';

const cache = new Map<TraffordBoundaryFile, WardShape[]>();

/** Parsed once per test process: the full-resolution files are ~0.5–0.8 MB. */
export function loadTraffordBoundaries(file: TraffordBoundaryFile): WardShape[] {
  let wards = cache.get(file);
  if (!wards) {
    wards = parseWardCollection(
      JSON.parse(readFileSync(new URL(`boundaries/${file}.geojson`, TRAFFORD), 'utf8')),
    );
    cache.set(file, wards);
  }
  return wards;
}

export function loadTraffordOutline(): AreaGeometry {
  const [borough] = loadTraffordBoundaries('la2023_trafford_local_authority_generalised');
  if (!borough) throw new Error('borough outline file has no features');
  return borough.geometry;
}

export interface PollingStation {
  id: string;
  name: string;
  /** The 2004–2022 ward the council lists the station under. */
  wardCode: string;
  wardName: string;
  position: Position;
}

export function loadPollingStations(): PollingStation[] {
  const rows = parse<Record<string, string>>(
    readFileSync(new URL('assets/trafford_polling_stations.csv', TRAFFORD)),
    {
      columns: true,
    },
  );
  return rows.map((row) => ({
    id: row.id ?? '',
    name: row.name ?? '',
    wardCode: row.ward_code ?? '',
    wardName: row.ward_name ?? '',
    position: [Number(row.lon), Number(row.lat)] as const,
  }));
}

/** Deterministic random numbers (mulberry32), so a failing run can be repeated. */
export { seededRandom } from '../random/seeded.js';

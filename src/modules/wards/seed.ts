import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { parseWardCollection } from '../../lib/geo/index.js';
import type { SeedContext } from '../../platform/module-definition.js';
import { upsertWards, type WardImport } from './ward-service.js';

const DEMO = fileURLToPath(new URL('../../../demo-data/', import.meta.url));

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(DEMO + file, 'utf8'));
}

/** Mid-2024 ONS population estimates by 2023 ward code (all people, all ages). */
export function readPopulation(
  file = 'trafford/population/mid-year_2024_population_estimates_ward.csv',
): Map<string, number> {
  const rows = parse(fs.readFileSync(DEMO + file), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  return new Map(
    rows
      .filter((r) => r.sex === 'Persons')
      .map((r) => [r.area_code as string, Number.parseInt(r.all_ages as string, 10)]),
  );
}

/** The demo place's 21 wards (May 2023 boundaries) with their population. */
export async function seedWards({ db, place, log }: SeedContext): Promise<void> {
  if (place.slug !== 'trafford') return;
  const full = parseWardCollection(
    readJson('trafford/boundaries/ward2023_trafford_ward_full_resolution.geojson'),
  );
  const display = new Map(
    parseWardCollection(readJson('trafford/boundaries/ward2023_trafford_ward_generalised.geojson')).map(
      (w) => [w.code, w],
    ),
  );
  const population = readPopulation();
  const wards: WardImport[] = full.map((w) => ({
    code: w.code,
    name: w.name,
    boundary: w.geometry,
    displayBoundary: display.get(w.code)?.geometry ?? w.geometry,
    centroid: w.centroid ? { lon: w.centroid[0], lat: w.centroid[1] } : null,
    population: population.get(w.code) ?? null,
    populationSource: population.has(w.code) ? 'ONS mid-2024 population estimates' : null,
  }));
  const n = await upsertWards(db, place.id, wards);
  log(`wards: ${n} wards for ${place.name}`);
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The interactive map's script and stylesheet: Leaflet (BSD-2-Clause) followed by Kith's own
 * few lines, each served as one file from the site itself, so the strict CSP (scripts and
 * styles from 'self' only) holds. Only used when map tiles are configured; without them no
 * map JavaScript is sent at all.
 */
export type MapAssets = { js: string; css: string; version: string };

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

let loaded: MapAssets | null | undefined;

/** Null when Leaflet is not installed (the server-drawn map is then all there is). */
export function mapAssets(): MapAssets | null {
  if (loaded !== undefined) return loaded;
  try {
    const require = createRequire(import.meta.url);
    const dist = path.join(path.dirname(require.resolve('leaflet/package.json')), 'dist');
    const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
    const js = `${read(dist, 'leaflet.js').replace(/\n\/\/# sourceMappingURL=.*$/m, '')}\n${read(STATIC_DIR, 'search-map.js')}`;
    const css = `${read(dist, 'leaflet.css')}\n${read(STATIC_DIR, 'search-map.css')}`;
    const version = createHash('sha256').update(js).update(css).digest('hex').slice(0, 10);
    loaded = { js, css, version };
  } catch {
    loaded = null;
  }
  return loaded;
}

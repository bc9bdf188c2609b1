import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import * as sass from 'sass';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BUILD_DIR = path.join(ROOT, 'public', 'build');
const SOURCE_DIR = fileURLToPath(new URL('./styles/', import.meta.url));
const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
const MANIFEST = path.join(BUILD_DIR, 'manifest.json');

export type AssetManifest = { inputsHash: string; files: Record<string, string> };

/** A hash of everything the build reads, so a stale build is noticed and redone at start. */
function inputsHash(): string {
  const h = createHash('sha256');
  const pkg = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'node_modules/govuk-frontend/package.json'), 'utf8'),
  );
  h.update(`govuk-frontend@${pkg.version}`);
  for (const dir of [SOURCE_DIR, STATIC_DIR]) {
    for (const f of fs.readdirSync(dir).sort()) {
      h.update(f);
      h.update(fs.readFileSync(path.join(dir, f)));
    }
  }
  return h.digest('hex').slice(0, 16);
}

function fingerprint(name: string, content: Buffer): string {
  const ext = path.extname(name);
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 10);
  return `${path.basename(name, ext)}-${hash}${ext}`;
}

/** Writes the file and its gzip and brotli twins, so the server never compresses static files. */
function writeCompressed(name: string, content: Buffer) {
  fs.writeFileSync(path.join(BUILD_DIR, name), content);
  fs.writeFileSync(path.join(BUILD_DIR, `${name}.gz`), zlib.gzipSync(content, { level: 9 }));
  fs.writeFileSync(
    path.join(BUILD_DIR, `${name}.br`),
    zlib.brotliCompressSync(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
}

export function buildAssets(): AssetManifest {
  const css = sass.compile(path.join(SOURCE_DIR, 'kith.scss'), {
    style: 'compressed',
    loadPaths: [path.join(ROOT, 'node_modules')],
    quietDeps: true,
    silenceDeprecations: ['import'],
  }).css;
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const files: Record<string, string> = {};
  const cssName = fingerprint('kith.css', Buffer.from(css));
  writeCompressed(cssName, Buffer.from(css));
  files['kith.css'] = cssName;
  for (const f of fs.readdirSync(STATIC_DIR)) {
    const content = fs.readFileSync(path.join(STATIC_DIR, f));
    const name = fingerprint(f, content);
    writeCompressed(name, content);
    files[f] = name;
  }
  const manifest: AssetManifest = { inputsHash: inputsHash(), files };
  fs.writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2));
  return manifest;
}

/** The current build, rebuilt first if the sources changed since it was made. */
export function ensureAssets(): AssetManifest {
  try {
    const manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as AssetManifest;
    if (manifest.inputsHash === inputsHash()) return manifest;
  } catch {
    // No build yet.
  }
  return buildAssets();
}

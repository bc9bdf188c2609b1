import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * One Nunjucks environment for the whole app. Templates are found in the platform views,
 * then each module's folder (`wards/views/index.njk`), then govuk-frontend's macros.
 * Autoescaping is on: data is never trusted as HTML.
 */
export function createViewEnvironment(options: { watch?: boolean } = {}): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [here('./'), here('../../modules/'), here('../../../node_modules/govuk-frontend/dist/')],
      { noCache: Boolean(options.watch), watch: false },
    ),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  );
  return env;
}

import type { ModuleDefinition } from './module-definition.js';

/**
 * The feature modules, as `modules.ts` registers them when it loads. Platform services that
 * modules themselves import (permissions, moderation, rendering, open data, privacy) read the
 * list here, when called, rather than importing `modules.ts`. That import made loading any
 * service load every module first, in the middle of loading the platform file the service had
 * imported, so a service imported before anything else met half-loaded platform code ("Cannot
 * access … before initialization"). Entry points (the app, the CLI, the seed, the test helpers)
 * import `modules.ts` itself.
 */
let installed: readonly ModuleDefinition[] | undefined;

export function registerModules(list: readonly ModuleDefinition[]): void {
  installed = list;
}

/** Every feature module, in navigation order. */
export function installedModules(): readonly ModuleDefinition[] {
  if (!installed) {
    throw new Error('No feature modules are registered: import src/platform/modules.js first.');
  }
  return installed;
}

export function enabledModules(placeModules: readonly string[]): ModuleDefinition[] {
  return installedModules().filter((m) => placeModules.includes(m.name));
}

import { modules } from './modules.js';

/**
 * Example values for every route parameter, so tests can visit every page with demo data.
 * A module with a new parameter adds it to its own `demoParams`; a missing one fails the sweep.
 */
export function demoParams(): Record<string, string> {
  return Object.assign(
    { place: 'trafford', lang: 'cy', dataset: 'wards' },
    ...modules.map((m) => m.demoParams ?? {}),
  );
}

/** The concrete demo URLs for a route pattern, or null if a parameter has no example. */
export function demoUrl(pattern: string): string | null {
  const params = demoParams();
  let missing = false;
  const url = pattern.replace(/:(\w+)/g, (_m, name: string) => {
    const v = params[name];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? null : url;
}

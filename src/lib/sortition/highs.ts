/**
 * HiGHS (MIT), compiled to WebAssembly, solves the engine's linear and integer programs. Loading
 * it compiles the module once per process; every model must be disposed after use because
 * garbage collection does not free WebAssembly memory.
 */

import type { Highs, InitOptions } from 'highs';
import * as highsModule from 'highs';

export type { Highs };
export type HighsModel = ReturnType<Highs['createModel']>;

// The package is CommonJS to TypeScript but loads here as an ES module whose default export is
// the loader, so its type is stated rather than inferred.
const loadHighs = (highsModule as unknown as { default: (options?: InitOptions) => Promise<Highs> }).default;

let loading: Promise<Highs> | undefined;

export function getHighs(): Promise<Highs> {
  loading ??= loadHighs();
  return loading;
}

/**
 * HiGHS (MIT), compiled to WebAssembly, solves the engine's linear and integer programs. Loading
 * it compiles the module once per process; every model must be disposed after use because
 * garbage collection does not free WebAssembly memory.
 */
import loadHighs, { type Highs } from 'highs';

let loading: Promise<Highs> | undefined;

export function getHighs(): Promise<Highs> {
  loading ??= loadHighs();
  return loading;
}

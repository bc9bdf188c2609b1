import assemblies from '../modules/assemblies/index.js';
import budgeting from '../modules/budgeting/index.js';
import consultations from '../modules/consultations/index.js';
import decisions from '../modules/decisions/index.js';
import directory from '../modules/directory/index.js';
import ideas from '../modules/ideas/index.js';
import mutualAid from '../modules/mutual-aid/index.js';
import spaces from '../modules/spaces/index.js';
import standards from '../modules/standards/index.js';
import streets from '../modules/streets/index.js';
import wards from '../modules/wards/index.js';
import type { ModuleDefinition } from './module-definition.js';
import { registerModules } from './module-registry.js';

/**
 * Every feature module, in navigation order. A new module is one folder in src/modules and
 * one line here; each place switches modules on and off in its settings.
 */
export const modules: readonly ModuleDefinition[] = [
  directory,
  mutualAid,
  spaces,
  streets,
  ideas,
  budgeting,
  assemblies,
  decisions,
  consultations,
  standards,
  wards,
];

registerModules(modules);

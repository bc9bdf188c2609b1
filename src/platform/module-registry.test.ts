import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Services used to crash with "Cannot access … before initialization" when a script or test
 * imported them before anything else, because the platform files they import loaded every module
 * in turn (module-registry.ts). Each import here runs in a fresh Node process, first of all.
 */
const FIRST_IMPORTS = [
  '../modules/directory/groups/group-service.ts',
  '../modules/decisions/decision-service.ts',
  '../modules/consultations/consultation-service.ts',
  '../modules/budgeting/seed/voter-seed.ts',
  '../modules/mutual-aid/circles/circle-privacy.ts',
];

describe('loading a service before anything else', () => {
  for (const relative of FIRST_IMPORTS) {
    it(`loads ${relative.replace('../modules/', '')}`, () => {
      const url = new URL(relative, import.meta.url).href;
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', '-e', `await import(${JSON.stringify(url)})`],
        {
          cwd: fileURLToPath(new URL('../..', import.meta.url)),
          env: { ...process.env, NODE_ENV: 'test' },
          encoding: 'utf8',
        },
      );
      assert.equal(result.status, 0, result.stderr);
    });
  }
});

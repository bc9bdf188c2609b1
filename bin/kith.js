#!/usr/bin/env node
// The `kith` command. TypeScript runs through tsx so that a fresh `npm ci` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');

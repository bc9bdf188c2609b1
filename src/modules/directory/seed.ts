import type { SeedContext } from '../../platform/module-definition.js';
import { seedGroups } from './groups/group-seed.js';
import { seedOrukServices } from './oruk/oruk-seed.js';
import { seedSignposting } from './signposting/signposting-seed.js';

/** The demo place's directory: groups (and, from their own seeds, services and signposting). */
export async function seedDirectory(ctx: SeedContext): Promise<void> {
  await seedGroups(ctx);
  await seedOrukServices(ctx);
  // Last, so that signposting points at listings the other seeds have indexed.
  await seedSignposting(ctx);
}

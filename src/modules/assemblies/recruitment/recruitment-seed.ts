import type { SeedContext } from '../../../platform/module-definition.js';

/** Placeholder: this part's demo data is being built. */
export async function seedRecruitment(_ctx: SeedContext): Promise<void> {}

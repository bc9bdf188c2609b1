/** The demo place's assemblies, shared by every part's seed so they add to the same records. */
export const DEMO_FINISHED_SLUG = 'climate';
export const DEMO_RECRUITING_SLUG = 'high-streets';

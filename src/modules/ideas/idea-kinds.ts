/**
 * The fixed lists ideas are sorted by. A leaf file (no imports) so every part of the module,
 * and other modules through the service, can use them without import cycles.
 */

/** An idea's path (seed 004, Doncaster): proposed → being developed → being tested → an ending. */
export const STAGES = ['proposed', 'developing', 'testing', 'adopted', 'learned'] as const;
export type Stage = (typeof STAGES)[number];

/** Where each stage may go next. Adopted and learned-from are endings; a trial may end either way. */
export const NEXT_STAGES: Record<Stage, readonly Stage[]> = {
  proposed: ['developing'],
  developing: ['testing', 'learned'],
  testing: ['adopted', 'learned'],
  adopted: [],
  learned: [],
};

/** Themes an idea is filed under (i18n keys `ideas.themes.<theme>`). */
export const THEMES = [
  'green-spaces',
  'streets-and-travel',
  'high-streets',
  'young-people',
  'older-people',
  'food',
  'arts-and-culture',
  'sport-and-play',
  'environment',
  'community-spaces',
  'health-and-wellbeing',
  'other',
] as const;
export type Theme = (typeof THEMES)[number];

/** Moderation states mirrored from platform/moderation: only published ideas and comments are public. */
export type ModerationStatus = 'pending' | 'published' | 'hidden';

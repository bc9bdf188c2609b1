import { z } from 'zod';
import { optionalText } from '../../../platform/http/form-fields.js';

const E = 'assemblies.neighbourhood.errors';

/** Facilitators open and run neighbourhood assemblies; residents add stories. */
export const FACILITATE = 'assemblies.facilitate';
export const CONTRIBUTE = 'assemblies.contribute';

export const ASSEMBLY_STATUSES = ['open', 'closed'] as const;
export type AssemblyStatus = (typeof ASSEMBLY_STATUSES)[number];
export const STORY_STATUSES = ['pending', 'published', 'hidden'] as const;
export type StoryStatus = (typeof STORY_STATUSES)[number];
export const ACTION_KINDS = ['idea', 'challenge', 'group-activity', 'other'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_STATUSES = ['agreed', 'under-way', 'done', 'dropped'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const MAX_MATTERED = 2000;
export const MAX_KEEP = 1000;

/** Opening a neighbourhood assembly for a ward. */
export const OpenInput = z.object({
  ward: z.string(`${E}.wardMissing`).trim().min(1, `${E}.wardMissing`).max(80, `${E}.wardMissing`),
  invitation: optionalText(2000, `${E}.invitationTooLong`),
  facilitatorNote: optionalText(2000, `${E}.noteTooLong`),
});

/** The assembly's settings: open or closed, the invitation and the facilitator's note. */
export const SettingsInput = z.object({
  status: z.enum(ASSEMBLY_STATUSES, `${E}.statusMissing`),
  invitation: optionalText(2000, `${E}.invitationTooLong`),
  facilitatorNote: optionalText(2000, `${E}.noteTooLong`),
});

/** A story's words and how its author wants to be shown. */
export const StoryInput = z
  .object({
    mattered: z
      .string(`${E}.matteredMissing`)
      .trim()
      .min(1, `${E}.matteredMissing`)
      .max(MAX_MATTERED, `${E}.matteredTooLong`),
    keep: optionalText(MAX_KEEP, `${E}.keepTooLong`),
    showAs: z.enum(['name', 'anonymous'], `${E}.showAsMissing`),
    displayName: optionalText(60, `${E}.displayNameTooLong`),
    photoAlt: optionalText(300, `${E}.photoAltTooLong`),
  })
  .superRefine((v, ctx) => {
    if (v.showAs === 'name' && !v.displayName)
      ctx.addIssue({ code: 'custom', path: ['displayName'], message: `${E}.displayNameMissing` });
  });
export type StoryInput = z.infer<typeof StoryInput>;

/** A hidden story's reason is shown to its author, so it cannot be left out. */
export const HideInput = z.object({
  reason: z.string(`${E}.reasonMissing`).trim().min(1, `${E}.reasonMissing`).max(1000, `${E}.reasonTooLong`),
});

export const ThemeInput = z.object({
  name: z.string(`${E}.themeMissing`).trim().min(1, `${E}.themeMissing`).max(80, `${E}.themeTooLong`),
});

/** A path on this site or an https address (never javascript: or data:). */
const link = z
  .string()
  .trim()
  .max(500, `${E}.linkInvalid`)
  .default('')
  .refine((s) => s === '' || (/^\/[^/\\]/.test(s) && !/\s/.test(s)) || /^https:\/\/[^\s]+$/.test(s), {
    message: `${E}.linkInvalid`,
  });

export const ActionInput = z.object({
  body: z.string(`${E}.actionMissing`).trim().min(1, `${E}.actionMissing`).max(500, `${E}.actionTooLong`),
  kind: z.enum(ACTION_KINDS, `${E}.kindMissing`),
  status: z.enum(ACTION_STATUSES, `${E}.actionStatusMissing`).default('agreed'),
  link,
});
export type ActionInput = z.infer<typeof ActionInput>;

export const ActionUpdateInput = z.object({
  status: z.enum(ACTION_STATUSES, `${E}.actionStatusMissing`),
  link,
});

/** A meeting as the form gives it (the date and time are read into `startsAt` by the service). */
export const MeetingInput = z.object({
  venue: z.string(`${E}.venueMissing`).trim().min(1, `${E}.venueMissing`).max(200, `${E}.venueTooLong`),
  whatHappened: optionalText(4000, `${E}.whatHappenedTooLong`),
});

/** "18:30", "6.30" or "09:00": minutes after midnight, or null. */
export function minutesOf(text: string): number | null {
  const m = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

import { z } from 'zod';

/** The largest upload accepted: a phone's photo fits with room to spare. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** Photos a space may have: enough to show it, few enough to keep its page light. */
export const MAX_PHOTOS = 10;
export const MAX_ALT_TEXT = 250;

/** The words that stand in for a photo for someone who cannot see it; messages are catalogue keys. */
export const AltTextInput = z.object({
  altText: z
    .string('spaces.photos.errors.altMissing')
    .trim()
    .min(1, 'spaces.photos.errors.altMissing')
    .max(MAX_ALT_TEXT, 'spaces.photos.errors.altTooLong'),
});
export type AltTextInput = z.infer<typeof AltTextInput>;

export const MoveInput = z.object({
  direction: z.enum(['up', 'down'], 'spaces.photos.errors.directionInvalid'),
});

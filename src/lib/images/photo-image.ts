import sharp from 'sharp';

/** The formats a photo may arrive in, judged by its bytes (never its name or stated type). */
const ACCEPTED = new Set(['jpeg', 'png', 'webp']);
/** Bigger than any phone camera; a larger picture is refused before it is decoded. */
const MAX_INPUT_PIXELS = 8000 * 8000;
export const LARGE_SIZE = 1600;
export const THUMB_SIZE = 480;

export type Rendition = { data: Buffer; width: number; height: number };
export type ProcessedPhoto = { large: Rendition; thumb: Rendition };

/** Why an upload is not a photo we can use; each is a message for the person. */
export type PhotoProblem = 'notImage' | 'tooManyPixels';

export class UnusablePhoto extends Error {
  constructor(readonly problem: PhotoProblem) {
    super(`Unusable photo: ${problem}`);
  }
}

async function render(bytes: Buffer, size: number): Promise<Rendition> {
  // Turned upright by its EXIF orientation, then written afresh as WebP: sharp keeps no
  // metadata unless asked, so the camera, the time and any GPS position are gone.
  const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
    .autoOrient()
    .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * Checks that the bytes are a JPEG, PNG or WebP picture and makes the two sizes Kith serves:
 * a large one (at most 1600 pixels on its longer side) and a thumbnail (at most 480).
 * Anything else (text, a corrupt or cut-short file, an SVG, a picture too big to decode
 * safely) is an UnusablePhoto, never a crash.
 */
export async function processPhoto(bytes: Buffer): Promise<ProcessedPhoto> {
  let format: string | undefined;
  let pixels = 0;
  try {
    const meta = await sharp(bytes).metadata();
    format = meta.format;
    pixels = (meta.width ?? 0) * (meta.height ?? 0);
  } catch {
    throw new UnusablePhoto('notImage');
  }
  if (!format || !ACCEPTED.has(format)) throw new UnusablePhoto('notImage');
  if (pixels > MAX_INPUT_PIXELS) throw new UnusablePhoto('tooManyPixels');
  try {
    const [large, thumb] = await Promise.all([render(bytes, LARGE_SIZE), render(bytes, THUMB_SIZE)]);
    return { large, thumb };
  } catch {
    throw new UnusablePhoto('notImage');
  }
}

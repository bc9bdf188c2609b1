/**
 * Picking one panel from a published lottery with a public random number, so that anyone can
 * check the pick from the published files.
 *
 * The rule, for a lottery of m panels numbered 0 to m − 1:
 * - A number rolled in public (e.g. three ten-sided dice read as 000–999 when m = 1000): the
 *   panel is that number itself; a number outside 0 to m − 1 is refused rather than folded
 *   back into range, so nobody can argue about how it was folded.
 * - A published seed (text): take the SHA-256 hash of the seed's UTF-8 bytes, read the 32-byte
 *   hash as one big-endian unsigned integer, and take the remainder on division by m. In
 *   Python: `int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16) % m`. A 256-bit number
 *   mod m (m far below 2^256) is as good as uniform: the bias is below m / 2^256.
 */
import { createHash } from 'node:crypto';
import type { RandomSource } from './types.js';

export function drawIndex(m: number, random: RandomSource): number {
  if (!Number.isInteger(m) || m < 1) {
    throw new Error(`The lottery must have at least one panel (it has ${m})`);
  }
  if (random.kind === 'number') {
    const { value } = random;
    if (!Number.isInteger(value) || value < 0 || value >= m) {
      throw new Error(`The random number must be a whole number from 0 to ${m - 1} (it was ${value})`);
    }
    return value;
  }
  // An empty or blank seed is one anybody could have guessed in advance, so it proves nothing.
  if (random.value.trim() === '') {
    throw new Error('The seed must not be empty');
  }
  const hex = createHash('sha256').update(random.value, 'utf8').digest('hex');
  return Number(BigInt(`0x${hex}`) % BigInt(m));
}

/**
 * The price of a stay in pence from an hourly rate in pence, pro rata by the minute.
 *
 * Whole pence only: the exact price (rate × minutes / 60) is rounded half up to the penny, in
 * integer arithmetic so no floating-point error can tip it. So £12.50 an hour for 15 minutes is
 * 312.5p, charged as 313p; £0.01 an hour for 29 minutes is 0.48p, charged as nothing.
 */
export function proRataPence(pencePerHour: number, minutes: number): number {
  if (!Number.isSafeInteger(pencePerHour) || pencePerHour < 0)
    throw new RangeError('An hourly rate must be a whole number of pence, not negative');
  if (!Number.isSafeInteger(minutes) || minutes < 0)
    throw new RangeError('A length must be a whole number of minutes, not negative');
  const sixtieths = pencePerHour * minutes;
  if (!Number.isSafeInteger(sixtieths)) throw new RangeError('That price is too large to hold exactly');
  // floor((2n + 60) / 120) = floor(n / 60 + 1/2): half up, for whole numbers.
  return Math.floor((sixtieths * 2 + 60) / 120);
}

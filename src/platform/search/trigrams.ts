/**
 * pg_trgm's similarity in plain TypeScript, for picking the closest word out of a title the
 * database found (the "did you mean" suggestion). Words are split on anything that is not a
 * letter or digit, padded with two spaces before and one after, as pg_trgm does.
 */
export function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (!word) continue;
    const padded = `  ${word} `;
    const chars = [...padded];
    for (let i = 0; i + 3 <= chars.length; i++) out.add(chars.slice(i, i + 3).join(''));
  }
  return out;
}

/** Shared trigrams over all trigrams, 0 to 1. */
export function similarity(a: string, b: string): number {
  const ta = trigrams(a);
  const tb = trigrams(b);
  if (ta.size === 0 || tb.size === 0) return 0;
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / (ta.size + tb.size - shared);
}

/** The word of `text` most like `word`, with its similarity; null when none share a trigram. */
export function closestWord(word: string, text: string): { word: string; score: number } | null {
  let best: { word: string; score: number } | null = null;
  for (const candidate of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (candidate.length < 2) continue;
    const score = similarity(word, candidate);
    if (score > 0 && (!best || score > best.score)) best = { word: candidate, score };
  }
  return best;
}

/**
 * Shared first steps for turning names and addresses into comparison tokens: fold case and
 * accents, then split into words of any script. The token lists are comparison keys, not text
 * to show anyone.
 */

const APOSTROPHES = /['’‘`ʼ]/g;

/** Lower case without accents: "Café Ŵyn" → "cafe wyn". Letters of other scripts are kept. */
export function foldText(text: string): string {
  // Most names and addresses are plain ASCII, where lower-casing is all there is to do.
  if (PRINTABLE_ASCII.test(text)) return text.toLowerCase();
  // Lower-casing can itself produce combining marks ("İ" → "i" + dot above), so decompose again.
  return text.normalize('NFKD').toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Words of already folded text, in order. "&" and "+" become "and"; apostrophes vanish so
 * "Mary's" and "Marys" agree; dots inside initialisms vanish so "R.F.C." is "rfc" while
 * "St.Mary" still splits into two words. Every other non-letter, non-digit separates words.
 */
export function foldedWords(folded: string): string[] {
  let text = folded;
  // Each replacement only when needed: this runs for every record of a whole directory.
  if (text.includes('&') || text.includes('+')) text = text.replace(/[&+]/g, ' and ');
  if (HAS_APOSTROPHE.test(text)) text = text.replace(APOSTROPHES, '');
  if (text.includes('.')) text = text.replace(/\b([a-z0-9])\.(?=[a-z0-9]\b)/g, '$1');
  return text.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
}

const HAS_APOSTROPHE = /['’‘`ʼ]/;

const ORDINAL_WORDS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    first: '1',
    second: '2',
    third: '3',
    fourth: '4',
    fifth: '5',
    sixth: '6',
    seventh: '7',
    eighth: '8',
    ninth: '9',
    tenth: '10',
  }),
);

/** "1st", "01", "first" → "1", so numbered groups and floors compare by their number. */
export function canonicalNumber(word: string): string {
  const first = word.charCodeAt(0);
  if (first < 48 || first > 57) return ORDINAL_WORDS.get(word) ?? word;
  const match = /^0*(\d+?)(?:st|nd|rd|th)?$/.exec(word);
  return match?.[1] ?? word;
}

export function isNumberToken(token: string): boolean {
  return /^\d+$/.test(token);
}

/**
 * Plural and possessive "s" off words of four letters or more ("harriers" → "harrier",
 * "marys" → "mary"), but not from "-ss", "-is" or "-us" ("fitness", "tennis", "campus").
 * Idempotent: what it returns never ends in a removable "s".
 */
export function singular(word: string): string {
  if (word.length < 4 || word.charCodeAt(word.length - 1) !== 115 /* s */) return word;
  return /[^sui]s$/.test(word) && /^\p{L}+$/u.test(word) ? word.slice(0, -1) : word;
}

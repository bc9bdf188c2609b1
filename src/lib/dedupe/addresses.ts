/**
 * Street addresses as comparison tokens: "Flat 2, 10 St John's Rd., Sale M33 7WR" →
 * ["flat", "2", "10", "saint", "john", "road", "sale"] (plural and possessive "s" dropped as in names).
 *
 * Abbreviations are expanded only where they cannot mean anything else. "St" is the hard one:
 * "St John's Road" (Saint) and "Market St" (Street). It is read as Street at the end of a part
 * of the address, as Saint at the start of a part or after a house number, and otherwise left
 * as "st". Flat, unit and house numbers are kept: they are what tells two addresses in one
 * building apart. A postcode inside the address is dropped (postcodes are compared on their
 * own), and so are "UK", "England" and "United Kingdom".
 */

import { isPostcode } from './contact-details.js';
import { canonicalNumber, foldedWords, foldText, isNumberToken, singular } from './text-fold.js';

const ADDRESS_SYNONYMS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    rd: 'road',
    ave: 'avenue',
    av: 'avenue',
    ln: 'lane',
    cl: 'close',
    cres: 'crescent',
    cresc: 'crescent',
    ct: 'court',
    gdns: 'garden',
    gr: 'grove',
    gro: 'grove',
    pl: 'place',
    sq: 'square',
    ter: 'terrace',
    terr: 'terrace',
    pk: 'park',
    pde: 'parade',
    hwy: 'highway',
    hse: 'house',
    bldg: 'building',
    bldgs: 'building',
    ctr: 'centre',
    center: 'centre',
    apt: 'apartment',
    flt: 'flat',
    mt: 'mount',
    wy: 'way',
    blvd: 'boulevard',
    est: 'estate',
    sth: 'south',
    nth: 'north',
  }),
);

const COUNTRY_WORDS: ReadonlySet<string> = new Set(['uk', 'gb', 'england', 'scotland', 'wales', 'cymru']);

/** Words that name a kind of street or building: shared by many unrelated addresses. */
export const GENERIC_ADDRESS_WORDS: ReadonlySet<string> = new Set([
  'road',
  'street',
  'lane',
  'avenue',
  'drive',
  'close',
  'crescent',
  'court',
  'garden',
  'grove',
  'place',
  'square',
  'terrace',
  'park',
  'parade',
  'way',
  'walk',
  'house',
  'building',
  'centre',
  'hall',
  'flat',
  'unit',
  'floor',
  'room',
  'suite',
]);

type Word = { word: string; part: number };

/** Drops postcodes ("m33 7wr" or "m337wr") and country names, repeating until none is left. */
function withoutPostcodesAndCountries(words: Word[]): Word[] {
  let current = words;
  for (let changed = true; changed; ) {
    changed = false;
    const next: Word[] = [];
    for (let i = 0; i < current.length; i++) {
      const here = current[i] as Word;
      const after = current[i + 1];
      if (after && isPostcode(here.word + after.word)) {
        i++;
        changed = true;
      } else if (after && here.word === 'united' && after.word === 'kingdom') {
        i++;
        changed = true;
      } else if (isPostcode(here.word) || COUNTRY_WORDS.has(here.word)) {
        changed = true;
      } else {
        next.push(here);
      }
    }
    current = next;
  }
  return current;
}

/** An address's comparison tokens; see the module comment. */
export function addressTokens(address: string): string[] {
  const words: Word[] = [];
  foldText(address)
    .split(/[,;\n\r]+/)
    .forEach((part, index) => {
      for (const word of foldedWords(part)) words.push({ word: canonicalNumber(word), part: index });
    });
  const kept = withoutPostcodesAndCountries(words);
  return kept.map(({ word, part }, i) => {
    const before = kept[i - 1];
    const after = kept[i + 1];
    const lastInPart = after === undefined || after.part !== part;
    const firstInPart = before === undefined || before.part !== part;
    if (word === 'st') {
      if (lastInPart) return 'street';
      if (firstInPart || isNumberToken(before.word)) return 'saint';
      return word;
    }
    // "Dr" ends a street name ("Kingsway Dr") but starts a person's ("Dr Smith's Surgery").
    if (word === 'dr') return lastInPart ? 'drive' : word;
    const one = singular(word);
    return ADDRESS_SYNONYMS.get(word) ?? ADDRESS_SYNONYMS.get(one) ?? one;
  });
}

/** An address as one comparison key: the tokens of addressTokens joined by spaces. Idempotent. */
export function normaliseAddress(address: string): string {
  return addressTokens(address).join(' ');
}

/** The weight of an address token in similarity, in units: street and building words count half. */
export function addressTokenUnits(token: string): number {
  return GENERIC_ADDRESS_WORDS.has(token) ? 2 : 4;
}

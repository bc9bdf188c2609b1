/**
 * Organisation names as comparison tokens.
 *
 * What makes two UK community group names the same: spelling variants ("&"/"and", "St"/"Saint",
 * "Mary's"/"Marys", "Centre"/"Center", "FC"/"Football Club"), a leading "The", a legal form
 * ("Ltd", "CIC", "CIO") and singular/plural. What makes them different: any distinctive word,
 * place names included ("Sale Sharks" and "Sale Harriers"; "Sale Methodist Church" and
 * "Urmston Methodist Church"), and numbers ("1st Sale Scouts" and "2nd Sale Scouts").
 *
 * So only legal forms are removed. Words such as "Club", "Group", "Association" or a place name
 * are kept: dropping "Club" would make "Sale Club" the same as "Sale", and dropping the place
 * name would make every "<town> Methodist Church" one church. Instead the similarity measure
 * gives generic words (see GENERIC_NAME_WORDS) a small weight, so "Altrincham Judo" and
 * "Altrincham Judo Club" come out nearly the same while a distinctive word still counts fully.
 */

import { canonicalNumber, foldedWords, foldText, singular } from './text-fold.js';

/** Abbreviations and US spellings, keyed by the (singular) folded word. */
const NAME_SYNONYMS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    ltd: ['limited'],
    ac: ['athletic', 'club'],
    fc: ['football', 'club'],
    rfc: ['rugby', 'football', 'club'],
    rufc: ['rugby', 'union', 'football', 'club'],
    arlfc: ['amateur', 'rugby', 'league', 'football', 'club'],
    assoc: ['association'],
    assn: ['association'],
    soc: ['society'],
    ctr: ['centre'],
    cntr: ['centre'],
    center: ['centre'],
    grp: ['group'],
    utd: ['united'],
    mt: ['mount'],
    intl: ['international'],
    natl: ['national'],
    cttee: ['committee'],
    neighborhood: ['neighbourhood'],
    organization: ['organisation'],
    theater: ['theatre'],
    program: ['programme'],
  }),
);

const STOP_WORDS: ReadonlySet<string> = new Set([
  'the',
  'of',
  'and',
  'a',
  'an',
  'for',
  'in',
  'at',
  'on',
  'to',
]);

/** Legal forms removed from the end of a name ("… Limited", "… CIC", "… Limited by Guarantee"). */
const LEGAL_FORMS: readonly (readonly string[])[] = [
  ['limited', 'by', 'guarantee'],
  ['community', 'interest', 'company'],
  ['charitable', 'incorporated', 'organisation'],
  ['registered', 'charity'],
  ['limited'],
  ['cic'],
  ['cio'],
  ['plc'],
  ['llp'],
  ['inc'],
  ['incorporated'],
];

/**
 * Words that say what kind of body something is rather than which one. Two names that share
 * only these are not alike; a name that adds one ("… Club") is still nearly the same name.
 * Keys are normalised tokens (singular).
 */
export const GENERIC_NAME_WORDS: ReadonlySet<string> = new Set([
  'association',
  'centre',
  'chapel',
  'charity',
  'church',
  'club',
  'committee',
  'community',
  'forum',
  'foundation',
  'friend',
  'group',
  'hall',
  'hub',
  'network',
  'organisation',
  'partnership',
  'project',
  'saint',
  'service',
  'society',
  'street',
  'support',
  'team',
  'trust',
  'uk',
]);

function endsWith(tokens: readonly string[], suffix: readonly string[]): boolean {
  if (suffix.length >= tokens.length) return false;
  return suffix.every((word, i) => tokens[tokens.length - suffix.length + i] === word);
}

/**
 * A name's comparison tokens: "The St. Mary's Church Hall & Institute Ltd" →
 * ["saint", "mary", "church", "hall", "institute"]. Order is kept; see the module comment for
 * what is and is not removed.
 */
export function nameTokens(name: string): string[] {
  const words = foldedWords(foldText(name)).map((word) => canonicalNumber(singular(word)));
  let tokens: string[] = [];
  words.forEach((word, i) => {
    if (word === 'st') {
      // In a name "St" is nearly always Saint ("St Mary's", "Church of St John"); only as the
      // last word ("… Market St") is it a street.
      tokens.push(i === words.length - 1 && i > 0 ? 'street' : 'saint');
    } else {
      const expanded = NAME_SYNONYMS.get(word);
      if (expanded === undefined) tokens.push(word);
      else tokens.push(...expanded);
    }
  });
  const withoutStopWords = tokens.filter((token) => !STOP_WORDS.has(token));
  // A name made only of stop words ("The The") keeps them rather than vanishing.
  if (withoutStopWords.length > 0) tokens = withoutStopWords;
  let stripped = true;
  while (stripped) {
    stripped = false;
    for (const form of LEGAL_FORMS) {
      if (endsWith(tokens, form)) {
        tokens = tokens.slice(0, tokens.length - form.length);
        stripped = true;
        break;
      }
    }
  }
  return tokens;
}

/** A name as one comparison key: the tokens of nameTokens joined by spaces. Idempotent. */
export function normaliseName(name: string): string {
  return nameTokens(name).join(' ');
}

/** The weight of a name token in similarity, in units: generic words count for a quarter. */
export function nameTokenUnits(token: string): number {
  return GENERIC_NAME_WORDS.has(token) ? 1 : 4;
}

/**
 * Phone numbers, email addresses, websites and postcodes as comparison keys. Each returns null
 * for anything that is not recognisably one, so junk ("n/a", "TBC", "0000 000000") never makes
 * two records look alike.
 */

// ---------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------

/** Numbers people type when they have none to give. */
const PLACEHOLDER_NUMBERS: ReadonlySet<string> = new Set(['1234567890', '123456789']);

function nationalNumberOf(text: string): string | null {
  let rest = text
    .toLowerCase()
    .replace(/(?:ext(?:ension)?\.?|x|#)\s*\d{1,6}\s*$/, '')
    .replace(/\(0\)/g, '');
  // Drop a label in front ("Tel:", "Mobile -"), but letters after the first digit mean junk.
  rest = rest.replace(/^[^\d+(]*/, '');
  if (!/^\+?[\d\s().-]+$/.test(rest)) return null;
  let digits = rest.replace(/[\s().-]/g, '');
  if (digits.startsWith('+')) {
    if (!digits.startsWith('+44')) return null;
    digits = digits.slice(3);
  } else if (digits.startsWith('0044')) {
    digits = digits.slice(4);
  } else if (digits.startsWith('44') && digits.length === 12) {
    digits = digits.slice(2);
  }
  // "+44 0161 …" is a common mistake for "+44 161 …".
  if (digits.startsWith('0')) digits = digits.slice(1);
  // National significant numbers are 10 digits (9 for a few area codes and 0800 numbers); the
  // first digit is never 0, 4 or 6.
  if (!/^(?:[1235789]\d{9}|[18]\d{8})$/.test(digits)) return null;
  if (/^(\d)\1+$/.test(digits) || PLACEHOLDER_NUMBERS.has(digits)) return null;
  return digits;
}

/**
 * A UK phone number as its national significant number: "+44 (0)161 980 6090 ext. 12",
 * "0161-980 6090" and "01619806090" all give "1619806090". When several numbers are given
 * ("0161 980 6090 or 07700 900123") the first valid one is used. Numbers outside the UK, local
 * numbers without an area code and junk give null.
 */
export function normalisePhone(raw: string | null | undefined): string | null {
  if (!raw) return null;
  for (const part of raw.split(/[,;/]|\bor\b|\band\b/i)) {
    const number = nationalNumberOf(part.trim());
    if (number !== null) return number;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Email addresses
// ---------------------------------------------------------------------------------------------

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}$/u;

/**
 * An email address in lower case, without "mailto:" or a display name ("Sale Harriers
 * <Info@SaleHarriers.org.uk>" → "info@saleharriers.org.uk"). Dots and "+tags" in the local
 * part are kept: ignoring them is a Gmail rule, and on other domains they name different
 * mailboxes. Several addresses: the first valid one. Anything else: null.
 */
export function normaliseEmail(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const bracketed = [...raw.matchAll(/<([^>]*)>/g)].map((match) => match[1] ?? '');
  for (const part of [...bracketed, ...raw.split(/[,;\s]+/)]) {
    const address = part
      .trim()
      .replace(/^mailto:/i, '')
      .replace(/\.$/, '')
      .normalize('NFC')
      .toLowerCase();
    if (EMAIL.test(address) && address.length <= 254) return address;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Websites
// ---------------------------------------------------------------------------------------------

const HOST_ALIASES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'fb.com': 'facebook.com',
    'twitter.com': 'x.com',
    'instagr.am': 'instagram.com',
  }),
);

/**
 * Hosts that hold pages for many unrelated organisations, so only the same page (host and path)
 * identifies one: social networks, link and event platforms, and public-sector sites (a council
 * site lists hundreds of services).
 */
const SHARED_HOSTS: ReadonlySet<string> = new Set([
  'facebook.com',
  'x.com',
  'instagram.com',
  'youtube.com',
  'linkedin.com',
  'tiktok.com',
  'threads.net',
  'bsky.app',
  'linktr.ee',
  'bit.ly',
  'eventbrite.co.uk',
  'eventbrite.com',
  'meetup.com',
  'nextdoor.co.uk',
  'groups.io',
  'sites.google.com',
  'docs.google.com',
  'wordpress.com',
  'wixsite.com',
  'blogspot.com',
  'justgiving.com',
  'gofundme.com',
  'spond.com',
  'teamup.com',
]);

const SHARED_HOST_SUFFIXES = ['.gov.uk', '.nhs.uk', '.ac.uk', '.police.uk', '.gov.wales', '.llyw.cymru'];

/** True when a host serves many organisations, so a shared host alone says nothing. */
export function isSharedHost(host: string): boolean {
  return SHARED_HOSTS.has(host) || SHARED_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

/**
 * A website as host and path, lower case, without scheme, "www.", "m.", trailing slash, index
 * page, query or fragment: "https://www.SaleHarriers.org.uk/" → "saleharriers.org.uk",
 * "https://m.facebook.com/SaleHarriers/?ref=page" → "facebook.com/saleharriers". The one query
 * kept is Facebook's "profile.php?id=…", which is the page's only name. Not a web address: null.
 */
export function normaliseWebsite(raw: string | null | undefined): string | null {
  const text = raw?.trim();
  if (!text || /\s/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(text) ? text : `http://${text.replace(/^\/+/, '')}`);
  } catch {
    return null;
  }
  // A user name in the address is nearly always an email address typed in the wrong box.
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '') return null;
  let host = url.hostname.toLowerCase().replace(/\.$/, '');
  host = host.replace(/^(?:(?:www\d*|m|mobile)\.)+(?=.+\.)/, '');
  host = HOST_ALIASES.get(host) ?? host;
  if (!/^(?:[a-z\d](?:[a-z\d-]*[a-z\d])?\.)+(?:[a-z]{2,}|xn--[a-z\d-]+)$/.test(host)) return null;
  let path = url.pathname.toLowerCase();
  for (let previous = ''; previous !== path; ) {
    previous = path;
    path = path.replace(/\/+$/, '').replace(/\/index\.(?:html?|php|aspx?)$/, '');
  }
  const profileId = url.searchParams.get('id');
  if (path.endsWith('/profile.php') && profileId && /^\d+$/.test(profileId)) path += `?id=${profileId}`;
  return host + path;
}

/** The host of a normalised website ("facebook.com/saleharriers" → "facebook.com"). */
export function websiteHost(normalisedWebsite: string): string {
  const slash = normalisedWebsite.indexOf('/');
  return slash === -1 ? normalisedWebsite : normalisedWebsite.slice(0, slash);
}

// ---------------------------------------------------------------------------------------------
// Postcodes
// ---------------------------------------------------------------------------------------------

/**
 * UK postcode shapes with the letters Royal Mail allows in each position (outward A9, A99, AA9,
 * AA99, A9A, AA9A; inward 9AA without C, I, K, M, O or V), plus GIR 0AA.
 */
const POSTCODE =
  /^(?:([A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY]))(\d[ABD-HJLNP-UW-Z]{2})|(GIR)(0AA))$/;

/**
 * A UK postcode in capitals with one space before the inward code: " m33  7wr" → "M33 7WR".
 * Anything that is not a valid postcode shape gives null.
 */
export function normalisePostcode(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const match = POSTCODE.exec(raw.replace(/\s+/g, '').toUpperCase());
  if (!match) return null;
  return `${match[1] ?? match[3]} ${match[2] ?? match[4]}`;
}

/** True for a compact or spaced postcode inside folded address text ("m33", "7wr"). */
export function isPostcode(compact: string): boolean {
  // Postcodes are 5 to 7 characters (GIR0AA included) and end in a digit and two letters.
  if (compact.length < 5 || compact.length > 7) return false;
  const digit = compact.charCodeAt(compact.length - 3);
  return digit >= 48 && digit <= 57 && POSTCODE.test(compact.toUpperCase());
}

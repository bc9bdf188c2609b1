/**
 * Postcode to a point, through a postcodes.io-compatible service (KITH_POSTCODE_LOOKUP_URL).
 * Kith runs without the internet, so this is optional: without a service the postcode field
 * is not offered, and any failure here is an answer the page can explain, never an exception.
 */

export type PostcodeLookup =
  | { ok: true; postcode: string; lon: number; lat: number }
  | { ok: false; reason: 'invalid' | 'not-found' | 'unavailable' };

/** A full postcode ("M32 0TP") or just its outward part ("M32"), in any case and spacing. */
const FULL = /^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$/;
const OUTWARD = /^[A-Z]{1,2}\d[A-Z\d]?$/;

/** The postcode tidied ("m320tp" → "M32 0TP"), or null if it cannot be one. */
export function normalisePostcode(input: string): string | null {
  const compact = input.toUpperCase().replace(/\s+/g, '');
  const full = FULL.exec(compact);
  if (full) return `${full[1]} ${full[2]}`;
  return OUTWARD.test(compact) ? compact : null;
}

type Fetch = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<Response>;

export async function lookupPostcode(
  baseUrl: string,
  input: string,
  options: { timeoutMs?: number; fetch?: Fetch } = {},
): Promise<PostcodeLookup> {
  const postcode = normalisePostcode(input);
  if (!postcode) return { ok: false, reason: 'invalid' };
  const path = postcode.includes(' ') ? 'postcodes' : 'outcodes';
  const url = `${baseUrl.replace(/\/+$/, '')}/${path}/${encodeURIComponent(postcode)}`;
  const doFetch: Fetch = options.fetch ?? ((u, init) => fetch(u, init));
  try {
    const response = await doFetch(url, {
      // A slow lookup must not hold the page up: people can choose a ward instead.
      signal: AbortSignal.timeout(options.timeoutMs ?? 2500),
      headers: { accept: 'application/json' },
    });
    if (response.status === 404) return { ok: false, reason: 'not-found' };
    if (!response.ok) return { ok: false, reason: 'unavailable' };
    const body = (await response.json()) as { result?: { longitude?: unknown; latitude?: unknown } | null };
    const lon = body.result?.longitude;
    const lat = body.result?.latitude;
    // Postcodes without a location (some new or non-geographic ones) come back with nulls.
    if (typeof lon !== 'number' || typeof lat !== 'number') return { ok: false, reason: 'not-found' };
    if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return { ok: false, reason: 'unavailable' };
    return { ok: true, postcode, lon, lat };
  } catch {
    return { ok: false, reason: 'unavailable' };
  }
}

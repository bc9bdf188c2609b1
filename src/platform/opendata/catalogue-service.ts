import type { ServiceContext } from '../http/request-context.js';
import type { Translate } from '../i18n/i18n.js';
import type { DatasetDefinition, DatasetField } from '../module-definition.js';
import { enabledModules } from '../module-registry.js';
import { type ReasonKind, type Withholding, withholdingsFor } from './withholding-service.js';

export const LICENCE_URLS: Record<string, string> = {
  'OGL-UK-3.0': 'http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
  'ODbL-1.0': 'https://opendatacommons.org/licenses/odbl/1-0/',
  'CC-BY-4.0': 'https://creativecommons.org/licenses/by/4.0/',
};

const EU_FREQUENCY = 'http://publications.europa.eu/resource/authority/frequency/';
/** Catalogue frequency keys → the EU frequency vocabulary (DCAT-AP's dct:accrualPeriodicity). */
const FREQUENCY_URIS: Record<string, string> = {
  'data.frequencies.onChange': `${EU_FREQUENCY}IRREG`,
  'data.frequencies.daily': `${EU_FREQUENCY}DAILY`,
  'data.frequencies.monthly': `${EU_FREQUENCY}MONTHLY`,
  'data.frequencies.yearly': `${EU_FREQUENCY}ANNUAL`,
};

export type Distribution = {
  format: string;
  /** Path from the site root, e.g. `/trafford/api/wards.csv`. */
  url: string;
  mediaType: string;
  /** HTML pages are the service itself; everything else is a download that withholding refuses. */
  download: boolean;
};

export type CatalogueEntry = {
  id: string;
  module: string;
  title: string;
  description: string;
  publisher: string;
  licence: string;
  licenceUrl: string;
  frequency: string;
  frequencyUri: string;
  lastUpdated: Date | null;
  published: boolean;
  withheld: { kind: ReasonKind | 'module'; reason: string; since: Date | null } | null;
  distributions: Distribution[];
  /** The JSON endpoint, where there is one. */
  apiEndpoint: string | null;
  standard: { name: string; url: string } | null;
  fields: (DatasetField & { description: string })[];
  keyField: string;
};

/** The IANA media type of a distribution, from its path and declared format. */
export function mediaTypeOf(format: string, path: string): string {
  if (path.endsWith('.csv') || format === 'CSV') return 'text/csv';
  if (path.endsWith('.geojson') || format === 'GeoJSON') return 'application/geo+json';
  if (path.endsWith('.jsonld')) return 'application/ld+json';
  if (/json/i.test(format) || path.endsWith('.json') || /(^|\/)api\//.test(path)) return 'application/json';
  return 'text/html';
}

function distributionsOf(slug: string, d: DatasetDefinition): Distribution[] {
  return d.distributions.map((x) => {
    const mediaType = mediaTypeOf(x.format, x.path);
    return { format: x.format, url: `/${slug}/${x.path}`, mediaType, download: mediaType !== 'text/html' };
  });
}

function entryFor(
  ctx: ServiceContext,
  t: Translate,
  module: string,
  d: DatasetDefinition,
  withheld: Withholding | undefined,
  lastUpdated: Date | null,
): CatalogueEntry {
  const licence = d.licence ?? 'OGL-UK-3.0';
  const distributions = distributionsOf(ctx.place.slug, d);
  const withheldBy = withheld
    ? { kind: withheld.reasonKind, reason: withheld.reason, since: withheld.withheldAt }
    : d.withheldReasonKey
      ? { kind: 'module' as const, reason: t(d.withheldReasonKey), since: null }
      : null;
  return {
    id: d.id,
    module,
    title: t(d.titleKey),
    description: t(d.descriptionKey),
    publisher: ctx.place.councilName || ctx.place.name,
    licence,
    licenceUrl: LICENCE_URLS[licence] ?? (LICENCE_URLS['OGL-UK-3.0'] as string),
    frequency: t(d.frequencyKey),
    frequencyUri: FREQUENCY_URIS[d.frequencyKey] ?? `${EU_FREQUENCY}IRREG`,
    lastUpdated,
    published: !withheldBy,
    withheld: withheldBy,
    distributions,
    apiEndpoint: distributions.find((x) => x.mediaType === 'application/json')?.url ?? null,
    standard: d.standard ?? null,
    fields: (d.fields ?? []).map((f) => ({ ...f, description: t(f.descriptionKey) })),
    keyField: d.keyField ?? 'id',
  };
}

/** Every dataset of the modules the place has switched on, with what is withheld and why. */
export async function catalogue(ctx: ServiceContext, t: Translate): Promise<CatalogueEntry[]> {
  const withheld = await withholdingsFor(ctx.db, ctx.place.id);
  const declared = enabledModules(ctx.place.modules).flatMap((m) =>
    (m.datasets ?? []).map((d) => ({ module: m.name, d })),
  );
  const updated = await Promise.all(
    declared.map(async ({ d }) => (d.lastUpdated ? await d.lastUpdated(ctx).catch(() => null) : null)),
  );
  return declared.map(({ module, d }, i) =>
    entryFor(ctx, t, module, d, withheld.get(d.id), updated[i] ?? null),
  );
}

export async function catalogueEntry(
  ctx: ServiceContext,
  t: Translate,
  datasetId: string,
): Promise<CatalogueEntry | null> {
  return (await catalogue(ctx, t)).find((d) => d.id === datasetId) ?? null;
}

/**
 * The dataset whose download a request path is, if any (`path` without the query, relative to
 * the place, e.g. `api/wards.csv`): one of its declared downloads, or one record of its API list
 * (`api/ideas/{id}` of `api/ideas`), so a withheld dataset cannot be read a record at a time.
 * A declared path wins over a record (`api/ideas/calls` is its own dataset). Only downloads are
 * refused: the HTML pages are the service itself and say what they show.
 */
export function datasetForDownloadPath(placeModules: string[], path: string): string | null {
  // Runs on every GET inside a place, so it walks the declarations without building lists.
  let record: string | null = null;
  for (const m of enabledModules(placeModules))
    for (const d of m.datasets ?? [])
      for (const x of d.distributions) {
        const type = mediaTypeOf(x.format, x.path);
        if (type === 'text/html') continue;
        if (x.path === path) return d.id;
        const rest = path.startsWith(`${x.path}/`) ? path.slice(x.path.length + 1) : null;
        if (
          record === null &&
          type === 'application/json' &&
          x.path.startsWith('api/') &&
          rest !== null &&
          !rest.includes('/')
        )
          record = d.id;
      }
  return record;
}

/** The DCAT 3 (DCAT-AP) catalogue of the place as JSON-LD; `base` is the site's address. */
export function dcatCatalogue(
  entries: CatalogueEntry[],
  place: { name: string; slug: string },
  base: string,
  t: Translate,
) {
  const abs = (path: string) => new URL(path, base).toString();
  return {
    '@context': {
      dcat: 'http://www.w3.org/ns/dcat#',
      dct: 'http://purl.org/dc/terms/',
      foaf: 'http://xmlns.com/foaf/0.1/',
      adms: 'http://www.w3.org/ns/adms#',
      skos: 'http://www.w3.org/2004/02/skos/core#',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
      'dct:modified': { '@type': 'xsd:dateTime' },
      'dct:license': { '@type': '@id' },
      'dct:accrualPeriodicity': { '@type': '@id' },
      'dcat:accessURL': { '@type': '@id' },
      'dcat:downloadURL': { '@type': '@id' },
      'dcat:landingPage': { '@type': '@id' },
      'dct:conformsTo': { '@type': '@id' },
      'adms:status': { '@type': '@id' },
      'dct:accessRights': { '@type': '@id' },
    },
    '@id': abs(`/${place.slug}/data.jsonld`),
    '@type': 'dcat:Catalog',
    'dct:title': t('data.catalogueTitle', { place: place.name }),
    'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': entries[0]?.publisher ?? place.name },
    'dcat:landingPage': abs(`/${place.slug}/data`),
    'dcat:dataset': entries.map((d) => ({
      '@id': abs(`/${place.slug}/data/${d.id}`),
      '@type': 'dcat:Dataset',
      'dct:identifier': d.id,
      'dct:title': d.title,
      'dct:description': d.description,
      'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': d.publisher },
      'dct:license': d.licenceUrl,
      'dct:accrualPeriodicity': d.frequencyUri,
      ...(d.lastUpdated ? { 'dct:modified': d.lastUpdated.toISOString() } : {}),
      'dcat:landingPage': abs(`/${place.slug}/data/${d.id}`),
      ...(d.standard ? { 'dct:conformsTo': d.standard.url } : {}),
      'dct:accessRights': d.withheld
        ? 'http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC'
        : 'http://publications.europa.eu/resource/authority/access-right/PUBLIC',
      ...(d.withheld
        ? {
            'adms:status': 'http://purl.org/adms/status/Withdrawn',
            'skos:editorialNote': t('data.withheld', { reason: d.withheld.reason }),
          }
        : {}),
      // A withheld dataset keeps its page in the catalogue but lists no downloads.
      'dcat:distribution': d.distributions
        .filter((x) => !(d.withheld && x.download))
        .map((x) => ({
          '@type': 'dcat:Distribution',
          'dct:title': `${d.title} (${x.format})`,
          'dct:format': x.format,
          'dcat:mediaType': `https://www.iana.org/assignments/media-types/${x.mediaType}`,
          'dcat:accessURL': abs(x.url),
          ...(x.download ? { 'dcat:downloadURL': abs(x.url) } : {}),
          'dct:license': d.licenceUrl,
        })),
    })),
  };
}

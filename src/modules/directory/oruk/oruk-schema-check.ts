/**
 * For tests only: validators for every ORUK API response, built from the official UK
 * profile schemas copied into schemas/oruk/ (see its README). List responses are checked
 * as the ORUK paging wrapper (every field of it required) around items of the list schema.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ROOT = fileURLToPath(new URL('../../../../schemas/oruk/uk-profile/', import.meta.url));
const BASE = 'https://schemas.kith.invalid/oruk/';

type Schema = Record<string, unknown>;

function load(path: string): Schema {
  return JSON.parse(fs.readFileSync(ROOT + path, 'utf8')) as Schema;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// taxonomy.json refers to "taxonomy_term.json": give both ids in one folder so the reference resolves.
ajv.addSchema({ ...load('schema/taxonomy_term.json'), $id: `${BASE}taxonomy_term.json` });
ajv.addSchema({ ...load('schema/taxonomy.json'), $id: `${BASE}taxonomy.json` });

const openapi = load('docs/extras/openapi30.json') as { components: { schemas: { Page: Schema } } };
const PAGE_FIELDS = ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty'];

function page(item: Schema): Schema {
  return {
    type: 'object',
    allOf: [openapi.components.schemas.Page],
    required: [...PAGE_FIELDS, 'contents'],
    properties: { contents: { type: 'array', items: item } },
  };
}

export const orukSchemas: Record<string, ValidateFunction> = {
  service: ajv.compile(load('schema/compiled/service.json')),
  serviceList: ajv.compile(page(load('schema/compiled/service_list.json'))),
  serviceAtLocation: ajv.compile(load('schema/compiled/service_at_location.json')),
  serviceAtLocationList: ajv.compile(page(load('schema/compiled/service_at_location_list.json'))),
  organization: ajv.compile(load('schema/compiled/organization.json')),
  organizationList: ajv.compile(page(load('schema/compiled/organization_list.json'))),
  taxonomy: ajv.compile({ $ref: `${BASE}taxonomy.json` }),
  taxonomyList: ajv.compile(page({ $ref: `${BASE}taxonomy.json` })),
  taxonomyTerm: ajv.compile({ $ref: `${BASE}taxonomy_term.json` }),
  taxonomyTermList: ajv.compile(page({ $ref: `${BASE}taxonomy_term.json` })),
};

/** The schema's complaints about `value`, as readable lines (empty when it is valid). */
export function schemaErrors(kind: keyof typeof orukSchemas, value: unknown): string[] {
  const validate = orukSchemas[kind] as ValidateFunction;
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

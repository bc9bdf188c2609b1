/**
 * Reads the two input files of a selection, in the Sortition Foundation's CSV formats
 * (docs/sortition.md): the features file (each demographic value with its quota) and the people
 * file (the respondents). Every problem in a file is reported at once, each naming its line and
 * column, because an officer fixing a spreadsheet wants the whole list, not one error per run.
 */
import { parse } from 'csv-parse/sync';
import type { Feature, Person } from './types.js';

/** Everything wrong with one input file, one plain-English message per problem. */
export class SortitionInputError extends Error {
  readonly messages: string[];
  constructor(messages: string[]) {
    super(messages.join('\n'));
    this.name = 'SortitionInputError';
    this.messages = messages;
  }
}

export interface PeopleOptions {
  /** The column holding each person's id (matched case-insensitively); else `id`, else `nationbuilder_id`. */
  idColumn?: string;
  /** Columns that together make an address; people at the same address may not sit together. */
  addressColumns?: string[];
  /** Told about rows that were skipped rather than refused (a blank id). */
  onWarning?: (message: string) => void;
}

interface Row {
  /** The file line the row starts on (the header is line 1). */
  line: number;
  cells: string[];
}

/** Parses CSV text into its header and data rows, with line numbers; blank rows are dropped. */
function readCsv(text: string): { header: string[]; rows: Row[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof records; // csv-parse's types do not follow the info option
  } catch (error) {
    throw new SortitionInputError([`The file could not be read as CSV: ${(error as Error).message}`]);
  }
  const rows = records
    .map(({ record, info }) => {
      // csv-parse counts the line a record ends on; a quoted cell may span lines.
      const spanned = record.reduce((sum, cell) => sum + (cell.match(/\n/g)?.length ?? 0), 0);
      return { line: info.lines - spanned, cells: record };
    })
    .filter((row) => row.cells.some((cell) => cell !== ''));
  const [first, ...rest] = rows;
  return { header: first?.cells ?? [], rows: rest };
}

/** The position of the first header matching any of `names`, ignoring case; -1 if none. */
function findColumn(header: string[], names: string[]): number {
  const lower = header.map((h) => h.toLowerCase());
  for (const name of names) {
    const at = lower.indexOf(name.toLowerCase());
    if (at >= 0) return at;
  }
  return -1;
}

const FEATURE_NAMES = ['feature', 'category'];
const VALUE_NAMES = ['value', 'name', 'category value', 'category_value', 'category-value'];

/** Reads the features file: columns feature, value, min, max (and optional min_flex, max_flex). */
export function parseFeatures(text: string): Feature[] {
  const { header, rows } = readCsv(text);
  if (!header.length) throw new SortitionInputError(['The features file is empty.']);
  const featureAt = findColumn(header, FEATURE_NAMES);
  const valueAt = findColumn(header, VALUE_NAMES);
  const minAt = findColumn(header, ['min']);
  const maxAt = findColumn(header, ['max']);
  const minFlexAt = findColumn(header, ['min_flex']);
  const maxFlexAt = findColumn(header, ['max_flex']);

  const errors: string[] = [];
  const missing = [
    featureAt < 0 && '"feature" (or "category")',
    valueAt < 0 && '"value" (or "name", "category_value")',
    minAt < 0 && '"min"',
    maxAt < 0 && '"max"',
  ].filter((m): m is string => Boolean(m));
  if (missing.length) {
    errors.push(
      `The features file has no ${joinWith(missing, 'and')} column${missing.length > 1 ? 's' : ''}; its first line is: ${header.join(',')}`,
    );
  }
  // The Sortition Foundation's format requires the two flex columns together.
  if (minFlexAt < 0 !== maxFlexAt < 0) {
    errors.push(
      `The features file has a "${minFlexAt < 0 ? 'max_flex' : 'min_flex'}" column but no "${minFlexAt < 0 ? 'min_flex' : 'max_flex'}" column; give both or neither.`,
    );
  }
  if (missing.length) throw new SortitionInputError(errors);

  const features: Feature[] = [];
  const byName = new Map<string, Feature>();
  /** Where each value was first given, to name both rows when one is repeated. */
  const seenValues = new Map<string, number>();
  for (const { line, cells } of rows) {
    const cell = (at: number) => (at >= 0 ? (cells[at] ?? '') : '');
    const featureName = cell(featureAt);
    const value = cell(valueAt);
    const column = (at: number) => header[at] ?? '';
    if (!featureName) {
      errors.push(`Row ${line}: "${column(featureAt)}" is blank; say which feature this value belongs to.`);
      continue;
    }
    let feature = byName.get(featureName.toLowerCase());
    if (!feature) {
      feature = { name: featureName, values: [] };
      byName.set(featureName.toLowerCase(), feature);
      features.push(feature);
    }
    if (!value) {
      errors.push(`Row ${line}: "${column(valueAt)}" is blank for the feature "${featureName}".`);
      continue;
    }
    const key = `${featureName.toLowerCase()}\n${value.toLowerCase()}`;
    const first = seenValues.get(key);
    if (first !== undefined) {
      errors.push(`Row ${line}: "${featureName}" has the value "${value}" twice (also on row ${first}).`);
      continue;
    }
    seenValues.set(key, line);

    const number = (at: number, optional: boolean): number | undefined => {
      const raw = cell(at);
      if (raw === '' && optional) return undefined;
      const parsed = wholeNumber(raw);
      if (parsed === undefined) {
        errors.push(
          `Row ${line}: "${column(at)}" is ${raw === '' ? 'blank' : `"${raw}"`}, which is not a whole number of 0 or more.`,
        );
      }
      return parsed;
    };
    const min = number(minAt, false);
    const max = number(maxAt, false);
    const minFlex = number(minFlexAt, true);
    const maxFlex = number(maxFlexAt, true);
    if (min !== undefined && max !== undefined && min > max) {
      errors.push(
        `Row ${line}: for "${featureName}" "${value}" the min (${min}) is more than the max (${max}).`,
      );
    }
    if (minFlex !== undefined && min !== undefined && minFlex > min) {
      errors.push(
        `Row ${line}: for "${featureName}" "${value}" the min_flex (${minFlex}) is more than the min (${min}).`,
      );
    }
    if (maxFlex !== undefined && max !== undefined && maxFlex < max) {
      errors.push(
        `Row ${line}: for "${featureName}" "${value}" the max_flex (${maxFlex}) is less than the max (${max}).`,
      );
    }
    if (min !== undefined && max !== undefined) feature.values.push({ value, min, max });
  }
  for (const feature of features) {
    // A feature whose rows were all refused above already has its messages.
    const anyRow = [...seenValues.keys()].some((key) => key.startsWith(`${feature.name.toLowerCase()}\n`));
    if (!anyRow) errors.push(`The feature "${feature.name}" has no values.`);
  }
  if (!features.length && !errors.length) errors.push('The features file lists no features.');
  if (errors.length) throw new SortitionInputError(errors);
  return features;
}

/** Reads the people file against the features; every feature must have a column. */
export function parsePeople(text: string, features: Feature[], options: PeopleOptions = {}): Person[] {
  const { header, rows } = readCsv(text);
  if (!header.length) throw new SortitionInputError(['The people file is empty.']);
  const errors: string[] = [];

  let idAt: number;
  if (options.idColumn !== undefined) {
    idAt = findColumn(header, [options.idColumn]);
    if (idAt < 0) errors.push(`The people file has no "${options.idColumn}" column to take the ids from.`);
  } else {
    idAt = findColumn(header, ['id', 'nationbuilder_id']);
    if (idAt < 0) {
      errors.push(
        'The people file has no "id" or "nationbuilder_id" column; say which column holds the ids.',
      );
    }
  }
  const featureAts = features.map((feature) => {
    const at = findColumn(header, [feature.name]);
    if (at < 0)
      errors.push(`The people file has no "${feature.name}" column (a feature in the features file).`);
    return at;
  });
  const addressAts = (options.addressColumns ?? []).map((name) => {
    const at = findColumn(header, [name]);
    if (at < 0) errors.push(`The people file has no "${name}" column (given as an address column).`);
    return at;
  });
  if (errors.length) throw new SortitionInputError(errors);

  // Values are matched ignoring case, then stored as the features file spells them.
  const canonical = features.map(
    (feature) => new Map(feature.values.map(({ value }) => [value.toLowerCase(), value])),
  );
  const people: Person[] = [];
  const firstRowOfId = new Map<string, number>();
  for (const { line, cells } of rows) {
    const cell = (at: number) => cells[at] ?? '';
    const id = cell(idAt);
    if (!id) {
      options.onWarning?.(`Row ${line}: the "${header[idAt]}" is blank, so this row was skipped.`);
      continue;
    }
    const first = firstRowOfId.get(id);
    if (first !== undefined) {
      errors.push(`Row ${line}: the id "${id}" is used again (first on row ${first}).`);
      continue;
    }
    firstRowOfId.set(id, line);

    const values: string[] = [];
    features.forEach((feature, f) => {
      const at = featureAts[f] as number;
      const given = cell(at);
      const value = canonical[f]?.get(given.toLowerCase());
      const allowed = joinWith(
        feature.values.map((v) => v.value),
        'or',
      );
      if (value === undefined) {
        errors.push(
          given
            ? `Row ${line}: "${header[at]}" is "${given}", which is not one of ${allowed}`
            : `Row ${line}: "${header[at]}" is blank; it must be one of ${allowed}`,
        );
      } else values.push(value);
    });

    const columns: Record<string, string> = {};
    header.forEach((name, at) => {
      // A repeated header keeps its first column, so no cell is silently replaced.
      if (!(name in columns)) columns[name] = cell(at);
    });
    const person: Person = { id, values, columns };
    const address = addressAts.map((at) => cell(at).toLowerCase());
    // A blank address is not a household: people who gave none must not all exclude each other.
    if (address.some((part) => part !== '')) person.household = JSON.stringify(address);
    people.push(person);
  }
  if (errors.length) throw new SortitionInputError(errors);
  return people;
}

/**
 * The quota problems anyone can see with arithmetic alone, in plain English; an empty list does
 * not promise a panel exists (combinations of features and households can still rule one out).
 */
export function checkQuotaArithmetic(features: Feature[], people: Person[], k: number): string[] {
  const problems: string[] = [];
  if (k > people.length) {
    problems.push(
      `The panel needs ${k} people but only ${people.length} ${people.length === 1 ? 'is' : 'are'} in the pool.`,
    );
  }
  features.forEach((feature, f) => {
    const mins = feature.values.reduce((sum, v) => sum + v.min, 0);
    const maxes = feature.values.reduce((sum, v) => sum + v.max, 0);
    if (mins > k) {
      problems.push(`"${feature.name}": the minimums add up to ${mins}, more than the panel size of ${k}.`);
    }
    if (maxes < k) {
      problems.push(`"${feature.name}": the maximums add up to ${maxes}, fewer than the panel size of ${k}.`);
    }
    let fillable = 0;
    for (const quota of feature.values) {
      const have = people.filter((person) => person.values[f] === quota.value).length;
      fillable += Math.min(have, quota.max);
      if (have < quota.min) {
        problems.push(
          `"${feature.name}" "${quota.value}": the panel needs at least ${quota.min} but only ${have} ${have === 1 ? 'respondent has' : 'respondents have'} it.`,
        );
      }
    }
    // Only worth saying when the maximums alone do not already explain it.
    if (maxes >= k && fillable < k && k <= people.length) {
      problems.push(
        `"${feature.name}": at most ${fillable} panel members can be found within its maximums from the respondents there are, fewer than the panel size of ${k}.`,
      );
    }
  });
  return problems;
}

/** A whole number of 0 or more ("5", or "5.0" as some spreadsheets write it), or undefined. */
function wholeNumber(text: string): number | undefined {
  if (!/^\d+(\.0*)?$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** "a, b or c". */
function joinWith(items: string[], last: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`;
}

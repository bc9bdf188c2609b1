/**
 * Writes a PbFile back out as `.pb` text, one line per chunk with LF endings, so a large file can
 * be streamed to a response or a file without building one big string.
 */
import type { PbFile } from './types.js';

/**
 * Quotes a value only when reading it back would otherwise change it: a `;` would split it, a
 * `"` could be taken for quoting, surrounding spaces would be trimmed, and a line break would end
 * the row. (A value with a line break is valid CSV, but the parser here reads one row per line,
 * so such a file cannot be read back by Kith.)
 */
export function quoteField(value: string): string {
  if (
    value.indexOf(';') === -1 &&
    value.indexOf('"') === -1 &&
    value.indexOf('\n') === -1 &&
    value.indexOf('\r') === -1 &&
    value === value.trim()
  ) {
    return value;
  }
  return `"${value.replaceAll('"', '""')}"`;
}

function row(values: string[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ';';
    line += quoteField(values[i] as string);
  }
  return `${line}\n`;
}

function idList(ids: string[], voterId: string): string {
  for (const id of ids) {
    // A ballot is a comma-separated list, so such an id could not be read back.
    if (id.indexOf(',') !== -1) {
      throw new Error(
        `Voter ${voterId} names project "${id}", whose id holds a comma, which a .pb ballot cannot hold`,
      );
    }
  }
  return ids.join(',');
}

/** Yields the file line by line. Columns follow projectColumns and voteColumns. */
export function* writePabulib(file: PbFile): Generator<string> {
  yield 'META\n';
  yield 'key;value\n';
  for (const [key, value] of file.meta) yield row([key, value]);

  yield 'PROJECTS\n';
  const projectColumns = file.projectColumns;
  yield row(projectColumns);
  for (const project of file.projects) {
    const values = new Array<string>(projectColumns.length);
    for (let i = 0; i < projectColumns.length; i++) {
      const column = projectColumns[i] as string;
      values[i] =
        column === 'project_id'
          ? project.id
          : column === 'cost'
            ? project.cost
            : (project.fields[column] ?? '');
    }
    yield row(values);
  }

  yield 'VOTES\n';
  const voteColumns = file.voteColumns;
  yield row(voteColumns);
  for (const ballot of file.votes) {
    const values = new Array<string>(voteColumns.length);
    for (let i = 0; i < voteColumns.length; i++) {
      const column = voteColumns[i] as string;
      if (column === 'voter_id') values[i] = ballot.voterId;
      else if (column === 'vote') values[i] = idList(ballot.vote, ballot.voterId);
      else if (column === 'points') values[i] = ballot.points ? ballot.points.join(',') : '';
      else values[i] = ballot.fields[column] ?? '';
    }
    yield row(values);
  }
}

/** The whole file as one string (for small files and tests; stream writePabulib otherwise). */
export function pabulibToString(file: PbFile): string {
  let text = '';
  for (const chunk of writePabulib(file)) text += chunk;
  return text;
}

/**
 * Reads a pabulib `.pb` file (../../../schemas/pabulib/README.md) into a PbFile, line by line,
 * so a 200 MB file never has to be one string. Values stay the strings the file holds; only
 * ballots are split into project ids (and points into numbers), because every caller needs that.
 */
import type { PbFile, PbProject, PbVote, PbVoteType, PbWarning } from './types.js';
import { VOTE_TYPES } from './types.js';

/** A file that cannot be read as pabulib. `line` is 1-based; the message starts "Line N: ". */
export class PabulibError extends Error {
  readonly line: number;
  constructor(line: number, detail: string) {
    super(`Line ${line}: ${detail}`);
    this.name = 'PabulibError';
    this.line = line;
  }
}

export interface PabulibParseResult {
  file: PbFile;
  warnings: PbWarning[];
}

export type PabulibSource = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

export const REQUIRED_META_KEYS = [
  'description',
  'country',
  'unit',
  'instance',
  'num_projects',
  'num_votes',
  'budget',
  'vote_type',
] as const;

/** Reads a file given as chunks (strings or UTF-8 bytes, split anywhere). */
export async function parsePabulib(source: PabulibSource | string): Promise<PabulibParseResult> {
  // A string is itself iterable (one character at a time): read it whole instead.
  if (typeof source === 'string') return parsePabulibText(source);
  const lines = new LineSplitter(new PabulibReader());
  // `stream: true` keeps a UTF-8 character split between two byte chunks until its end arrives.
  let decoder: TextDecoder | undefined;
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      if (decoder) lines.push(decoder.decode());
      decoder = undefined;
      lines.push(chunk);
    } else {
      decoder ??= new TextDecoder('utf-8', { fatal: true });
      lines.push(decodeOrThrow(decoder, chunk, lines.lineCount + 1));
    }
  }
  if (decoder) lines.push(decodeOrThrow(decoder, undefined, lines.lineCount + 1));
  return lines.end();
}

/** Reads a whole file held in a string. */
export function parsePabulibText(text: string): PabulibParseResult {
  const lines = new LineSplitter(new PabulibReader());
  lines.push(text);
  return lines.end();
}

function decodeOrThrow(decoder: TextDecoder, chunk: Uint8Array | undefined, line: number): string {
  try {
    return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
  } catch {
    throw new PabulibError(line, 'the file is not valid UTF-8 text; save it as UTF-8 and try again');
  }
}

/** Cuts text chunks into lines, whatever the chunk boundaries (including between \r and \n). */
class LineSplitter {
  lineCount = 0;
  private rest = '';
  constructor(private readonly reader: PabulibReader) {}

  push(text: string): void {
    let nl = text.indexOf('\n');
    if (nl === -1) {
      this.rest += text;
      return;
    }
    this.line(this.rest + text.slice(0, nl));
    let start = nl + 1;
    for (nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      // Dropping the \r of a CRLF here saves a second copy of every line.
      this.line(text.slice(start, text.charCodeAt(nl - 1) === CR && nl > start ? nl - 1 : nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }

  end(): PabulibParseResult {
    if (this.rest !== '') this.line(this.rest);
    this.rest = '';
    return this.reader.finish(this.lineCount);
  }

  private line(raw: string): void {
    this.lineCount++;
    let text = raw;
    if (text.charCodeAt(text.length - 1) === CR) text = text.slice(0, -1);
    if (this.lineCount === 1 && text.charCodeAt(0) === BOM) text = text.slice(1);
    this.reader.line(text, this.lineCount);
  }
}

const CR = 13;
const BOM = 0xfeff;
const QUOTE = 34;
const SEMI = 59;
const SPACE = 32;
const TAB = 9;

/**
 * Splits one row on `;` with CSV quoting. A quote that does not wrap the whole field (the
 * Częstochowa file's `"Odkupmy" i my - ...`) is kept as written, as csv-parse's relax_quotes
 * does. Unquoted values are trimmed, because older files put a space after `;`.
 */
export function splitRow(line: string, lineNo: number): string[] {
  if (line.indexOf('"') === -1) {
    const parts = line.split(';');
    for (let i = 0; i < parts.length; i++) parts[i] = (parts[i] as string).trim();
    return parts;
  }
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    let j = i;
    while (j < n && (line.charCodeAt(j) === SPACE || line.charCodeAt(j) === TAB)) j++;
    if (line.charCodeAt(j) === QUOTE) {
      let value = '';
      let from = j + 1;
      let end = -1;
      for (;;) {
        const q = line.indexOf('"', from);
        if (q === -1) break;
        if (line.charCodeAt(q + 1) === QUOTE) {
          value += line.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        value += line.slice(from, q);
        end = q + 1;
        break;
      }
      if (end === -1) {
        throw new PabulibError(
          lineNo,
          `field ${out.length + 1} opens a quote (") that is not closed on the same line; a value cannot run over more than one line`,
        );
      }
      while (end < n && (line.charCodeAt(end) === SPACE || line.charCodeAt(end) === TAB)) end++;
      if (end === n) {
        out.push(value);
        return out;
      }
      if (line.charCodeAt(end) === SEMI) {
        out.push(value);
        i = end + 1;
        continue;
      }
      // Text after the closing quote: the quotes were part of the value, so read it unquoted.
    }
    const semi = line.indexOf(';', i);
    if (semi === -1) {
      out.push(line.slice(i).trim());
      return out;
    }
    out.push(line.slice(i, semi).trim());
    i = semi + 1;
  }
}

const TITLES = new Set(['META', 'PROJECTS', 'VOTES']);
const NON_NEGATIVE_NUMBER = /^\d+(\.\d+)?$/;

type Section = 'start' | 'meta-header' | 'meta' | 'projects-header' | 'projects' | 'votes-header' | 'votes';

/** Ballots longer than this are checked for a repeated project with a set. */
const LONG_BALLOT = 16;

/** How many warnings of one kind are listed before the rest are only counted. */
const WARNINGS_PER_KIND = 100;

interface Limit {
  value: number;
  line: number;
}

/** The line-by-line core shared by the streaming and the whole-text readers. */
class PabulibReader {
  private section: Section = 'start';
  private readonly meta: Array<[string, string]> = [];
  private readonly metaLines = new Map<string, number>();
  private projectColumns: string[] = [];
  private readonly projects: PbProject[] = [];
  private readonly projectLines = new Map<string, number>();
  private voteColumns: string[] = [];
  private readonly votes: PbVote[] = [];
  private readonly voterLines = new Map<string, number>();
  private readonly warnings: PbWarning[] = [];
  private readonly warningCounts = new Map<string, { count: number; firstUnlisted: number }>();
  private voteType: PbVoteType = 'approval';
  private voteIndex = 1;
  private pointsIndex = -1;
  private otherVoteColumns: Array<[name: string, index: number]> = [];
  private minLength: Limit | undefined;
  private maxLength: Limit | undefined;
  private minPoints: Limit | undefined;
  private maxPoints: Limit | undefined;
  private minSumPoints: Limit | undefined;
  private maxSumPoints: Limit | undefined;

  line(text: string, lineNo: number): void {
    // Every data row has at least two columns, so only a line without `;` can be a title.
    if (text.indexOf(';') === -1) {
      const trimmed = text.trim();
      if (trimmed === '') return;
      const upper = trimmed.toUpperCase();
      if (TITLES.has(upper)) {
        this.title(upper, lineNo);
        return;
      }
    }
    switch (this.section) {
      case 'votes':
        this.voteRow(text, lineNo);
        return;
      case 'projects':
        this.projectRow(text, lineNo);
        return;
      case 'meta':
        this.metaRow(text, lineNo);
        return;
      case 'start':
        throw new PabulibError(lineNo, 'a pabulib file must start with a line saying META');
      case 'meta-header':
        this.metaHeader(text, lineNo);
        return;
      case 'projects-header':
        this.projectsHeader(text, lineNo);
        return;
      case 'votes-header':
        this.votesHeader(text, lineNo);
        return;
    }
  }

  finish(lastLine: number): PabulibParseResult {
    const endLine = Math.max(lastLine, 1);
    if (this.section === 'start') {
      throw new PabulibError(
        endLine,
        'the file is empty; a pabulib file has META, PROJECTS and VOTES sections',
      );
    }
    if (this.section === 'meta-header' || this.section === 'meta') {
      throw new PabulibError(endLine, 'the file ends before the PROJECTS section');
    }
    if (this.section === 'projects-header') {
      throw new PabulibError(endLine, 'the file ends before the PROJECTS header row');
    }
    if (this.section === 'projects') {
      throw new PabulibError(endLine, 'the file ends before the VOTES section');
    }
    if (this.section === 'votes-header') {
      throw new PabulibError(endLine, 'the file ends before the VOTES header row');
    }
    this.checkCount('num_projects', this.projects.length, 'PROJECTS has');
    this.checkCount('num_votes', this.votes.length, 'VOTES has');
    for (const [kind, { count, firstUnlisted }] of this.warningCounts) {
      if (kind !== 'meta' && count > WARNINGS_PER_KIND) {
        this.warnings.push({
          line: firstUnlisted,
          message: `Line ${firstUnlisted}: and ${count - WARNINGS_PER_KIND} more ballots ${kind} (not listed one by one)`,
        });
      }
    }
    // Listed in file order, so a reader can work down the file.
    this.warnings.sort((a, b) => a.line - b.line);
    return {
      file: {
        meta: this.meta,
        projectColumns: this.projectColumns,
        projects: this.projects,
        voteColumns: this.voteColumns,
        votes: this.votes,
      },
      warnings: this.warnings,
    };
  }

  private title(title: string, lineNo: number): void {
    const next: Record<string, { after: Section[]; to: Section }> = {
      META: { after: ['start'], to: 'meta-header' },
      PROJECTS: { after: ['meta'], to: 'projects-header' },
      VOTES: { after: ['projects'], to: 'votes-header' },
    };
    const rule = next[title] as { after: Section[]; to: Section };
    if (!rule.after.includes(this.section)) {
      if (this.section.endsWith('-header')) {
        throw new PabulibError(lineNo, `found ${title} where the header row of the section above should be`);
      }
      throw new PabulibError(
        lineNo,
        `found ${title} out of order; a pabulib file has META, then PROJECTS, then VOTES, each once`,
      );
    }
    if (title === 'PROJECTS') this.endMeta(lineNo);
    this.section = rule.to;
  }

  private metaHeader(text: string, lineNo: number): void {
    const header = splitRow(text, lineNo);
    if (header.length !== 2 || header[0]?.toLowerCase() !== 'key' || header[1]?.toLowerCase() !== 'value') {
      throw new PabulibError(lineNo, `the META header must be "key;value", not "${text.trim()}"`);
    }
    this.section = 'meta';
  }

  private metaRow(text: string, lineNo: number): void {
    const row = splitRow(text, lineNo);
    if (row.length < 2) {
      throw new PabulibError(lineNo, `META row "${text.trim()}" has no value; write it as key;value`);
    }
    const key = row[0] as string;
    let value = row[1] as string;
    if (key === '') throw new PabulibError(lineNo, 'a META row has an empty key');
    if (row.length > 2) {
      // Free text such as a comment sometimes holds an unquoted `;`: keep all of it.
      value = row.slice(1).join(';');
      this.warn(
        'meta',
        lineNo,
        `META ${key} holds an unquoted ";"; the rest of the line is kept as its value`,
      );
    }
    const seen = this.metaLines.get(key);
    if (seen !== undefined) {
      throw new PabulibError(lineNo, `META key ${key} is given twice (first on line ${seen})`);
    }
    this.metaLines.set(key, lineNo);
    this.meta.push([key, value]);
  }

  private metaValue(key: string): string | undefined {
    for (const [k, v] of this.meta) if (k === key) return v;
    return undefined;
  }

  private endMeta(lineNo: number): void {
    const missing = REQUIRED_META_KEYS.filter((key) => !this.metaLines.has(key));
    if (missing.length > 0) {
      throw new PabulibError(
        lineNo,
        `META is missing the required ${missing.length === 1 ? 'key' : 'keys'} ${missing.join(', ')}`,
      );
    }
    const voteType = this.metaValue('vote_type') as string;
    if (!(VOTE_TYPES as readonly string[]).includes(voteType)) {
      throw new PabulibError(
        this.metaLines.get('vote_type') as number,
        `vote_type "${voteType}" is not one pabulib knows; use one of ${VOTE_TYPES.join(', ')}`,
      );
    }
    this.voteType = voteType as PbVoteType;
    const budget = this.metaValue('budget') as string;
    if (!NON_NEGATIVE_NUMBER.test(budget)) {
      throw new PabulibError(
        this.metaLines.get('budget') as number,
        `the budget is "${budget}"; a budget must be a whole or decimal number of at least 0`,
      );
    }
    this.minLength = this.limit('min_length');
    this.maxLength = this.limit('max_length');
    this.minPoints = this.limit('min_points');
    this.maxPoints = this.limit('max_points');
    this.minSumPoints = this.limit('min_sum_points');
    this.maxSumPoints = this.limit('max_sum_points');
  }

  /** A ballot limit from META; one that is not a number is reported once and not checked. */
  private limit(key: string): Limit | undefined {
    const text = this.metaValue(key);
    if (text === undefined || text === '' || text.toLowerCase() === 'none') return undefined;
    const line = this.metaLines.get(key) as number;
    const value = Number(text);
    if (!Number.isFinite(value)) {
      this.warn(
        'meta',
        line,
        `${key} is "${text}", which is not a number, so ballots are not checked against it`,
      );
      return undefined;
    }
    return { value, line };
  }

  private header(text: string, lineNo: number, section: string): string[] {
    const header = splitRow(text, lineNo);
    const seen = new Set<string>();
    for (const name of header) {
      if (name === '') throw new PabulibError(lineNo, `the ${section} header has an empty column name`);
      if (seen.has(name))
        throw new PabulibError(lineNo, `the ${section} header names the column ${name} twice`);
      seen.add(name);
    }
    return header;
  }

  private projectsHeader(text: string, lineNo: number): void {
    const header = this.header(text, lineNo, 'PROJECTS');
    if (header[0] !== 'project_id') {
      throw new PabulibError(lineNo, `the PROJECTS header must start with project_id, not "${header[0]}"`);
    }
    if (!header.includes('cost')) throw new PabulibError(lineNo, 'the PROJECTS header has no cost column');
    this.projectColumns = header;
    this.section = 'projects';
  }

  private projectRow(text: string, lineNo: number): void {
    const row = splitRow(text, lineNo);
    const columns = this.projectColumns;
    if (row.length !== columns.length) {
      throw new PabulibError(lineNo, wrongFieldCount('project', row.length, columns.length));
    }
    const id = row[0] as string;
    if (id === '') throw new PabulibError(lineNo, 'a project has an empty project_id');
    const seen = this.projectLines.get(id);
    if (seen !== undefined) {
      throw new PabulibError(lineNo, `project ${id} is listed twice (first on line ${seen})`);
    }
    const fields: Record<string, string> = {};
    for (let i = 1; i < columns.length; i++) fields[columns[i] as string] = row[i] as string;
    const cost = fields.cost as string;
    if (!NON_NEGATIVE_NUMBER.test(cost)) {
      throw new PabulibError(
        lineNo,
        `project ${id} has cost "${cost}"; a cost must be a whole or decimal number of at least 0`,
      );
    }
    this.projectLines.set(id, lineNo);
    this.projects.push({ id, cost, fields, line: lineNo });
  }

  private votesHeader(text: string, lineNo: number): void {
    const header = this.header(text, lineNo, 'VOTES');
    if (header[0] !== 'voter_id') {
      throw new PabulibError(lineNo, `the VOTES header must start with voter_id, not "${header[0]}"`);
    }
    this.voteIndex = header.indexOf('vote');
    if (this.voteIndex === -1) throw new PabulibError(lineNo, 'the VOTES header has no vote column');
    this.pointsIndex = header.indexOf('points');
    if (this.pointsIndex === -1 && (this.voteType === 'cumulative' || this.voteType === 'scoring')) {
      throw new PabulibError(
        lineNo,
        `the VOTES header has no points column, which a ${this.voteType} file needs`,
      );
    }
    this.otherVoteColumns = [];
    for (let i = 1; i < header.length; i++) {
      if (i !== this.voteIndex && i !== this.pointsIndex)
        this.otherVoteColumns.push([header[i] as string, i]);
    }
    this.voteColumns = header;
    this.section = 'votes';
  }

  // The hot path: one call per ballot, so no regular expressions and no per-row allocations
  // beyond the ballot itself.
  private voteRow(text: string, lineNo: number): void {
    const row = splitRow(text, lineNo);
    if (row.length !== this.voteColumns.length) {
      throw new PabulibError(lineNo, wrongFieldCount('ballot', row.length, this.voteColumns.length));
    }
    const voterId = row[0] as string;
    if (voterId === '') throw new PabulibError(lineNo, 'a ballot has an empty voter_id');
    const seen = this.voterLines.get(voterId);
    if (seen !== undefined) {
      throw new PabulibError(lineNo, `voter ${voterId} has two ballots (the first on line ${seen})`);
    }
    this.voterLines.set(voterId, lineNo);

    const voteText = row[this.voteIndex] as string;
    const vote = voteText === '' ? [] : voteText.split(',');
    const projectLines = this.projectLines;
    // Short ballots are checked for repeats pairwise (no allocation); long ranked ones with a set,
    // so a 100-project ordinal ballot is not 5,000 comparisons.
    const seenInBallot = vote.length > LONG_BALLOT ? new Set<string>() : undefined;
    for (let i = 0; i < vote.length; i++) {
      const id = (vote[i] as string).trim();
      vote[i] = id;
      if (!projectLines.has(id)) {
        throw new PabulibError(
          lineNo,
          id === ''
            ? `voter ${voterId}'s vote has an empty project id`
            : `voter ${voterId} votes for project ${id}, which is not in PROJECTS`,
        );
      }
      let repeated = false;
      if (seenInBallot) {
        repeated = seenInBallot.has(id);
        seenInBallot.add(id);
      } else {
        for (let j = 0; j < i; j++) if (vote[j] === id) repeated = true;
      }
      if (repeated) throw new PabulibError(lineNo, `voter ${voterId} names project ${id} twice`);
    }

    const fields: Record<string, string> = {};
    for (const [name, index] of this.otherVoteColumns) fields[name] = row[index] as string;
    const ballot: PbVote = { voterId, vote, fields, line: lineNo };

    if (this.pointsIndex !== -1)
      ballot.points = this.points(row[this.pointsIndex] as string, vote, voterId, lineNo);
    this.checkBallot(ballot, lineNo);
    this.votes.push(ballot);
  }

  private points(text: string, vote: string[], voterId: string, lineNo: number): number[] {
    const parts = text === '' ? [] : text.split(',');
    if (parts.length !== vote.length) {
      throw new PabulibError(
        lineNo,
        `voter ${voterId} names ${vote.length} ${vote.length === 1 ? 'project' : 'projects'} but gives ${parts.length} ${parts.length === 1 ? 'points value' : 'points values'}; they must match one to one`,
      );
    }
    const points = new Array<number>(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      const value = Number(part);
      if (!Number.isFinite(value) || (value === 0 && part.trim() === '')) {
        throw new PabulibError(
          lineNo,
          `voter ${voterId} gives points "${part.trim()}", which is not a number`,
        );
      }
      points[i] = value + 0; // turns -0 into 0, so writing and reading back gives the same number
    }
    return points;
  }

  private checkBallot(ballot: PbVote, lineNo: number): void {
    const length = ballot.vote.length;
    if (this.voteType === 'choose-1' && length !== 1) {
      this.warn(
        'do not choose exactly one project in a choose-1 file',
        lineNo,
        `voter ${ballot.voterId} chooses ${length} projects in a choose-1 file`,
      );
    }
    if (this.minLength && length < this.minLength.value) {
      this.warn(
        'are shorter than min_length',
        lineNo,
        `voter ${ballot.voterId} chooses ${length} ${length === 1 ? 'project' : 'projects'}, fewer than min_length ${this.minLength.value}`,
      );
    }
    if (this.maxLength && length > this.maxLength.value) {
      this.warn(
        'are longer than max_length',
        lineNo,
        `voter ${ballot.voterId} chooses ${length} projects, more than max_length ${this.maxLength.value}`,
      );
    }
    const points = ballot.points;
    if (!points) return;
    let sum = 0;
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (const p of points) {
      sum += p;
      if (p < low) low = p;
      if (p > high) high = p;
    }
    if (this.minSumPoints && sum < this.minSumPoints.value) {
      this.warn(
        'give fewer points in total than min_sum_points',
        lineNo,
        `voter ${ballot.voterId} gives ${sum} points in total, fewer than min_sum_points ${this.minSumPoints.value}`,
      );
    }
    if (this.maxSumPoints && sum > this.maxSumPoints.value) {
      this.warn(
        'give more points in total than max_sum_points',
        lineNo,
        `voter ${ballot.voterId} gives ${sum} points in total, more than max_sum_points ${this.maxSumPoints.value}`,
      );
    }
    if (this.minPoints && low < this.minPoints.value) {
      this.warn(
        'give a project fewer points than min_points',
        lineNo,
        `voter ${ballot.voterId} gives a project ${low} points, fewer than min_points ${this.minPoints.value}`,
      );
    }
    if (this.maxPoints && high > this.maxPoints.value) {
      this.warn(
        'give a project more points than max_points',
        lineNo,
        `voter ${ballot.voterId} gives a project ${high} points, more than max_points ${this.maxPoints.value}`,
      );
    }
  }

  private checkCount(key: 'num_projects' | 'num_votes', actual: number, what: string): void {
    const text = this.metaValue(key) as string;
    if (Number(text) === actual && text.trim() !== '') return;
    const line = this.metaLines.get(key) as number;
    this.warnings.push({
      line,
      message: `Line ${line}: ${key} says ${text === '' ? 'nothing' : text} but ${what} ${actual} ${actual === 1 ? 'row' : 'rows'}`,
    });
  }

  /** Records a warning; past WARNINGS_PER_KIND of one kind they are only counted. */
  private warn(kind: string, line: number, detail: string): void {
    let counter = this.warningCounts.get(kind);
    if (!counter) {
      counter = { count: 0, firstUnlisted: 0 };
      this.warningCounts.set(kind, counter);
    }
    counter.count++;
    if (counter.count <= WARNINGS_PER_KIND || kind === 'meta') {
      this.warnings.push({ line, message: `Line ${line}: ${detail}` });
    } else if (counter.count === WARNINGS_PER_KIND + 1) {
      counter.firstUnlisted = line;
    }
  }
}

function wrongFieldCount(what: string, found: number, expected: number): string {
  return `this ${what} row has ${found} ${found === 1 ? 'field' : 'fields'} but the header has ${expected}; a value holding ";" must be in double quotes`;
}

/**
 * `kith sortition select`: choose a citizens' assembly from the Sortition Foundation's CSV files
 * with no database or server. It finds the fairest distribution over panels, turns it into a
 * published lottery of numbered panels, draws one with a public random number or seed, and writes
 * the four files of docs/sortition.md (a public interface anyone can check the draw from).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import {
  checkQuotaArithmetic,
  parseFeatures,
  parsePeople,
  SortitionInputError,
} from '../../lib/sortition/csv-input.js';
import { lotteryCsv, panelCsv, probabilitiesCsv, summaryJson } from '../../lib/sortition/csv-output.js';
import { drawIndex } from '../../lib/sortition/draw.js';
import { makeLottery } from '../../lib/sortition/lottery.js';
import { replacementProblem, selectPanel } from '../../lib/sortition/select.js';
import {
  ALGORITHMS,
  type Algorithm,
  type Feature,
  type Person,
  type Progress,
  type RandomSource,
  type SelectionProblem,
} from '../../lib/sortition/types.js';

export const SORTITION_HELP = `Usage: kith sortition select --features FEATURES.csv --people PEOPLE.csv --k N [options]

Chooses a panel of N people from the respondents in PEOPLE.csv, meeting the quotas in
FEATURES.csv (the Sortition Foundation's formats), giving every respondent as equal a chance as
the quotas allow. The chances become a lottery of numbered panels; one is drawn with a public
random number or seed, so anyone can check the draw. See docs/sortition.md.

Options:
  --algorithm A        ${ALGORITHMS.join(' | ')} (default leximin): leximin raises the smallest
                       chance, then the next smallest, and so on; maximin only the smallest;
                       legacy picks people one at a time, as older tools do
  --lottery-size M     how many numbered panels the lottery holds (default 1000)
  --random N           draw panel N (0 to M − 1), a number chosen in public, e.g. with dice
  --seed TEXT          draw panel SHA-256(TEXT) mod M, e.g. a lottery result agreed in advance
                       (without --random or --seed a random seed is made and recorded)
  --time-limit SECONDS stop searching after this long and use the best distribution found
  --id-column C        the people file's id column (default id, else nationbuilder_id)
  --address-columns a,b
                       columns that make an address; two people at one address are never
                       both chosen
  --out DIR            where to write panel.csv, probabilities.csv, lottery.csv and summary.json
                       (default the current folder; made if missing)

Usage: kith sortition replace --features FEATURES.csv --people PEOPLE.csv --panel PANEL.csv
                              --dropped ID[,ID…] [options]

Fills the seats of panel members who dropped out. Everyone else on PANEL.csv (a panel.csv from
select, whose first column is the id) stays; the new members come from the rest of the pool,
the quotas still hold, and the chances are as fair as the quotas allow, by the same algorithm.
The same options apply (not --k: the panel keeps its size). panel.csv holds the whole new panel
and probabilities.csv each respondent's chance of a seat on it.

Usage: kith sortition draw --lottery LOTTERY.csv (--summary SUMMARY.json | --random N | --seed TEXT)
                           [--panel PANEL.csv]

Checks a published draw from the published files alone: prints the number of the panel the
public random number or seed picks from LOTTERY.csv, then that panel's ids, one a line. With
--summary the number or seed (and the lottery size and panel number, if given) are read from
the summary.json published with the lottery. With --panel, also checks that the panel in
PANEL.csv (ids in its first column) is exactly that panel: exit 0 if so, 1 if not.
`;

const MAX_MESSAGES_SHOWN = 50;
const PROGRESS_EVERY_MS = 1000;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

interface SelectArgs {
  /** For replace: the current panel file and the ids of those who dropped out. */
  replace?: { panelFile: string; dropped: string[] };
  featuresFile: string;
  peopleFile: string;
  k: number;
  algorithm: Algorithm;
  lotterySize: number;
  random: RandomSource | undefined;
  timeLimit: number | undefined;
  idColumn: string | undefined;
  addressColumns: string[] | undefined;
  out: string;
}

/** The engine's entry points; tests wrap them to see how the CLI reports what the engine says. */
export interface SortitionEngine {
  selectPanel: typeof selectPanel;
  makeLottery: typeof makeLottery;
}

/** Runs `kith sortition …`; returns the exit code (0 chosen, 1 could not choose, 2 usage). */
export async function runSortitionCli(
  argv: string[],
  io: Io,
  engine: SortitionEngine = { selectPanel, makeLottery },
): Promise<number> {
  if (argv[0] === 'draw') return runDraw(argv.slice(1), io);
  let parsed: SelectArgs | 'help';
  try {
    parsed = parseSelectArgs(argv);
  } catch (error) {
    io.err(`kith sortition: ${(error as Error).message}\n\n${SORTITION_HELP}`);
    return 2;
  }
  if (parsed === 'help') {
    io.out(SORTITION_HELP);
    return 0;
  }
  const args = parsed;
  const fail = (message: string) => {
    io.err(`kith sortition ${args.replace ? 'replace' : 'select'}: ${message}\n`);
    return 1;
  };
  const started = performance.now();

  const featuresText = readInput(args.featuresFile);
  if (featuresText.error !== undefined) return fail(featuresText.error);
  const peopleText = readInput(args.peopleFile);
  if (peopleText.error !== undefined) return fail(peopleText.error);

  let features: Feature[];
  let people: Person[];
  const warnings: string[] = [];
  try {
    features = parseFeatures(featuresText.text);
  } catch (error) {
    if (error instanceof SortitionInputError) return fail(listProblems(args.featuresFile, error.messages));
    throw error;
  }
  const showWarnings = () => {
    for (const warning of warnings.slice(0, MAX_MESSAGES_SHOWN)) {
      io.err(`Warning: ${args.peopleFile}: ${warning}\n`);
    }
    if (warnings.length > MAX_MESSAGES_SHOWN) {
      io.err(`… and ${warnings.length - MAX_MESSAGES_SHOWN} more warnings.\n`);
    }
  };
  try {
    people = parsePeople(peopleText.text, features, {
      idColumn: args.idColumn,
      addressColumns: args.addressColumns,
      onWarning: (message) => warnings.push(message),
    });
  } catch (error) {
    if (!(error instanceof SortitionInputError)) throw error;
    showWarnings();
    return fail(listProblems(args.peopleFile, error.messages));
  }
  showWarnings();
  let problem: SelectionProblem = { features, people, k: args.k };
  if (args.replace) {
    const replacing = replacementFor(problem, args.replace);
    if (typeof replacing === 'string') return fail(replacing);
    problem = replacing;
  }
  // A replacement keeps the current panel's size, so from here the size is the problem's.
  const { k } = problem;
  const quotaProblems = checkQuotaArithmetic(features, people, k);
  if (quotaProblems.length) {
    return fail(
      `no panel of ${k} can meet the quotas:\n${quotaProblems.map((p) => `  ${p}\n`).join('')}`.trimEnd(),
    );
  }

  // Without a public number or seed, make a seed and record it, so the draw can still be checked.
  const random: RandomSource = args.random ?? { kind: 'seed', value: crypto.randomBytes(16).toString('hex') };
  let lastProgress = started;
  const onProgress = (progress: Progress) => {
    const now = performance.now();
    if (now - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now;
    io.err(`${describeProgress(args.algorithm, progress)}\n`);
  };

  let selection: Awaited<ReturnType<typeof selectPanel>>;
  let lottery: Awaited<ReturnType<typeof makeLottery>>;
  try {
    selection = await engine.selectPanel(problem, {
      algorithm: args.algorithm,
      timeLimitSeconds: args.timeLimit,
      onProgress,
      // The legacy selector draws at random too; deriving its seed keeps the whole run repeatable.
      seed: seedNumber(random),
    });
    lottery = await engine.makeLottery(selection.distribution, people.length, args.lotterySize);
  } catch (error) {
    // The engine's messages (e.g. no panel meets the quotas once households are counted) are
    // meant for the officer; a stack trace is not.
    return fail(error instanceof Error ? error.message : String(error));
  }
  const panelNumber = drawIndex(lottery.panels.length, random);
  const panel = lottery.panels[panelNumber] ?? [];
  const probabilities = selection.distribution.probabilities;
  // For a replacement, the smallest chance that matters is among those who could fill a seat.
  const fixedPeople = new Set([...(problem.required ?? []), ...(problem.excluded ?? [])]);
  const candidates = probabilities.filter((_, i) => !fixedPeople.has(i));
  const minProbability = candidates.length ? Math.min(...candidates) : 0;
  const seconds = (performance.now() - started) / 1000;

  const files: [string, string][] = [
    ['panel.csv', panelCsv(people, panel)],
    ['probabilities.csv', probabilitiesCsv(people, probabilities)],
    ['lottery.csv', lotteryCsv(people, lottery)],
    [
      'summary.json',
      summaryJson({
        algorithm: selection.algorithm,
        n: people.length,
        k,
        min_probability: minProbability,
        seconds,
        random: random.value,
        optimal: selection.optimal,
        bound: selection.bound,
        lottery_size: lottery.panels.length,
        lottery_max_deviation: lottery.maxDeviation,
        panel: panelNumber,
        lp_calls: selection.stats.lpCalls,
        ilp_calls: selection.stats.ilpCalls,
        levels: selection.stats.levels,
      }),
    ],
  ];
  const outDir = path.resolve(args.out);
  try {
    fs.mkdirSync(outDir, { recursive: true });
    for (const [name, text] of files) fs.writeFileSync(path.join(outDir, name), text);
  } catch (error) {
    return fail(`could not write the results to ${outDir}: ${describeFsError(error)}`);
  }

  if (!selection.optimal) {
    io.err(
      `The time limit of ${args.timeLimit} seconds stopped the search before the fairest distribution was proven: ` +
        `the smallest chance found is ${round(minProbability)}, and no distribution can give everyone more than ${round(selection.bound)}. ` +
        'summary.json records this (optimal: false).\n',
    );
  }
  const how =
    random.kind === 'number'
      ? `the public random number ${random.value}`
      : `seed ${random.value}: SHA-256 of the seed, mod ${lottery.panels.length}`;
  io.out(
    [
      `Drew panel ${panelNumber} of the lottery's ${lottery.panels.length} (${how}).`,
      `${panel.length} of ${people.length} people chosen by ${args.algorithm}; the smallest chance of selection is ${round(minProbability)}${selection.optimal ? '' : ' (the time limit stopped the search early)'}.`,
      `Took ${seconds.toFixed(1)} seconds.`,
      `Wrote ${files.map(([name]) => name).join(', ')} to ${outDir}.`,
      '',
    ].join('\n'),
  );
  return 0;
}

function parseSelectArgs(argv: string[]): SelectArgs | 'help' {
  let parsed: ReturnType<typeof parseSelectOptions>;
  try {
    parsed = parseSelectOptions(argv);
  } catch (error) {
    // Node's own wording is long and talks about positional arguments; say it plainly.
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message);
    if (unknown) throw new Error(`${unknown[1]} is not an option.`);
    const needsValue = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec((error as Error).message);
    if (needsValue) throw new Error(`${needsValue[1]} needs a value.`);
    throw error;
  }
  const { positionals, values } = parsed;
  if (values.help) return 'help';
  const [sub, ...extra] = positionals;
  if (sub !== 'select' && sub !== 'replace') {
    throw new Error(
      sub
        ? `"${sub}" is not a sortition command; use select or replace.`
        : 'Say what to do: select or replace.',
    );
  }
  if (extra.length)
    throw new Error(`Unexpected ${extra.join(' ')}; the files are given with --features and --people.`);
  if (!values.features) throw new Error('Give the features file with --features.');
  if (!values.people) throw new Error('Give the people file with --people.');
  let replace: SelectArgs['replace'];
  if (sub === 'replace') {
    if (values.k !== undefined) throw new Error('replace keeps the panel its size; leave out --k.');
    if (!values.panel) throw new Error('Give the current panel file with --panel.');
    const dropped = (values.dropped ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    if (!dropped.length) throw new Error('Give the ids of the members who dropped out with --dropped.');
    replace = { panelFile: values.panel, dropped };
  } else if (values.panel !== undefined || values.dropped !== undefined) {
    throw new Error('--panel and --dropped are for replace, not select.');
  }
  if (values.k === undefined && !replace) throw new Error('Give the panel size with --k.');
  // replace takes its size from the panel file once it is read; 1 only holds the place.
  const k = replace ? 1 : positiveWhole(values.k ?? '');
  if (k === undefined)
    throw new Error(`--k is "${values.k}"; the panel size must be a whole number of 1 or more.`);
  if (!(ALGORITHMS as readonly string[]).includes(values.algorithm)) {
    throw new Error(`"${values.algorithm}" is not an algorithm; use one of ${ALGORITHMS.join(', ')}.`);
  }
  const lotterySize = positiveWhole(values['lottery-size']);
  if (lotterySize === undefined) {
    throw new Error(`--lottery-size is "${values['lottery-size']}"; it must be a whole number of 1 or more.`);
  }
  if (values.random !== undefined && values.seed !== undefined) {
    throw new Error('Give --random or --seed, not both.');
  }
  let random: RandomSource | undefined;
  if (values.random !== undefined) {
    const n = /^\d+$/.test(values.random) ? Number(values.random) : Number.NaN;
    if (!(n < lotterySize)) {
      throw new Error(
        `--random is "${values.random}"; it must be a panel number from 0 to ${lotterySize - 1} (the lottery holds ${lotterySize}).`,
      );
    }
    random = { kind: 'number', value: n };
  } else if (values.seed !== undefined) {
    if (!values.seed.trim()) throw new Error('--seed is blank; give the agreed seed text.');
    random = { kind: 'seed', value: values.seed };
  }
  let timeLimit: number | undefined;
  if (values['time-limit'] !== undefined) {
    timeLimit = /^\d+(\.\d+)?$/.test(values['time-limit']) ? Number(values['time-limit']) : Number.NaN;
    if (!(timeLimit > 0)) {
      throw new Error(`--time-limit is "${values['time-limit']}"; give a number of seconds above 0.`);
    }
  }
  let addressColumns: string[] | undefined;
  if (values['address-columns'] !== undefined) {
    addressColumns = values['address-columns'].split(',').map((c) => c.trim());
    if (addressColumns.some((c) => !c)) {
      throw new Error('--address-columns has a blank name; give column names separated by commas.');
    }
  }
  return {
    replace,
    featuresFile: values.features,
    peopleFile: values.people,
    k,
    algorithm: values.algorithm as Algorithm,
    lotterySize,
    random,
    timeLimit,
    idColumn: values['id-column'],
    addressColumns,
    out: values.out ?? '.',
  };
}

function parseSelectOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      features: { type: 'string' },
      people: { type: 'string' },
      k: { type: 'string' },
      algorithm: { type: 'string', default: 'leximin' },
      'lottery-size': { type: 'string', default: '1000' },
      random: { type: 'string' },
      seed: { type: 'string' },
      'time-limit': { type: 'string' },
      'id-column': { type: 'string' },
      'address-columns': { type: 'string' },
      out: { type: 'string' },
      panel: { type: 'string' },
      dropped: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The replacement problem for `replace`, or a message saying what is wrong with the panel file. */
function replacementFor(
  problem: SelectionProblem,
  replace: NonNullable<SelectArgs['replace']>,
): SelectionProblem | string {
  const read = readInput(replace.panelFile);
  if (read.error !== undefined) return read.error;
  let rows: string[][];
  try {
    rows = parse(read.text, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch {
    return `${replace.panelFile} is not a CSV file`;
  }
  const indexOf = new Map(problem.people.map((person, i) => [person.id, i]));
  const panel: number[] = [];
  const unknown: string[] = [];
  for (const row of rows.slice(1)) {
    const id = (row[0] ?? '').trim();
    const i = indexOf.get(id);
    if (i === undefined) unknown.push(id);
    else panel.push(i);
  }
  if (unknown.length) {
    return `${replace.panelFile} names ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ' and others' : ''}, who are not in the people file`;
  }
  if (!panel.length) return `${replace.panelFile} has nobody on it`;
  const notOnPanel = replace.dropped.filter((id) => {
    const i = indexOf.get(id);
    return i === undefined || !panel.includes(i);
  });
  if (notOnPanel.length)
    return `--dropped names ${notOnPanel.join(', ')}, who ${notOnPanel.length === 1 ? 'is' : 'are'} not on the panel`;
  return replacementProblem(
    { ...problem, k: panel.length },
    panel,
    replace.dropped.map((id) => indexOf.get(id) as number),
  );
}

function positiveWhole(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

function readInput(file: string): { text: string; error?: undefined } | { text?: undefined; error: string } {
  try {
    return { text: fs.readFileSync(file, 'utf8') };
  } catch (error) {
    return { error: describeFsError(error, file) };
  }
}

function describeFsError(error: unknown, file?: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (file && code === 'ENOENT') return `there is no file at ${file}`;
  if (file && code === 'EISDIR') return `${file} is a folder, not a CSV file`;
  if (code === 'EACCES' || code === 'EPERM')
    return file ? `${file} may not be read (permission denied)` : 'permission denied';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'part of the path is a file, not a folder';
  if (code) return file ? `${file} could not be read (${code})` : `the system said ${code}`;
  throw error;
}

function listProblems(file: string, messages: string[]): string {
  const shown = messages.slice(0, MAX_MESSAGES_SHOWN).map((m) => `  ${m}`);
  if (messages.length > shown.length) shown.push(`  … and ${messages.length - shown.length} more.`);
  const count = messages.length === 1 ? 'a problem' : `${messages.length} problems`;
  return `${file} has ${count}; nothing was chosen:\n${shown.join('\n')}`;
}

const ALGORITHM_LABELS: Record<Algorithm, string> = {
  leximin: 'LEXIMIN',
  maximin: 'Maximin',
  legacy: 'Legacy',
};

function describeProgress(algorithm: Algorithm, p: Progress): string {
  if (p.share !== undefined)
    return `${ALGORITHM_LABELS[algorithm]}: everyone has at least ${percent(p.share)} of the chance the fairest fractional panels would give, smallest chance at least ${round(p.minimum)}, ${Math.round(p.seconds)}s`;
  return `${ALGORITHM_LABELS[algorithm]} level ${p.level}: ${p.fixed} of ${p.n} people fixed, smallest chance ${round(p.minimum)}, ${Math.round(p.seconds)}s`;
}

/**
 * A share as a percentage for people to read, rounded down so that 99.997% never shows as 100%.
 * The tiny addition keeps binary fractions such as 0.57 × 10,000 = 5,699.999… at 57.00%.
 */
function percent(share: number): string {
  return `${(Math.floor(share * 10_000 + 1e-6) / 100).toFixed(2)}%`;
}

/** A chance to 4 significant places for people to read (the files hold 10 decimal places). */
function round(p: number): string {
  if (p === 0) return '0';
  // toFixed, unlike String, never writes a small chance as 1e-7.
  return Number(p.toPrecision(4))
    .toFixed(12)
    .replace(/\.?0+$/, '');
}

/** A 32-bit seed for the legacy selector, taken from the run's random number or seed. */
function seedNumber(random: RandomSource): number {
  return crypto.createHash('sha256').update(`${random.kind}:${random.value}`).digest().readUInt32BE(0);
}

/**
 * `kith sortition draw`: re-checks a draw from the published lottery.csv and the public number,
 * seed or summary.json, with no other input, so an observer need trust nothing but the files.
 */
async function runDraw(argv: string[], io: Io): Promise<number> {
  let values: {
    lottery?: string;
    summary?: string;
    random?: string;
    seed?: string;
    panel?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        lottery: { type: 'string' },
        summary: { type: 'string' },
        random: { type: 'string' },
        seed: { type: 'string' },
        panel: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    const unknown = /Unknown option '([^']+)'|Unexpected argument '([^']+)'/.exec((error as Error).message);
    const what = unknown ? `${unknown[1] ?? unknown[2]} is not an option of draw.` : (error as Error).message;
    io.err(`kith sortition draw: ${what}\n\n${SORTITION_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(SORTITION_HELP);
    return 0;
  }
  const usage = (message: string) => {
    io.err(`kith sortition draw: ${message}\n\n${SORTITION_HELP}`);
    return 2;
  };
  const fail = (message: string) => {
    io.err(`kith sortition draw: ${message}\n`);
    return 1;
  };
  if (!values.lottery) return usage('Give the lottery file with --lottery.');
  const given = [values.summary, values.random, values.seed].filter((v) => v !== undefined).length;
  if (given !== 1) return usage('Give one of --summary, --random or --seed.');

  const lotteryText = readInput(values.lottery);
  if (lotteryText.error !== undefined) return fail(lotteryText.error);
  let rows: Record<string, string>[];
  try {
    rows = parse(lotteryText.text, { bom: true, columns: true, skip_empty_lines: true, trim: true });
  } catch {
    return fail(`${values.lottery} is not a CSV file`);
  }
  const panels: string[][] = [];
  for (const [i, row] of rows.entries()) {
    const number = /^\d+$/.test(row.panel ?? '') ? Number(row.panel) : Number.NaN;
    if (!Number.isSafeInteger(number) || !row.id) {
      return fail(`${values.lottery} row ${i + 2} needs a panel number and an id (columns panel,id)`);
    }
    // Every panel has a member, so a number beyond the row count leaves a gap below it.
    if (number >= rows.length)
      return fail(
        `${values.lottery} row ${i + 2} has panel ${number}; panels must be numbered from 0 without gaps`,
      );
    const members = panels[number] ?? [];
    members.push(row.id);
    panels[number] = members;
  }
  const m = panels.length;
  const gap = Array.from({ length: m }, (_, i) => i).find((i) => !panels[i]);
  if (m === 0) return fail(`${values.lottery} has no panels`);
  if (gap !== undefined)
    return fail(`${values.lottery} has no panel ${gap}; panels must be numbered 0 to ${m - 1}`);

  let random: RandomSource;
  let expectedPanel: number | undefined;
  if (values.summary !== undefined) {
    const summaryText = readInput(values.summary);
    if (summaryText.error !== undefined) return fail(summaryText.error);
    let summary: Record<string, unknown>;
    try {
      summary = JSON.parse(summaryText.text) as Record<string, unknown>;
    } catch {
      return fail(`${values.summary} is not JSON`);
    }
    if (typeof summary.random === 'number') random = { kind: 'number', value: summary.random };
    else if (typeof summary.random === 'string') random = { kind: 'seed', value: summary.random };
    else return fail(`${values.summary} has no "random" number or seed`);
    if (summary.lottery_size !== undefined && summary.lottery_size !== m) {
      return fail(
        `${values.summary} says the lottery has ${summary.lottery_size} panels, but ${values.lottery} has ${m}`,
      );
    }
    if (typeof summary.panel === 'number') expectedPanel = summary.panel;
  } else if (values.random !== undefined) {
    if (!/^\d+$/.test(values.random)) return usage(`--random is "${values.random}"; give a whole number.`);
    random = { kind: 'number', value: Number(values.random) };
  } else {
    random = { kind: 'seed', value: values.seed ?? '' };
  }
  let index: number;
  try {
    index = drawIndex(m, random);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (expectedPanel !== undefined && expectedPanel !== index) {
    return fail(
      `${values.summary} says panel ${expectedPanel} was drawn, but its ${random.kind === 'number' ? 'number' : 'seed'} draws panel ${index}`,
    );
  }
  const drawn = panels[index] ?? [];
  const how =
    random.kind === 'number'
      ? `the public random number ${random.value}`
      : `seed ${random.value}: SHA-256 of the seed, mod ${m}`;
  io.out(
    `Drew panel ${index} of the lottery's ${m} (${how}). Its ${drawn.length} members:\n${drawn.join('\n')}\n`,
  );

  if (values.panel === undefined) return 0;
  const panelText = readInput(values.panel);
  if (panelText.error !== undefined) return fail(panelText.error);
  let panelRows: string[][];
  try {
    panelRows = parse(panelText.text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    });
  } catch {
    return fail(`${values.panel} is not a CSV file`);
  }
  const claimed = panelRows.slice(1).map((row) => row[0] ?? '');
  const missing = drawn.filter((id) => !claimed.includes(id));
  const extra = claimed.filter((id) => !drawn.includes(id));
  if (!missing.length && !extra.length && claimed.length === drawn.length) {
    io.out(`${values.panel} is exactly panel ${index}.\n`);
    return 0;
  }
  return fail(
    [
      `${values.panel} is not panel ${index}.`,
      missing.length ? `On panel ${index} but not in ${values.panel}: ${missing.join(', ')}.` : '',
      extra.length ? `In ${values.panel} but not on panel ${index}: ${extra.join(', ')}.` : '',
    ]
      .filter(Boolean)
      .join(' '),
  );
}

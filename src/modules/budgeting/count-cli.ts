/**
 * `kith pb count FILE.pb`: recount any participatory budget from its pabulib file under any rule,
 * with no database or server. The `--json` output is a public interface (docs/pb-rules.md).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { PabulibError, parsePabulib } from '../../lib/pabulib/index.js';
import { count, resultToJson } from '../../lib/pb-rules/count.js';
import { electionFromPabulib, PbCountError } from '../../lib/pb-rules/from-pabulib.js';
import { ADD1_STOPS, type Add1Stop, MesError } from '../../lib/pb-rules/mes.js';
import { formatMoney } from '../../lib/pb-rules/money-text.js';
import { COMPLETIONS, type Completion, RULES, type RuleName } from '../../lib/pb-rules/result.js';
import { DEFAULT_TIE_BREAK, parseTieBreak, TieBreakError } from '../../lib/pb-rules/tie-break.js';

export const PB_HELP = `Usage: kith pb count FILE.pb [options]

Counts the votes in a pabulib file and prints the funded projects, what was spent, and why each
project was or was not funded.

Options:
  --rule RULE          ${RULES.join(' | ')} (default mes-cost)
  --completion C       ${COMPLETIONS.join(' | ')}: how the Method of Equal Shares spends what
                       it leaves over (default add1u; other rules ignore it)
  --tie-break LIST     the order ties are broken in, from supporters, cost and id
                       (default ${DEFAULT_TIE_BREAK.join(',')}; id is always added last)
  --add1-stop S        exhaustive | overspend: with add1, stop raising shares as soon as
                       nothing more fits (default, as equalshares.net's defaults), or only
                       when the next share would overspend (as Wieliczka 2023 counted)
  --json               print one JSON object instead (see docs/pb-rules.md)
`;

const MAX_WARNINGS_SHOWN = 10;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs `kith pb …`; returns the exit code (0 counted, 1 the file could not be counted, 2 usage). */
export async function runPbCli(argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseCountArgs>;
  try {
    parsed = parseCountArgs(argv);
  } catch (error) {
    io.err(`kith pb: ${(error as Error).message}\n\n${PB_HELP}`);
    return 2;
  }
  if (parsed === 'help') {
    io.out(PB_HELP);
    return 0;
  }
  const { file, rule, completion, add1Stop, tieBreak, json } = parsed;

  let read: Awaited<ReturnType<typeof parsePabulib>>;
  try {
    read = await parsePabulib(fs.createReadStream(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') io.err(`kith pb count: there is no file at ${file}\n`);
    else if (code === 'EISDIR') io.err(`kith pb count: ${file} is a folder, not a .pb file\n`);
    else if (error instanceof PabulibError) io.err(`kith pb count: ${file}: ${error.message}\n`);
    else throw error;
    return 1;
  }
  const shown = read.warnings.slice(0, MAX_WARNINGS_SHOWN);
  for (const w of shown) io.err(`Warning: line ${w.line}: ${w.message}\n`);
  if (read.warnings.length > shown.length)
    io.err(`… and ${read.warnings.length - shown.length} more warnings.\n`);

  let counted: {
    election: ReturnType<typeof electionFromPabulib>['election'];
    result: ReturnType<typeof count>;
  };
  try {
    const { election, notes } = electionFromPabulib(read.file);
    counted = { election, result: count(election, { rule, completion, add1Stop, tieBreak, notes }) };
  } catch (error) {
    if (error instanceof PbCountError || error instanceof MesError) {
      io.err(`kith pb count: ${file}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const { election, result } = counted;
  if (json) {
    io.out(`${JSON.stringify(resultToJson(result, election))}\n`);
    return 0;
  }

  const meta = new Map(read.file.meta);
  const money = (units: bigint) => formatMoney(units, election);
  const name = (p: number) => {
    const project = election.projects[p];
    return project ? `[${project.id}] ${project.name}` : String(p);
  };
  const lines: string[] = [];
  const title = [meta.get('description'), meta.get('unit'), meta.get('instance')].filter(Boolean).join(', ');
  if (title) lines.push(title);
  lines.push(
    `${election.voters.toLocaleString('en-GB')} ballots (${meta.get('vote_type')}), ${election.projects.length} projects, budget ${money(election.budget)}`,
    `Counted by ${rule}${rule.startsWith('mes-') ? ` with ${completion} completion${completion === 'none' ? '' : ` (stopping when ${add1Stop === 'exhaustive' ? 'nothing more fits' : 'the next share would overspend'})`}` : ''}; ties broken by ${result.tieBreak.join(', then ')}.`,
    '',
    result.selected.length ? 'Funded, in order of selection:' : 'No project was funded.',
  );
  result.selected.forEach((p, i) => {
    lines.push(`  ${String(i + 1).padStart(3)}. ${name(p)}: ${money(election.projects[p]?.cost ?? 0n)}`);
  });
  lines.push('', `Spent ${money(result.spent)} of ${money(result.budget)}.`, ...result.summary);
  if (result.notes.length) lines.push('', ...result.notes.map((n) => `Note: ${n}`));
  lines.push('', 'Why each project was or was not funded:');
  const order = [
    ...result.selected,
    ...election.projects.map((_, p) => p).filter((p) => !result.selected.includes(p)),
  ];
  for (const p of order) lines.push(`  ${name(p)}: ${result.explanations[p]?.text ?? ''}`);
  io.out(`${lines.join('\n')}\n`);
  return 0;
}

function parseCountArgs(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      rule: { type: 'string', default: 'mes-cost' },
      completion: { type: 'string', default: 'add1u' },
      'tie-break': { type: 'string', default: DEFAULT_TIE_BREAK.join(',') },
      'add1-stop': { type: 'string', default: 'exhaustive' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help' as const;
  const [sub, file, ...extra] = positionals;
  if (sub !== 'count')
    throw new Error(sub ? `"${sub}" is not a pb command; use count.` : 'Say what to do: count.');
  if (!file) throw new Error('Give the .pb file to count.');
  if (extra.length) throw new Error(`Count one file at a time (also given: ${extra.join(' ')}).`);
  if (!(RULES as readonly string[]).includes(values.rule))
    throw new Error(`"${values.rule}" is not a rule; use one of ${RULES.join(', ')}.`);
  if (!(COMPLETIONS as readonly string[]).includes(values.completion))
    throw new Error(`"${values.completion}" is not a completion; use one of ${COMPLETIONS.join(', ')}.`);
  if (!(ADD1_STOPS as readonly string[]).includes(values['add1-stop']))
    throw new Error(`"${values['add1-stop']}" is not an add1 stop; use exhaustive or overspend.`);
  let tieBreak: ReturnType<typeof parseTieBreak>;
  try {
    tieBreak = parseTieBreak(values['tie-break']);
  } catch (error) {
    if (error instanceof TieBreakError) throw new Error(error.message);
    throw error;
  }
  return {
    file,
    rule: values.rule as RuleName,
    completion: values.completion as Completion,
    add1Stop: values['add1-stop'] as Add1Stop,
    tieBreak,
    json: values.json,
  };
}

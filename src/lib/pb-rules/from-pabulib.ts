/**
 * Turns a parsed pabulib file into an election to count. Money becomes exact integers: the
 * budget and every cost are scaled by the same power of ten (enough for the most decimals any of
 * them is written with), straight from the digits, never through floating point.
 */
import type { PbFile } from '../pabulib/types.js';
import type { BallotKind, Election, ElectionProject } from './election.js';

/** A file that cannot be counted, with a message that says where and why. */
export class PbCountError extends Error {}

const AMOUNT = /^(\d+)(?:\.(\d+))?$/;
const MAX_POINTS = 2 ** 32 - 1;

function parseAmount(text: string, what: string): { whole: string; decimals: string } {
  const m = AMOUNT.exec(text.trim());
  if (!m)
    throw new PbCountError(`${what} must be an amount of money such as 1000 or 1000.50, not "${text}".`);
  return { whole: m[1] as string, decimals: m[2] ?? '' };
}

function kindOf(voteType: string | undefined): BallotKind {
  switch (voteType?.trim().toLowerCase()) {
    case 'approval':
    case 'choose-1':
      return 'approval';
    case 'ordinal':
      return 'ordinal';
    case 'cumulative':
      return 'cumulative';
    case 'scoring':
      return 'scoring';
    case undefined:
    case '':
      throw new PbCountError('The META section has no vote_type, so the ballots cannot be read.');
    default:
      throw new PbCountError(
        `The vote_type "${voteType}" is not one we can count: use approval, choose-1, ordinal, cumulative or scoring.`,
      );
  }
}

export function electionFromPabulib(file: PbFile): { election: Election; notes: string[] } {
  const meta = new Map(file.meta.map(([k, v]) => [k.trim().toLowerCase(), v]));
  const ballotKind = kindOf(meta.get('vote_type'));
  const budgetText = meta.get('budget');
  if (budgetText === undefined) throw new PbCountError('The META section has no budget.');

  const budgetAmount = parseAmount(budgetText, 'The budget in META');
  const costAmounts = file.projects.map((p) =>
    parseAmount(p.cost, `The cost of project ${p.id}${p.line ? ` (line ${p.line})` : ''}`),
  );
  const decimals = Math.max(budgetAmount.decimals.length, ...costAmounts.map((a) => a.decimals.length));
  const toUnits = (a: { whole: string; decimals: string }): bigint =>
    BigInt(a.whole + a.decimals.padEnd(decimals, '0'));

  const index = new Map<string, number>();
  const projects: ElectionProject[] = file.projects.map((p, i) => {
    if (index.has(p.id))
      throw new PbCountError(
        `Project ${p.id} is listed twice in PROJECTS${p.line ? ` (line ${p.line})` : ''}.`,
      );
    index.set(p.id, i);
    return {
      id: p.id,
      name: p.fields.name?.trim() || p.id,
      cost: toUnits(costAmounts[i] as { whole: string; decimals: string }),
    };
  });

  const withPoints = ballotKind === 'cumulative' || ballotKind === 'scoring';
  const offsets = new Uint32Array(file.votes.length + 1);
  let total = 0;
  file.votes.forEach((v, i) => {
    total += v.vote.length;
    offsets[i + 1] = total;
  });
  const approvals = new Uint32Array(total);
  const points = withPoints ? new Uint32Array(total) : null;
  // seenBy[p] = 1 + the last ballot naming p, to find a project named twice on one ballot.
  const seenBy = new Uint32Array(projects.length);
  let zeroEntries = 0;
  let zeroBallots = 0;
  let at = 0;
  file.votes.forEach((vote, v) => {
    const where = `Voter ${vote.voterId}${vote.line ? ` (line ${vote.line})` : ''}`;
    if (withPoints && (vote.points === undefined || vote.points.length !== vote.vote.length))
      throw new PbCountError(`${where} must give points for each project voted for, one for one.`);
    let zeroHere = false;
    vote.vote.forEach((id, k) => {
      if (id === '') return; // an empty ballot written as an empty field
      const p = index.get(id);
      if (p === undefined)
        throw new PbCountError(`${where} votes for project ${id}, which is not in PROJECTS.`);
      if (seenBy[p] === v + 1) throw new PbCountError(`${where} votes for project ${id} more than once.`);
      seenBy[p] = v + 1;
      if (points) {
        const w = vote.points?.[k] as number;
        if (!Number.isInteger(w) || w < 0 || w > MAX_POINTS)
          throw new PbCountError(
            `${where} gives project ${id} ${w} points; points must be whole numbers, 0 or more.`,
          );
        // A ballot supports a project only when it gives it points; a 0 would make it a
        // supporter for Phragmén, Equal Shares and the tie-break without any support.
        if (w === 0) {
          zeroEntries++;
          zeroHere = true;
          return;
        }
        points[at] = w;
      }
      approvals[at++] = p;
    });
    if (zeroHere) zeroBallots++;
    offsets[v + 1] = at;
  });

  const notes: string[] = [];
  if (ballotKind === 'ordinal')
    notes.push('Ordinal ballots were counted as approval of every project ranked.');
  if (zeroEntries > 0)
    notes.push(
      `${zeroEntries} ${zeroEntries === 1 ? 'vote' : 'votes'} with 0 points on ${zeroBallots} ${
        zeroBallots === 1 ? 'ballot was' : 'ballots were'
      } left out: a ballot supports a project only when it gives it points.`,
    );

  return {
    election: {
      budget: toUnits(budgetAmount),
      scale: 10n ** BigInt(decimals),
      currency: (meta.get('currency') ?? '').trim().toUpperCase(),
      projects,
      ballotKind,
      voters: file.votes.length,
      offsets,
      approvals: at === total ? approvals : approvals.slice(0, at),
      points: points && (at === total ? points : points.slice(0, at)),
    },
    notes,
  };
}

/**
 * Tie-breaking, explicit and recorded: when a rule finds two projects equally good it orders them
 * by these keys in turn. `supporters`: more ballots naming the project first; `cost`: cheaper
 * first; `id`: plain string order of project ids (code-unit order, as research tools compare
 * strings). Project ids are unique, so a list that ends in `id` always decides.
 */
export const TIE_BREAK_KEYS = ['supporters', 'cost', 'id'] as const;
export type TieBreakKey = (typeof TIE_BREAK_KEYS)[number];

export const DEFAULT_TIE_BREAK: readonly TieBreakKey[] = ['supporters', 'cost', 'id'];

export class TieBreakError extends Error {}

/** Reads `supporters,cost,id`; `id` is added at the end when missing so that every tie is decided. */
export function parseTieBreak(list: string): TieBreakKey[] {
  const keys = list
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (keys.length === 0) throw new TieBreakError('Give at least one tie-break: supporters, cost or id.');
  const out: TieBreakKey[] = [];
  for (const k of keys) {
    if (!(TIE_BREAK_KEYS as readonly string[]).includes(k))
      throw new TieBreakError(
        `"${k}" is not a tie-break. Use a list of supporters, cost and id, such as supporters,cost,id.`,
      );
    if (out.includes(k as TieBreakKey)) throw new TieBreakError(`The tie-break "${k}" is listed twice.`);
    out.push(k as TieBreakKey);
  }
  if (!out.includes('id')) out.push('id');
  return out;
}

/**
 * A comparator over project indexes: negative when a wins the tie against b.
 * `supporters[p]` is the number of ballots naming project p.
 */
type Project = { id: string; cost: bigint };

export function tieBreakComparator(
  keys: readonly TieBreakKey[],
  projects: ReadonlyArray<Project>,
  supporters: ArrayLike<number>,
): (a: number, b: number) => number {
  return (a, b) => {
    for (const key of keys) {
      if (key === 'supporters') {
        const sa = supporters[a] ?? 0;
        const sb = supporters[b] ?? 0;
        if (sa !== sb) return sb - sa;
      } else if (key === 'cost') {
        const ca = (projects[a] as Project).cost;
        const cb = (projects[b] as Project).cost;
        if (ca !== cb) return ca < cb ? -1 : 1;
      } else {
        const ia = (projects[a] as Project).id;
        const ib = (projects[b] as Project).id;
        if (ia !== ib) return ia < ib ? -1 : 1;
      }
    }
    return 0;
  };
}

/**
 * Respondents who share every feature value and whom no rule singles out (no household shared
 * with someone else in the pool, not required, not excluded) are interchangeable: swapping two of
 * them turns every panel that meets the quotas into another that does. LEXIMIN's chances are
 * unique, so by that symmetry it gives them equal chances, and the engine can search over *types*
 * instead of people: a type panel says how many of each type sit on it, not which ones. The
 * benchmark's 2,000-person pool has 837 types, and every program the engine solves shrinks with
 * them. People in a shared household, required or excluded are each a type of their own.
 */
import { type PanelRow, panelRows } from './panel-model.js';
import type { SelectionProblem } from './types.js';

export interface RespondentTypes {
  /** The people of each type, in pool order. */
  members: number[][];
  /** The type of each person. */
  typeOf: Int32Array;
  /** The fewest and most of each type a panel may hold (required 1 and 1, excluded 0 and 0). */
  lower: Int32Array;
  upper: Int32Array;
  /** The panel program's rows, with types (each counted as its number on the panel) as members. */
  rows: PanelRow[];
}

/**
 * Groups the pool into types. With `aggregate` false everyone is a type of their own, which is
 * the plain per-person program (the tests compare the two).
 */
export function groupRespondents(problem: SelectionProblem, aggregate = true): RespondentTypes {
  const personRows = panelRows(problem);
  const singledOut = new Set([...(problem.required ?? []), ...(problem.excluded ?? [])]);
  for (const row of personRows) {
    if (row.label.kind === 'household') for (const i of row.members) singledOut.add(i);
  }
  const members: number[][] = [];
  const typeOf = new Int32Array(problem.people.length);
  const typeOfValues = new Map<string, number>();
  problem.people.forEach((person, i) => {
    // JSON keeps values containing any separator apart.
    const key = aggregate && !singledOut.has(i) ? JSON.stringify(person.values) : null;
    let t = key === null ? undefined : typeOfValues.get(key);
    if (t === undefined) {
      t = members.length;
      members.push([]);
      if (key !== null) typeOfValues.set(key, t);
    }
    members[t]?.push(i);
    typeOf[i] = t;
  });
  const lower = new Int32Array(members.length);
  const upper = Int32Array.from(members, (list) => list.length);
  for (const i of problem.required ?? []) lower[typeOf[i] as number] = 1;
  for (const i of problem.excluded ?? []) upper[typeOf[i] as number] = 0;
  // A type's members share every feature value and no household row holds two of a type, so a
  // row holds all of a type or none of it.
  const rows = personRows.map((row) => ({
    ...row,
    members: [...new Set(row.members.map((i) => typeOf[i] as number))],
  }));
  return { members, typeOf, lower, upper, rows };
}

/** How many of each type sit on a type panel (a sorted list of types, one entry per seat). */
export function typeCounts(panel: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const t of panel) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

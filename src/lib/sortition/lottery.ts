/**
 * The transparent lottery of Flanigan, Kehne & Procaccia, "Fair Sortition Made Transparent"
 * (NeurIPS 2021). A distribution over panels has irrational-looking weights that nobody can draw
 * from by hand; a uniform lottery over m panels (a panel may appear several times) can be drawn
 * with dice in public. Each panel C gets a whole count z_C, rounded from m·w_C either down or up,
 * the counts summing to m, chosen by an integer program so that every person's count stays as
 * close as possible to m times their chance in the distribution.
 */
import type { Model } from 'highs';
import { uniformChances } from './chances.js';
import { getHighs } from './highs.js';
import type { Distribution, Lottery } from './types.js';

/** How long the integer program may search before the best rounding found so far is used (default). */
const TIME_LIMIT_SECONDS = 20;
/** m·w_C within this of a whole number is that number (float noise from the LP, not a real fraction). */
const SNAP = 1e-9;
/** Steps of local search allowed per pass (about a second or two each on a laptop). */
const WORK_BUDGET = 30_000_000;

export async function makeLottery(
  distribution: Distribution,
  n: number,
  m = 1000,
  options: { timeLimitSeconds?: number } = {},
): Promise<Lottery> {
  const { panels, weights } = distribution;
  checkInput(distribution, n, m);

  // Weights that sum to 1 ± float noise are rescaled to sum to exactly 1 (as near as floats go),
  // so the whole parts and fractions below add up to m.
  const total = weights.reduce((sum, w) => sum + w, 0);
  const scaled = weights.map((w) => snap((m * w) / total));
  const floors = scaled.map(Math.floor);
  const fractions = scaled.map((x, c) => x - (floors[c] as number));

  const fractional = scaled.flatMap((_, c) => ((fractions[c] as number) > 0 ? [c] : []));
  // How many of the fractional panels must be rounded up so the counts reach m.
  const roundUps = m - floors.reduce((sum, f) => sum + f, 0);
  if (roundUps < 0 || roundUps > fractional.length) {
    throw new Error(`The panel weights do not add up to 1, so no lottery of ${m} panels matches them`);
  }

  const roundedUp = await chooseRoundUps(
    panels,
    fractions,
    fractional,
    roundUps,
    options.timeLimitSeconds ?? TIME_LIMIT_SECONDS,
  );
  const counts = floors.map((f, c) => f + (roundedUp.has(c) ? 1 : 0));

  // Panels in the distribution's order, each repeated by its count, so the same counts always
  // give the same numbered list. (The counts themselves are the same from run to run unless the
  // time limit cut the search short: then a faster machine may find a different rounding. The
  // lottery file is published before the draw, so the published list is the one that counts.)
  const lotteryPanels: number[][] = [];
  counts.forEach((count, c) => {
    for (let r = 0; r < count; r++) lotteryPanels.push([...(panels[c] as number[])]);
  });

  const lotteryChances = uniformChances(lotteryPanels, n);
  const maxDeviation = lotteryChances.reduce(
    (worst, chance, i) => Math.max(worst, Math.abs(chance - (distribution.probabilities[i] ?? 0))),
    0,
  );
  return { panels: lotteryPanels, probabilities: lotteryChances, maxDeviation };
}

function checkInput(distribution: Distribution, n: number, m: number): void {
  const { panels, weights } = distribution;
  if (!Number.isInteger(m) || m < 1)
    throw new Error(`The lottery size must be a whole number above 0 (it is ${m})`);
  if (panels.length === 0) throw new Error('The distribution has no panels');
  if (weights.length !== panels.length) {
    throw new Error(`The distribution has ${panels.length} panels but ${weights.length} weights`);
  }
  if (weights.some((w) => !Number.isFinite(w) || w < 0)) {
    throw new Error('Every panel weight must be a number of at least 0');
  }
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (Math.abs(total - 1) > 1e-6)
    throw new Error(`The panel weights must add up to 1 (they add up to ${total})`);
  for (const panel of panels) {
    if (panel.some((person) => !Number.isInteger(person) || person < 0 || person >= n)) {
      throw new Error(`A panel names a person who is not among the ${n} people`);
    }
  }
}

function snap(x: number): number {
  const nearest = Math.round(x);
  return Math.abs(x - nearest) <= SNAP ? nearest : x;
}

/**
 * Which fractional panels to round up. Person i's count minus m·π_i is the sum, over the
 * fractional panels they sit on, of (1 if rounded up) − fraction; whole panels add nothing.
 * Minimise the largest such |deviation| with binary y_C and a continuous bound d. A deviation
 * below 1 (i.e. 1/m in chance) is usual for small inputs, but not guaranteed: for many panels
 * with many people on each, the best rounding can be worse, and the time limit may stop the
 * search before the best is found. The caller reports the deviation actually reached.
 */
async function chooseRoundUps(
  panels: number[][],
  fractions: number[],
  fractional: number[],
  roundUps: number,
  timeLimitSeconds: number,
): Promise<Set<number>> {
  const start = systematicRounding(fractions, fractional, roundUps);
  if (roundUps === 0 || roundUps === fractional.length) return new Set(start);

  // For each person on a fractional panel: which of those panels (as column numbers) and their target.
  const seats = new Map<number, { columns: number[]; target: number }>();
  fractional.forEach((c, column) => {
    for (const person of panels[c] as number[]) {
      const seat = seats.get(person) ?? { columns: [], target: 0 };
      seat.columns.push(column);
      seat.target += fractions[c] as number;
      seats.set(person, seat);
    }
  });
  const startSet = improveBySwaps(fractional, seats, new Set(start));
  const startDeviation = worstDeviation(seats, (column) => startSet.has(fractional[column] as number));

  const highs = await getHighs();
  const yCount = fractional.length;
  const d = yCount; // the last column: the largest deviation
  // Rows, as sparse (column, coefficient) lists: first "exactly roundUps panels are rounded up"
  // (so the counts add up to m), then per person Σ y − d ≤ target and Σ y + d ≥ target.
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const addRow = (lower: number, upper: number, columns: number[], dCoefficient: number) => {
    for (const column of columns) {
      indices.push(column);
      values.push(1);
    }
    if (dCoefficient !== 0) {
      indices.push(d);
      values.push(dCoefficient);
    }
    starts.push(indices.length);
    rowLower.push(lower);
    rowUpper.push(upper);
  };
  addRow(
    roundUps,
    roundUps,
    fractional.map((_, column) => column),
    0,
  );
  for (const { columns, target } of seats.values()) {
    addRow(-highs.infinity, target, columns, -1);
    addRow(target, highs.infinity, columns, 1);
  }
  const { variableType } = highs.constants;
  const model: Model = highs.createModel({
    numCols: yCount + 1,
    numRows: rowLower.length,
    colCost: [...fractional.map(() => 0), 1],
    colLower: new Array<number>(yCount + 1).fill(0),
    colUpper: [...fractional.map(() => 1), highs.infinity],
    rowLower,
    rowUpper,
    matrix: { format: 'csr', numRows: rowLower.length, numCols: yCount + 1, starts, indices, values },
    integrality: [...fractional.map(() => variableType.integer), variableType.continuous],
  });
  try {
    model.options.set({ output_flag: false, time_limit: timeLimitSeconds });
    const startValues = fractional.map((c) => (startSet.has(c) ? 1 : 0));
    model.setSolution({ colValue: [...startValues, startDeviation] });
    model.run();

    // Whatever HiGHS returns (optimal, or the best found when time ran out) is checked here
    // and only used if it is a valid rounding that is at least as good as the start.
    const status = model.info.get('primal_solution_status');
    if (status !== highs.constants.solutionStatus.feasible) return startSet;
    const solution = model.getSolution().colValue;
    const chosen = fractional.filter((_, column) => (solution[column] as number) > 0.5);
    if (chosen.length !== roundUps) return startSet;
    const chosenSet = new Set(chosen);
    const deviation = worstDeviation(seats, (column) => chosenSet.has(fractional[column] as number));
    return deviation <= startDeviation ? chosenSet : startSet;
  } finally {
    model.dispose();
  }
}

/**
 * Systematic rounding in panel order: walk along the fractions laid end to end and round up the
 * panels where the running total crosses a whole number. A fair, deterministic starting point.
 */
function systematicRounding(fractions: number[], fractional: number[], roundUps: number): number[] {
  const up: number[] = [];
  let before = 0;
  for (const c of fractional) {
    const after = before + (fractions[c] as number);
    // Snap so that float noise cannot add or lose a crossing (the total is a whole number).
    if (Math.floor(snap(after)) > Math.floor(snap(before))) up.push(c);
    before = after;
  }
  // Guard against the last crossing being lost or doubled by rounding: fix up at the end.
  while (up.length > roundUps) up.pop();
  for (let i = fractional.length - 1; up.length < roundUps && i >= 0; i--) {
    const c = fractional[i] as number;
    if (!up.includes(c)) up.push(c);
  }
  return up;
}

function worstDeviation(
  seats: Map<number, { columns: number[]; target: number }>,
  isUp: (column: number) => boolean,
): number {
  let worst = 0;
  for (const { columns, target } of seats.values()) {
    const ups = columns.reduce((sum, column) => sum + (isUp(column) ? 1 : 0), 0);
    worst = Math.max(worst, Math.abs(ups - target));
  }
  return worst;
}

type Seats = Map<number, { columns: number[]; target: number }>;

/**
 * Local search from the systematic rounding: repeatedly move one round-up from one panel to
 * another where that most lowers Σ φ(deviation), until no move helps. First with φ = d², which
 * evens everyone out, then with φ = d⁸, which punishes the worst-off people far more than the
 * rest. Cheap next to the integer program, and it hands HiGHS a far better incumbent than the
 * rounding alone. Deterministic: no clock, no randomness, ties to the first pair in panel order.
 */
function improveBySwaps(fractional: number[], seats: Seats, up: Set<number>): Set<number> {
  const isUp = fractional.map((c) => up.has(c));
  const people = [...seats.values()];
  const deviation = people.map(
    ({ columns, target }) => columns.filter((column) => isUp[column]).length - target,
  );
  const members: number[][] = fractional.map(() => []);
  people.forEach(({ columns }, person) => {
    for (const column of columns) (members[column] as number[]).push(person);
  });
  const search = { isUp, deviation, members, mark: new Array<number>(people.length).fill(-1) };
  swapPass(search, (d) => d * d);
  swapPass(search, (d) => (d * d) ** 4);
  return new Set(fractional.filter((_, column) => isUp[column]));
}

interface SwapSearch {
  isUp: boolean[];
  deviation: number[];
  members: number[][];
  mark: number[];
}

function swapPass({ isUp, deviation, members, mark }: SwapSearch, phi: (d: number) => number): void {
  const columnCount = isUp.length;
  const sumOver = (list: number[], values: number[]) =>
    list.reduce((sum, p) => sum + (values[p] as number), 0);
  // The pass counts the work it does and stops at a fixed budget rather than a clock, so large
  // inputs take bounded time and the result does not depend on the machine's speed.
  let budget = WORK_BUDGET;
  for (let step = 0; step < 10 * columnCount && budget > 0; step++) {
    // Moving column u down and v up: people only on u lose 1, people only on v gain 1, people on
    // both keep their deviation (so their two changes, which add up to `both`, are taken back).
    const loss = deviation.map((d) => phi(d - 1) - phi(d));
    const gain = deviation.map((d) => phi(d + 1) - phi(d));
    const both = loss.map((l, p) => l + (gain[p] as number));
    const downChange = members.map((list) => sumOver(list, loss));
    const upChange = members.map((list) => sumOver(list, gain));
    const mostTakenBack = members.map((list) => sumOver(list, both));
    budget -= 3 * deviation.length;
    let best = -1e-9 * deviation.reduce((most, d) => Math.max(most, phi(d)), 1);
    let bestPair: [number, number] | undefined;
    for (let u = 0; u < columnCount; u++) {
      if (!isUp[u]) continue;
      for (const p of members[u] as number[]) mark[p] = u;
      for (let v = 0; v < columnCount; v++) {
        if (isUp[v]) continue;
        budget -= 1;
        let change = (downChange[u] as number) + (upChange[v] as number);
        // Even taking back everything that could be shared, this move is no better: skip it.
        if (change - (mostTakenBack[v] as number) >= best) continue;
        const vMembers = members[v] as number[];
        budget -= vMembers.length;
        for (const p of vMembers) if (mark[p] === u) change -= both[p] as number;
        if (change < best) {
          best = change;
          bestPair = [u, v];
        }
      }
    }
    if (!bestPair) break;
    const [u, v] = bestPair;
    isUp[u] = false;
    isUp[v] = true;
    for (const p of members[u] as number[]) deviation[p] = (deviation[p] as number) - 1;
    for (const p of members[v] as number[]) deviation[p] = (deviation[p] as number) + 1;
  }
}

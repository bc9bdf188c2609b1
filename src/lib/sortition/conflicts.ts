/**
 * When no panel meets the quotas, say which quotas conflict. A deletion filter over the panel
 * program finds a smallest-by-inclusion set of rows that cannot all hold: relax each row in turn
 * and keep it relaxed if the rest still has no panel. What is left must all be loosened together
 * (or one of them) for a panel to exist, so naming those rows is the useful message.
 */
import type { Highs, HighsModel } from './highs.js';
import { getHighs } from './highs.js';
import { createPanelProgram, type PanelRow, panelRows } from './panel-model.js';
import type { SelectionProblem } from './types.js';

export interface QuotaConflict {
  /** Plain-English descriptions of the rows that conflict, e.g. "Gender is Female: at least 11, at most 12". */
  rows: string[];
}

/** Null when some panel meets every quota; otherwise the conflicting rows. */
export async function findQuotaConflict(problem: SelectionProblem): Promise<QuotaConflict | null> {
  const highs = await getHighs();
  const rows = panelRows(problem);
  const model = createPanelProgram(highs, problem, rows);
  try {
    if (hasPanel(highs, model)) return null;
    const kept: PanelRow[] = [];
    rows.forEach((row, r) => {
      model.changeRowBounds(r, -highs.infinity, highs.infinity);
      if (hasPanel(highs, model)) {
        model.changeRowBounds(r, row.min, row.max);
        kept.push(row);
      }
    });
    return { rows: kept.map((row) => describeRow(problem, row)) };
  } finally {
    model.dispose();
  }
}

function hasPanel(highs: Highs, model: HighsModel): boolean {
  model.run();
  return model.getModelStatus() !== highs.constants.modelStatus.infeasible;
}

function describeRow(problem: SelectionProblem, row: PanelRow): string {
  const { label } = row;
  if (label.kind === 'size') return `the panel has ${problem.k} members`;
  if (label.kind === 'household') return `at most one person from the household at "${label.key}"`;
  const range = row.min === row.max ? `exactly ${row.min}` : `at least ${row.min}, at most ${row.max}`;
  return `${label.feature} is ${label.value}: ${range} (${row.members.length} in the pool)`;
}

/**
 * Quotas suggested from population counts: each value's share of the population, the seats
 * that share is of a panel of k, and a band of whole seats either side of it. The bands always
 * hold together (Σ min ≤ k ≤ Σ max), so a suggestion never leaves the selection with no panel.
 */
export type PopulationCount = { value: string; label: string; count: number };

export type QuotaSuggestion = {
  value: string;
  label: string;
  count: number;
  /** count / total, in [0, 1]. */
  share: number;
  /** share · k, the seats that are this value's fair share (not a whole number in general). */
  target: number;
  min: number;
  max: number;
};

/**
 * min = max(0, ⌊target⌋ − tolerance) and max = min(k, ⌈target⌉ + tolerance). Because
 * Σ⌊target⌋ ≤ Σ target = k ≤ Σ⌈target⌉ and every target is at most k, the bands are
 * consistent with no adjustment. Targets are computed as count·k/total (not share·k) so a
 * whole-number target is exactly whole and is not widened by a rounding error.
 */
export function suggestQuotas(
  counts: readonly PopulationCount[],
  panelSize: number,
  tolerance = 1,
): QuotaSuggestion[] {
  if (!Number.isInteger(panelSize) || panelSize < 1)
    throw new RangeError('The panel size must be a whole number above 0');
  if (!Number.isInteger(tolerance) || tolerance < 0)
    throw new RangeError('The tolerance must be a whole number, 0 or more');
  for (const c of counts)
    if (!Number.isFinite(c.count) || c.count < 0)
      throw new RangeError(`The count for ${c.value} must be 0 or more`);
  const total = counts.reduce((s, c) => s + c.count, 0);
  if (total <= 0) throw new RangeError('The population counts add up to nothing');
  return counts.map((c) => {
    const target = (c.count * panelSize) / total;
    return {
      value: c.value,
      label: c.label,
      count: c.count,
      share: c.count / total,
      target,
      min: Math.max(0, Math.floor(target) - tolerance),
      max: Math.min(panelSize, Math.ceil(target) + tolerance),
    };
  });
}

/** The same from shares already worked out (e.g. stored with a feature), when all are known. */
export function suggestFromShares(
  shares: readonly { value: string; label: string; share: number }[],
  panelSize: number,
  tolerance = 1,
): QuotaSuggestion[] {
  return suggestQuotas(
    shares.map((s) => ({ value: s.value, label: s.label, count: s.share })),
    panelSize,
    tolerance,
  );
}

/** A share as a percentage to one decimal place (51.2), and a target to one place (25.6). */
export const percent = (share: number): number => Math.round(share * 1000) / 10;
export const oneDecimal = (n: number): number => Math.round(n * 10) / 10;

/** Whether a feature's quotas can hold for a panel of k: Σ min ≤ k ≤ Σ max and min ≤ max. */
export function quotasConsistent(
  values: readonly { min: number; max: number }[],
  panelSize: number,
): boolean {
  const mins = values.reduce((s, v) => s + v.min, 0);
  const maxes = values.reduce((s, v) => s + v.max, 0);
  return values.every((v) => v.min <= v.max && v.max <= panelSize) && mins <= panelSize && panelSize <= maxes;
}

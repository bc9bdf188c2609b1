/**
 * The page numbers a GOV.UK pagination component shows: the first, the last, and those within
 * `around` of the current page, with null where numbers are left out (an ellipsis).
 */
export function pageNumbers(current: number, total: number, around = 1): (number | null)[] {
  const out: (number | null)[] = [];
  for (let n = 1; n <= total; n++) {
    if (n === 1 || n === total || Math.abs(n - current) <= around) out.push(n);
    else if (out.at(-1) !== null) out.push(null);
  }
  return out;
}

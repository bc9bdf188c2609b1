/**
 * Each person's chance under a uniform lottery over `panels` (a panel may appear more than once):
 * how many panels they are on, divided by the number of panels. Counting first and dividing once
 * keeps every chance an exact multiple of 1/m rather than a sum of floats.
 */
export function uniformChances(panels: readonly (readonly number[])[], n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (const panel of panels) {
    for (const person of panel) counts[person] = (counts[person] as number) + 1;
  }
  return counts.map((count) => count / panels.length);
}

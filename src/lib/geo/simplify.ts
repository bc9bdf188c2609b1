/**
 * Douglas–Peucker simplification of closed rings, in whatever plane the points
 * are given (the map uses pixels, so the tolerance is in pixels).
 */

export type Point = readonly [x: number, y: number];

/** Squared distance from p to the segment a–b (to a itself when a = b). */
function segmentDistanceSquared(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const lengthSquared = dx * dx + dy * dy;
  const t =
    lengthSquared === 0
      ? 0
      : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / lengthSquared));
  const ex = a[0] + t * dx - p[0];
  const ey = a[1] + t * dy - p[1];
  return ex * ex + ey * ey;
}

/** Marks the points between first and last that must stay; a stack, not recursion, so long rings are safe. */
function markKept(
  points: readonly Point[],
  first: number,
  last: number,
  toleranceSquared: number,
  keep: Uint8Array,
) {
  const stack = [first, last];
  while (stack.length > 0) {
    const end = stack.pop() as number;
    const start = stack.pop() as number;
    let farthest = -1;
    let farthestDistance = toleranceSquared;
    for (let i = start + 1; i < end; i++) {
      const distance = segmentDistanceSquared(
        points[i] as Point,
        points[start] as Point,
        points[end] as Point,
      );
      if (distance > farthestDistance) {
        farthest = i;
        farthestDistance = distance;
      }
    }
    if (farthest >= 0) {
      keep[farthest] = 1;
      stack.push(start, farthest, farthest, end);
    }
  }
}

function indexOfFarthest(
  points: readonly Point[],
  distanceOf: (p: Point) => number,
  skip: ReadonlySet<number>,
): number {
  let best = -1;
  let bestDistance = -1;
  points.forEach((point, i) => {
    const distance = distanceOf(point);
    if (!skip.has(i) && distance > bestDistance) {
      best = i;
      bestDistance = distance;
    }
  });
  return best;
}

/**
 * Simplifies a ring (closed or not) and returns it OPEN: without repeating the
 * first point at the end. The result always has at least 3 points when the
 * input does, so it still closes into a valid ring of ≥ 4 positions.
 */
export function simplifyRing(ring: readonly Point[], tolerance: number): Point[] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  const isClosed =
    ring.length > 1 &&
    first !== undefined &&
    last !== undefined &&
    first[0] === last[0] &&
    first[1] === last[1];
  const open = isClosed ? ring.slice(0, -1) : ring.slice();
  const n = open.length;
  if (n <= 3) return open;

  // A closed ring has no natural endpoints, so anchor on point 0 and the point
  // farthest from it, and simplify the two halves between them.
  const start = open[0] as Point;
  const opposite = Math.max(
    1,
    indexOfFarthest(open, (p) => segmentDistanceSquared(p, start, start), new Set([0])),
  );
  const loop = [...open, start];
  const keep = new Uint8Array(n + 1);
  keep[0] = 1;
  keep[opposite] = 1;
  markKept(loop, 0, opposite, tolerance * tolerance, keep);
  markKept(loop, opposite, n, tolerance * tolerance, keep);

  const kept = open.filter((_, i) => keep[i] === 1);
  if (kept.length >= 3) return kept;
  // Both halves lie within tolerance of the chord (a sliver): keep the point
  // farthest from it too, so the ring stays a triangle rather than a line.
  const end = open[opposite] as Point;
  const third = indexOfFarthest(open, (p) => segmentDistanceSquared(p, start, end), new Set([0, opposite]));
  return [0, opposite, third].sort((a, b) => a - b).map((i) => open[i] as Point);
}

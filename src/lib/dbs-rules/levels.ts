/**
 * Check levels. A level is a tier (none < basic < standard < enhanced) plus which barred
 * lists are checked; barred lists only come with an enhanced check. The children's and the
 * adults' lists are not ranked against each other, so levels form a lattice, not a line:
 * "at least" and "join" below are what "stricter" means.
 */
export const CHECK_LEVELS = [
  'none',
  'basic',
  'standard',
  'enhanced',
  'enhanced-children-barred',
  'enhanced-adults-barred',
  'enhanced-both-barred',
] as const;
export type CheckLevel = (typeof CHECK_LEVELS)[number];

export function isCheckLevel(value: unknown): value is CheckLevel {
  return typeof value === 'string' && (CHECK_LEVELS as readonly string[]).includes(value);
}

type Parts = { tier: 0 | 1 | 2 | 3; children: boolean; adults: boolean };

function parts(level: CheckLevel): Parts {
  switch (level) {
    case 'none':
      return { tier: 0, children: false, adults: false };
    case 'basic':
      return { tier: 1, children: false, adults: false };
    case 'standard':
      return { tier: 2, children: false, adults: false };
    case 'enhanced':
      return { tier: 3, children: false, adults: false };
    case 'enhanced-children-barred':
      return { tier: 3, children: true, adults: false };
    case 'enhanced-adults-barred':
      return { tier: 3, children: false, adults: true };
    case 'enhanced-both-barred':
      return { tier: 3, children: true, adults: true };
  }
}

function level(p: Parts): CheckLevel {
  if (p.children && p.adults) return 'enhanced-both-barred';
  if (p.children) return 'enhanced-children-barred';
  if (p.adults) return 'enhanced-adults-barred';
  return CHECK_LEVELS[p.tier];
}

/** Whether `a` checks at least everything `b` checks. */
export function atLeast(a: CheckLevel, b: CheckLevel): boolean {
  const x = parts(a);
  const y = parts(b);
  return x.tier >= y.tier && (x.children || !y.children) && (x.adults || !y.adults);
}

/** The least level that checks everything either level checks. */
export function joinLevels(a: CheckLevel, b: CheckLevel): CheckLevel {
  const x = parts(a);
  const y = parts(b);
  return level({
    tier: Math.max(x.tier, y.tier) as Parts['tier'],
    children: x.children || y.children,
    adults: x.adults || y.adults,
  });
}

/** The most that both levels allow: used to cap what a group asks for at what the law permits. */
export function meetLevels(a: CheckLevel, b: CheckLevel): CheckLevel {
  const x = parts(a);
  const y = parts(b);
  return level({
    tier: Math.min(x.tier, y.tier) as Parts['tier'],
    children: x.children && y.children,
    adults: x.adults && y.adults,
  });
}

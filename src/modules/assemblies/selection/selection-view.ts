import type { RandomSource } from '../../../lib/sortition/types.js';
import type { Language, Translate } from '../../../platform/i18n/i18n.js';
import { chanceBands } from './selection-problem.js';

/**
 * What the selection pages show of the chances: percentages people can read, and the histogram
 * of how many people had each chance (an SVG whose bars carry their numbers, with a table behind
 * it, so neither colour nor the picture is the only way to read it). No names, no references.
 */

export function percent(p: number, lang: Language): string {
  return new Intl.NumberFormat(lang === 'cy' ? 'cy-GB' : 'en-GB', {
    style: 'percent',
    maximumFractionDigits: p > 0 && p < 0.01 ? 2 : 1,
  }).format(p);
}

const BAR = { left: 8, labelHeight: 18, barHeight: 20, gap: 12, width: 640, valueRoom: 120 } as const;
/** GOV.UK blue: the count beside each bar is dark text on white. */
const FILL = '#1d70b8';

export function chanceChart(chances: readonly number[], t: Translate, lang: Language) {
  const bands = chanceBands(chances);
  const top = Math.max(1, ...bands.map((b) => b.count));
  const track = BAR.width - BAR.left - BAR.valueRoom;
  const rowHeight = BAR.labelHeight + BAR.barHeight + BAR.gap;
  const P = 'assemblies.selection.public.';
  const rows = bands.map((b, i) => {
    const y = 4 + i * rowHeight;
    const width = b.count ? Math.max(2, Math.round((b.count / top) * track)) : 0;
    return {
      label:
        b.from === b.to
          ? percent(b.from, lang)
          : t(`${P}band`, { from: percent(b.from, lang), to: percent(b.to, lang) }),
      count: b.count,
      value: b.count === 1 ? t(`${P}person`) : t(`${P}people`, { n: b.count }),
      labelY: y + BAR.labelHeight - 5,
      barY: y + BAR.labelHeight,
      width,
      valueX: BAR.left + width + 6,
      valueY: y + BAR.labelHeight + BAR.barHeight - 5,
    };
  });
  return {
    width: BAR.width,
    height: 8 + bands.length * rowHeight,
    left: BAR.left,
    barHeight: BAR.barHeight,
    fill: FILL,
    rows,
    title: t(`${P}chartTitle`),
    desc: t(`${P}chartDesc`, {
      n: chances.length,
      min: chances.length ? percent(Math.min(...chances), lang) : '0',
    }),
  };
}

/** "the number 417, so panel 417" or "the seed “…”, whose SHA-256 hash gives panel 83". */
export function describeRandom(random: RandomSource | null, panel: number | null, t: Translate): string {
  if (!random || panel === null) return '';
  return random.kind === 'number'
    ? t('assemblies.selection.public.randomNumber', { value: String(random.value).padStart(3, '0'), panel })
    : t('assemblies.selection.public.randomSeed', { value: random.value, panel });
}

import { formatScaled, statusOf } from '../../lib/standards/performance.js';
import type { Figure, Standard } from './standards-service.js';

/**
 * The open data shape of a monthly figure: the same fields in the JSON and the CSV. Values are
 * exact decimals as strings ("97.25"), never floats. Nobody's name is published.
 */
export function figureJson(placeSlug: string) {
  return (f: Figure & { standard: Standard }) => ({
    id: f.id,
    service: f.standard.serviceSlug,
    service_name: f.standard.serviceName,
    standard: f.standard.slug,
    promise: f.standard.promise,
    measure: f.standard.measure,
    unit: f.standard.unit,
    target: formatScaled(f.standard.target),
    direction: f.standard.direction,
    month: f.month,
    value: formatScaled(f.value),
    numerator: f.numerator === null ? null : String(f.numerator),
    denominator: f.denominator === null ? null : String(f.denominator),
    status: statusOf(f.value, f.standard.target, f.standard.direction),
    note: f.note,
    action: f.action,
    source: f.source,
    updated_at: f.updatedAt.toISOString(),
    url: `/${placeSlug}/standards/${f.standard.serviceSlug}/${f.standard.slug}`,
  });
}
export type FigureJson = ReturnType<ReturnType<typeof figureJson>>;

export const FIGURE_CSV_COLUMNS: (keyof FigureJson & string)[] = [
  'id',
  'service',
  'service_name',
  'standard',
  'promise',
  'measure',
  'unit',
  'target',
  'direction',
  'month',
  'value',
  'numerator',
  'denominator',
  'status',
  'note',
  'action',
  'source',
  'updated_at',
  'url',
];

/** The columns of `/api/standards.csv`: one row a standard, its latest figure and its last year. */
export const STANDARD_CSV_COLUMNS = [
  'service_slug',
  'service_name',
  'service_url',
  'service_contact_url',
  'slug',
  'promise',
  'measure',
  'unit',
  'target',
  'direction',
  'since_month',
  'latest_month',
  'latest_status',
  'latest_figure_month',
  'latest_figure_value',
  'latest_figure_status',
  'met_last_12_months',
  'missed_last_12_months',
  'no_figure_last_12_months',
  'trend',
  'url',
  'figures_url',
] as const;

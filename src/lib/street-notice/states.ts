import type { Mode } from './deadlines.js';

/**
 * Where a street notification stands. Notify mode (the Community Power of Competence) goes
 * draft → going-ahead → confirmed once the objection window closes, unless an officer objects;
 * approval mode goes draft → submitted → approved or refused. Both end held, withdrawn, stopped
 * (an objection or refusal stood) or lapsed (the event was over with nothing settled).
 */
export const STATUSES = [
  'draft',
  'going-ahead',
  'confirmed',
  'objected',
  'submitted',
  'approved',
  'refused',
  'appealed',
  'stopped',
  'withdrawn',
  'held',
  'lapsed',
] as const;
export type NoticeStatus = (typeof STATUSES)[number];

export const ACTIONS = [
  'submit',
  'object',
  'close-window',
  'amend',
  'appeal',
  'uphold-appeal',
  'dismiss-appeal',
  'approve',
  'refuse',
  'withdraw',
  'event-over',
] as const;
export type NoticeAction = (typeof ACTIONS)[number];

export const FINAL: readonly NoticeStatus[] = ['stopped', 'withdrawn', 'held', 'lapsed'];

/** The event can happen as things stand (shown as "going ahead" or "approved" to everyone). */
export const CLEARED: readonly NoticeStatus[] = ['going-ahead', 'confirmed', 'approved'];

type Facts = {
  mode: Mode;
  /** Notify mode: the objection deadline has passed. */
  windowClosed: boolean;
};

/**
 * The status after `action`, or null when the action does not apply. Who may act, reasons and
 * deadlines are the service's to check; this is only the shape of the journey, so it can be
 * tested exhaustively.
 */
export function nextStatus(status: NoticeStatus, action: NoticeAction, facts: Facts): NoticeStatus | null {
  if (FINAL.includes(status)) return null;
  const notify = facts.mode === 'notify';
  switch (action) {
    case 'submit':
      return status === 'draft' ? (notify ? 'going-ahead' : 'submitted') : null;
    case 'object':
      return notify && status === 'going-ahead' && !facts.windowClosed ? 'objected' : null;
    case 'close-window':
      return notify && status === 'going-ahead' && facts.windowClosed ? 'confirmed' : null;
    case 'amend':
      if (notify) return ['going-ahead', 'confirmed', 'objected'].includes(status) ? 'going-ahead' : null;
      return ['submitted', 'approved', 'refused'].includes(status) ? 'submitted' : null;
    case 'appeal':
      return status === (notify ? 'objected' : 'refused') ? 'appealed' : null;
    case 'uphold-appeal':
      if (status !== 'appealed') return null;
      return notify ? (facts.windowClosed ? 'confirmed' : 'going-ahead') : 'approved';
    case 'dismiss-appeal':
      return status === 'appealed' ? 'stopped' : null;
    case 'approve':
      return !notify && status === 'submitted' ? 'approved' : null;
    case 'refuse':
      return !notify && status === 'submitted' ? 'refused' : null;
    case 'withdraw':
      return status === 'draft' ? null : 'withdrawn';
    case 'event-over':
      if (status === 'draft') return null;
      return CLEARED.includes(status) ? 'held' : 'lapsed';
  }
}

/**
 * Emails people can choose not to get. Security emails (confirm address, reset password,
 * invitations) are not here: they are always sent. Modules add their types to this list.
 */
export const NOTIFICATION_TYPES = [
  { id: 'moderation-decisions', labelKey: 'notifications.types.moderationDecisions' },
  { id: 'idea-updates', labelKey: 'notifications.types.ideaUpdates' },
  { id: 'decision-updates', labelKey: 'notifications.types.decisionUpdates' },
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number]['id'];

/** Everyone gets every notification until they say otherwise. */
export function wants(prefs: Record<string, unknown> | null | undefined, type: NotificationType): boolean {
  return prefs?.[type] !== false;
}

import type { PermissionDefinition, Role } from '../module-definition.js';
import { installedModules } from '../module-registry.js';

/** Actions of the platform itself; modules add theirs in their definitions. */
export const PLATFORM_PERMISSIONS: Record<string, PermissionDefinition> = {
  'account.use': { descriptionKey: 'permissions.accountUse', roles: ['resident'] },
  'place.configure': { descriptionKey: 'permissions.placeConfigure', roles: ['place-admin'] },
  'roles.manage': { descriptionKey: 'permissions.rolesManage', roles: ['place-admin'] },
  'audit.view': { descriptionKey: 'permissions.auditView', roles: ['place-admin'] },
  'jobs.view': { descriptionKey: 'permissions.jobsView', roles: ['place-admin'] },
  'data.manage': { descriptionKey: 'permissions.dataManage', roles: ['place-admin'] },
  'moderation.report': { descriptionKey: 'permissions.moderationReport', roles: ['resident'] },
  'moderation.review': { descriptionKey: 'permissions.moderationReview', roles: ['officer', 'place-admin'] },
};

export function allPermissions(): Record<string, PermissionDefinition> {
  return Object.assign({}, PLATFORM_PERMISSIONS, ...installedModules().map((m) => m.permissions ?? {}));
}

/** Who is acting, as far as permissions go: the roles they hold in the place at hand. */
export type Actor = {
  userId: string;
  /** Roles in the current place; every signed-in person with a verified email is a resident. */
  roles: readonly Role[];
  platformAdmin: boolean;
};

const permissions = () => allPermissions();
let cached: Record<string, PermissionDefinition> | undefined;

/**
 * The one permission check. Services call it before doing anything; routes declare the
 * action they need so that the route × role matrix can be tested.
 */
export function can(actor: Actor | null, action: string): boolean {
  cached ??= permissions();
  const rule = cached[action];
  if (!rule) throw new Error(`Unknown action "${action}": declare it in a module's permissions`);
  if (!actor) return false;
  return rule.roles.some((r) => actor.roles.includes(r));
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  findSession,
  findSessionAndPlace,
  SESSION_COOKIE,
  type SessionUser,
} from '../auth/session-service.js';
import type { Role } from '../module-definition.js';
import { PLACE_SLUG, type Place } from '../places/place-service.js';
import { type Actor, allPermissions, can } from '../roles/permissions.js';
import { isApiRequest } from './api-request.js';
import { Forbidden } from './errors.js';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.js';

/**
 * Every route says who may use it. A route without a rule stops the app from starting,
 * so a new page cannot be forgotten; the route × role test then checks each rule.
 */
export type Access = 'public' | 'signed-in' | { action: string; orOwner?: true };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    session: SessionUser | null;
    actor: Actor | null;
  }
}

const STAFF_ROLES: readonly Role[] = ['officer', 'place-admin', 'accountable-officer'];

export const PUBLIC = { config: { access: 'public' as const } };
export const SIGNED_IN = { config: { access: 'signed-in' as const } };
export const needs = (action: string) => ({ config: { access: { action } } });
/**
 * For a record's own people (a group's organisers) or anyone with the permission (officers).
 * The route only requires sign-in; the service checks the person's tie to the record and
 * refuses everyone else with 403, so for the route × role matrix it behaves like `needs`.
 */
export const needsOrOwner = (action: string) => ({ config: { access: { action, orOwner: true as const } } });

export function describeAccess(access: Access | undefined): string {
  if (!access) return 'none';
  if (typeof access === 'string') return access;
  return access.orOwner ? `${access.action} or owner` : access.action;
}

/** The session's roles in a place (read with the session: no query of its own). */
function rolesIn(session: SessionUser, placeId: string): Role[] {
  return [...((session.rolesByPlace.get(placeId) ?? []) as Role[])];
}

/** Sign-in is needed: people go to the sign-in page and come back; the API says 401. */
function needSignIn(request: FastifyRequest, reply: FastifyReply) {
  if (isApiRequest(request)) {
    return reply
      .code(401)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(problem(401, { title: 'Sign in required', requestId: request.id })));
  }
  return reply.redirect(`/account/sign-in?return=${encodeURIComponent(request.url)}`, 303);
}

export function setUpAccess(app: FastifyInstance) {
  const actions = allPermissions();
  app.decorateRequest('session', null);
  app.decorateRequest('actor', null);
  app.decorateRequest('placeLookup', undefined);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/assets/')) return;
    const access = route.config?.access;
    if (!access) throw new Error(`Route ${route.method} ${route.url} has no access rule (config.access)`);
    if (typeof access === 'object' && !actions[access.action]) {
      throw new Error(`Route ${route.method} ${route.url} needs unknown action "${access.action}"`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    // Under /{place}, the place is read in the same query (the place hook then uses it).
    const slug = (request.params as { place?: unknown } | undefined)?.place;
    let session: SessionUser | null;
    if (typeof slug === 'string' && PLACE_SLUG.test(slug)) {
      const found = await findSessionAndPlace(app.db, token, slug);
      session = found.session;
      if (found.place !== undefined) request.placeLookup = found.place;
    } else session = await findSession(app.db, token);
    // Someone who still owes their second factor is not signed in yet.
    if (session && (!session.twoFactorEnabled || session.secondFactorDone)) request.session = session;
    else if (session) request.pendingSession = session;
  });

  app.addHook('preHandler', async (request, reply) => {
    const session = request.session;
    if (session) {
      const roles: Role[] = request.place ? rolesIn(session, request.place.id) : [];
      if (session.emailVerified) roles.push('resident');
      request.actor = { userId: session.userId, roles, platformAdmin: session.platformAdmin };
    }
    const access = request.routeOptions.config.access;
    if (!access || access === 'public') return;
    if (!session) return needSignIn(request, reply);
    if (access === 'signed-in') return;
    if (!access.orOwner && !can(request.actor, access.action)) throw new Forbidden();
    // Staff of a place that requires it must have two-step sign-in before using staff powers.
    const staff = request.actor?.roles.some((r) => STAFF_ROLES.includes(r));
    if (staff && request.place?.requireTwoFactorForStaff && !session.twoFactorEnabled) {
      if (isApiRequest(request)) throw new Forbidden('Two-step sign-in is required for staff here');
      return reply.redirect(
        `/account/two-factor/setup?required=${encodeURIComponent(request.place.slug)}`,
        303,
      );
    }
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** A session still waiting for its second factor (two-step sign-in). */
    pendingSession?: SessionUser;
    /** The place of the address, when it was read with the session (null: there is none). */
    placeLookup?: Place | null;
  }
}

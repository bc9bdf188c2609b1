import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../http/access.js';
import { acceptInvitation, peekInvitation } from '../roles/role-service.js';

type TokenQuery = { Querystring: { token?: string } };

/** Accepting an invitation to a role: sign in (or create an account) with the invited address first. */
export async function invitationRoutes(app: FastifyInstance) {
  app.get<TokenQuery>('/account/invitation', PUBLIC, async (request, reply) => {
    const token = String(request.query.token ?? '');
    const offer = await peekInvitation(app.db, token);
    const here = `/account/invitation?token=${encodeURIComponent(token)}`;
    return reply.code(offer ? 200 : 410).page('invitation.njk', {
      pageTitle: request.t(offer ? 'invitation.title' : 'account.linkExpired.title'),
      offer,
      roleName: offer ? request.t(`roles.${offer.role}`) : '',
      signedInAs: request.session?.email ?? null,
      signInHref: `/account/sign-in?return=${encodeURIComponent(here)}`,
      action: here,
      csrfToken: reply.generateCsrf(),
    });
  });

  app.post<TokenQuery>(
    '/account/invitation',
    { ...PUBLIC, preHandler: app.csrfProtection },
    async (request, reply) => {
      const token = String(request.query.token ?? '');
      const session = request.session;
      if (!session)
        return reply.redirect(
          `/account/sign-in?return=${encodeURIComponent(`/account/invitation?token=${token}`)}`,
          303,
        );
      const { outcome, offer } = await acceptInvitation(app.db, token, session, request.id);
      const t = request.t;
      return reply
        .code(outcome === 'accepted' ? 200 : outcome === 'expired' ? 410 : 403)
        .page('message-page.njk', {
          pageTitle: t(`invitation.${outcome}.title`),
          panel: outcome === 'accepted',
          paragraphs: [
            t(`invitation.${outcome}.body`, { email: offer?.email ?? '', place: offer?.placeName ?? '' }),
          ],
          links:
            offer && outcome === 'accepted' ? [{ href: `/${offer.placeSlug}/`, text: offer.placeName }] : [],
        });
    },
  );
}

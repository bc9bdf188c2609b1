import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs, SIGNED_IN } from '../../../platform/http/access.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext, siteUrl } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import {
  CONSENT_HOW,
  InviteInput,
  NewCircleInput,
  NoteInput,
  NotesRuleInput,
  RotaInput,
} from './circle-input.js';
import {
  acceptCircleInvitation,
  addNote,
  addRotaSlot,
  closeCircle,
  createCircle,
  deleteNote,
  deleteRotaSlot,
  dropRotaSlot,
  getCircle,
  INVITATION_DAYS,
  inviteToCircle,
  leaveCircle,
  listMyCircles,
  MAX_MEMBERS,
  peekCircleInvitation,
  removeMember,
  setHelpersMayAddNotes,
  takeRotaSlot,
} from './circle-service.js';
import { dayLabel, londonDay, timeLabel } from './circle-time.js';

type CircleParams = { Params: { circle: string } };
type SlotParams = { Params: { circle: string; circleSlot: string } };
type NoteParams = { Params: { circle: string; circleNote: string } };
type MemberParams = { Params: { circle: string; circleMember: string } };
type TokenQuery = { Querystring: { token?: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

const VIEWS = 'mutual-aid/circles/views';
/** Forms that change the circle are for whoever controls it, while it is open. */
function mustControlOpen(circle: { canControl: boolean; status: string }) {
  if (circle.status !== 'open') throw new NotFound('No such circle');
  if (!circle.canControl) throw new Forbidden('Only the person, or their connector, can do that');
}
/** The GOV.UK date input's first box is where a date error takes you. */
const withDateHref = (errors: FormError[]) =>
  errors.map((e) => (e.field === 'date' ? { ...e, href: '#date-day' } : e));

/**
 * Care circles: private pages for a person and the few neighbours they invite. Every page is
 * for members only; the services answer "not found" to everyone else, staff included.
 */
export async function circleRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest) => `/${requirePlace(request).slug}/help/circles`;

  app.get('/help/circles', SIGNED_IN, async (request, reply) => {
    const circles = await listMyCircles(ctx(request));
    const query = request.query as Record<string, unknown>;
    const banner = (['left', 'closed'] as const).find((k) => query[k] === '1');
    return reply.page(`${VIEWS}/list.njk`, {
      pageTitle: request.t('mutualAid.circles.list.title'),
      banner: banner ? request.t(`mutualAid.circles.banner.${banner}`) : null,
      circles: circles.map((c) => ({
        ...c,
        next: c.nextSlot
          ? `${dayLabel(c.nextSlot, request.lang)}, ${timeLabel(c.nextSlot, request.lang)}`
          : null,
      })),
      canStart: can(request.actor, 'mutual-aid.circle'),
    });
  });

  async function newPage(request: FastifyRequest, reply: FastifyReply, state: FormState = {}) {
    const values = state.values ?? {};
    if (state.errors?.length) reply.code(422);
    return reply.page(`${VIEWS}/new.njk`, {
      pageTitle: request.t('mutualAid.circles.new.title'),
      action: base(request),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      maxMembers: MAX_MEMBERS,
      canOnBehalf: can(request.actor, 'mutual-aid.circle-on-behalf'),
      consentItems: CONSENT_HOW.map((h) => ({
        value: h,
        text: request.t(`mutualAid.consent.${h}`),
        checked: values.consentHow === h,
      })),
    });
  }

  app.get('/help/circles/new', needs('mutual-aid.circle'), (request, reply) => newPage(request, reply));

  app.post('/help/circles', { ...needs('mutual-aid.circle'), ...csrf }, async (request, reply) => {
    const form = parseForm(NewCircleInput, request.body, request.t);
    if (!form.ok) return newPage(request, reply, form);
    try {
      const id = await createCircle(ctx(request), form.values);
      return reply.redirect(`${base(request)}/${id}?started=1`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return newPage(request, reply, { values: form.values, errors: formErrorsFrom(error, request.t) });
      throw error;
    }
  });

  // Accepting an invitation: sign in first (the access rule sends people there and back).
  app.get<TokenQuery>('/help/circles/invitation', SIGNED_IN, async (request, reply) => {
    const token = String(request.query.token ?? '');
    const offer = await peekCircleInvitation(ctx(request), token);
    return reply.code(offer ? 200 : 410).page(`${VIEWS}/invitation.njk`, {
      pageTitle: request.t(offer ? 'mutualAid.circles.invitation.title' : 'account.linkExpired.title'),
      offer,
      signedInAs: request.session?.email ?? '',
      action: `${base(request)}/invitation?token=${encodeURIComponent(token)}`,
      csrfToken: reply.generateCsrf(),
    });
  });

  app.post<TokenQuery>('/help/circles/invitation', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    const session = request.session;
    if (!session) throw new Error('SIGNED_IN guarantees a session');
    const { outcome, circleId } = await acceptCircleInvitation(
      ctx(request),
      String(request.query.token ?? ''),
      {
        userId: session.userId,
        email: session.email,
      },
    );
    if (outcome === 'accepted') return reply.redirect(`${base(request)}/${circleId}?joined=1`, 303);
    return reply.code(outcome === 'expired' ? 410 : 403).page('message-page.njk', {
      pageTitle: request.t(`mutualAid.circles.invitation.${outcome}.title`),
      paragraphs: [request.t(`mutualAid.circles.invitation.${outcome}.body`, { email: session.email })],
      links: [{ href: base(request), text: request.t('mutualAid.circles.list.title') }],
    });
  });

  /** The circle's page; forms on it re-render it with their errors. */
  async function circlePage(
    request: FastifyRequest<CircleParams>,
    reply: FastifyReply,
    state: FormState & { status?: number; banner?: string } = {},
  ) {
    const t = request.t;
    const circle = await getCircle(ctx(request), request.params.circle);
    const days = new Map<string, { label: string; slots: unknown[] }>();
    for (const s of circle.rota) {
      const key = londonDay(s.startsAt);
      const day = days.get(key) ?? { label: dayLabel(s.startsAt, request.lang), slots: [] };
      day.slots.push({
        ...s,
        time: t('mutualAid.circles.rota.between', {
          from: timeLabel(s.startsAt, request.lang),
          to: timeLabel(s.endsAt, request.lang),
        }),
        mine: s.volunteerId === request.actor?.userId,
      });
      days.set(key, day);
    }
    const query = request.query as Record<string, unknown>;
    const banner =
      state.banner ??
      (['started', 'joined', 'invited', 'added'] as const).find((k) => query[k] === '1') ??
      null;
    if (state.errors?.length) reply.code(state.status ?? 422);
    return reply.page(`${VIEWS}/circle.njk`, {
      pageTitle: circle.name,
      circle,
      rotaDays: [...days.values()],
      banner: banner ? t(`mutualAid.circles.banner.${banner}`) : null,
      here: `${base(request)}/${circle.id}`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values: state.values ?? {},
    });
  }

  app.get<CircleParams>('/help/circles/:circle', SIGNED_IN, (request, reply) => circlePage(request, reply));

  async function invitePage(
    request: FastifyRequest<CircleParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const circle = await getCircle(ctx(request), request.params.circle);
    mustControlOpen(circle);
    if (state.errors?.length) reply.code(422);
    return reply.page(`${VIEWS}/invite.njk`, {
      pageTitle: request.t('mutualAid.circles.invite.title'),
      circle,
      days: INVITATION_DAYS,
      action: `${base(request)}/${circle.id}/invite`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values: state.values ?? {},
    });
  }

  app.get<CircleParams>('/help/circles/:circle/invite', SIGNED_IN, (request, reply) =>
    invitePage(request, reply),
  );

  app.post<CircleParams>(
    '/help/circles/:circle/invite',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      const form = parseForm(InviteInput, request.body, request.t);
      if (!form.ok) return invitePage(request, reply, form);
      try {
        await inviteToCircle(ctx(request), request.params.circle, form.values, {
          baseUrl: siteUrl(request),
          lang: request.lang,
        });
        return reply.redirect(`${base(request)}/${request.params.circle}?invited=1`, 303);
      } catch (error) {
        if (error instanceof Invalid)
          return invitePage(request, reply, {
            values: form.values,
            errors: formErrorsFrom(error, request.t),
          });
        throw error;
      }
    },
  );

  async function rotaPage(request: FastifyRequest<CircleParams>, reply: FastifyReply, state: FormState = {}) {
    const circle = await getCircle(ctx(request), request.params.circle);
    mustControlOpen(circle);
    if (state.errors?.length) reply.code(422);
    return reply.page(`${VIEWS}/rota-form.njk`, {
      pageTitle: request.t('mutualAid.circles.rotaForm.title'),
      circle,
      action: `${base(request)}/${circle.id}/rota`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values: state.values ?? {},
    });
  }

  app.get<CircleParams>('/help/circles/:circle/rota/new', SIGNED_IN, (request, reply) =>
    rotaPage(request, reply),
  );

  app.post<CircleParams>('/help/circles/:circle/rota', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    const form = parseForm(RotaInput, request.body, request.t);
    if (!form.ok) return rotaPage(request, reply, { ...form, errors: withDateHref(form.errors) });
    try {
      await addRotaSlot(ctx(request), request.params.circle, form.values);
      return reply.redirect(`${base(request)}/${request.params.circle}?added=1#rota`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return rotaPage(request, reply, {
          values: form.values,
          errors: withDateHref(formErrorsFrom(error, request.t)),
        });
      throw error;
    }
  });

  const slotAction =
    (fn: typeof takeRotaSlot) => async (request: FastifyRequest<SlotParams>, reply: FastifyReply) => {
      try {
        await fn(ctx(request), request.params.circle, request.params.circleSlot);
      } catch (error) {
        // Someone else was quicker: say so on the circle's page, where the rota shows who.
        if (error instanceof Conflict)
          return circlePage(request, reply, {
            status: 409,
            errors: [
              {
                field: 'rota',
                text: request.t('mutualAid.circles.errors.slotTaken'),
                href: '#rota',
              },
            ],
          });
        throw error;
      }
      return reply.redirect(`${base(request)}/${request.params.circle}#rota`, 303);
    };
  app.post<SlotParams>(
    '/help/circles/:circle/rota/:circleSlot/take',
    { ...SIGNED_IN, ...csrf },
    slotAction(takeRotaSlot),
  );
  app.post<SlotParams>(
    '/help/circles/:circle/rota/:circleSlot/drop',
    { ...SIGNED_IN, ...csrf },
    slotAction(dropRotaSlot),
  );
  app.post<SlotParams>(
    '/help/circles/:circle/rota/:circleSlot/delete',
    { ...SIGNED_IN, ...csrf },
    slotAction(deleteRotaSlot),
  );

  app.post<CircleParams>('/help/circles/:circle/notes', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    const form = parseForm(NoteInput, request.body, request.t);
    if (!form.ok) return circlePage(request, reply, form);
    try {
      await addNote(ctx(request), request.params.circle, form.values);
    } catch (error) {
      if (error instanceof Invalid)
        return circlePage(request, reply, { values: form.values, errors: formErrorsFrom(error, request.t) });
      throw error;
    }
    return reply.redirect(`${base(request)}/${request.params.circle}#notes`, 303);
  });

  app.post<NoteParams>(
    '/help/circles/:circle/notes/:circleNote/delete',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      await deleteNote(ctx(request), request.params.circle, request.params.circleNote);
      return reply.redirect(`${base(request)}/${request.params.circle}#notes`, 303);
    },
  );

  app.post<CircleParams>(
    '/help/circles/:circle/notes-rule',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      const form = parseForm(NotesRuleInput, request.body, request.t);
      const allowed = form.ok ? form.data.helpersMayAddNotes : false;
      await setHelpersMayAddNotes(ctx(request), request.params.circle, allowed);
      return reply.redirect(`${base(request)}/${request.params.circle}#notes`, 303);
    },
  );

  app.post<MemberParams>(
    '/help/circles/:circle/members/:circleMember/remove',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      await removeMember(ctx(request), request.params.circle, request.params.circleMember);
      return reply.redirect(`${base(request)}/${request.params.circle}#members`, 303);
    },
  );

  app.post<CircleParams>('/help/circles/:circle/leave', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    await leaveCircle(ctx(request), request.params.circle);
    return reply.redirect(`${base(request)}?left=1`, 303);
  });

  app.get<CircleParams>('/help/circles/:circle/close', SIGNED_IN, async (request, reply) => {
    const circle = await getCircle(ctx(request), request.params.circle);
    mustControlOpen(circle);
    return reply.page(`${VIEWS}/close.njk`, {
      pageTitle: request.t('mutualAid.circles.close.title', { name: circle.name }),
      circle,
      action: `${base(request)}/${circle.id}/close`,
      csrfToken: reply.generateCsrf(),
    });
  });

  app.post<CircleParams>('/help/circles/:circle/close', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    await closeCircle(ctx(request), request.params.circle);
    return reply.redirect(`${base(request)}?closed=1`, 303);
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { needsOrOwner, SIGNED_IN } from '../../../platform/http/access.js';
import { Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { siteOf } from '../../../platform/module-definition.js';
import { getPost, myPosts } from '../posts/post-service.js';
import {
  AcceptInput,
  AskInput,
  CancelInput,
  FEEDBACK_OUTCOMES,
  FeedbackInput,
  MATCH_MULTIPLE_FIELDS,
  MessageInput,
  NEED_SHARES,
  OFFER_SHARES,
} from './match-input.js';
import { sendMessage } from './match-messages.js';
import {
  answerRequest,
  askHelper,
  cancelMatch,
  getMatch,
  giveFeedback,
  markDone,
  mayChooseFor,
  myMatches,
  whoPosted,
} from './match-service.js';

type AskParams = { Params: { post: string; offer: string } };
type MatchParams = { Params: { match: string }; Querystring: { updated?: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

const shareItems = (request: FastifyRequest, fields: readonly string[], chosen: string) => {
  const picked = new Set(chosen.split(',').filter(Boolean));
  return fields.map((f) => ({
    value: f,
    text: request.t(`mutualAid.matches.share.${f}`),
    checked: picked.has(f),
  }));
};

/**
 * Matching (SPEC §3.2): the person in need (or their connector or a coordinator) asks a
 * suggested helper; the helper says yes or no; they talk through the site or the email relay;
 * either marks it done; both may say how it went.
 */
export async function matchRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const site = () => siteOf(app.config);
  const base = (request: FastifyRequest) => `/${requirePlace(request).slug}/help`;

  async function askPage(request: FastifyRequest<AskParams>, reply: FastifyReply, state: FormState = {}) {
    const c = ctx(request);
    const [need, offer] = await Promise.all([
      getPost(c, request.params.post),
      getPost(c, request.params.offer),
    ]);
    const { author, onBehalf } = await whoPosted(c, need.id);
    if (need.kind !== 'need' || offer.kind !== 'offer') throw new NotFound('No such need or offer');
    if (!mayChooseFor(c, author)) throw new Forbidden();
    if (state.errors?.length) reply.code(422);
    return reply.page('mutual-aid/matches/views/ask.njk', {
      pageTitle: request.t('mutualAid.matches.ask.title'),
      need,
      offer,
      forSomeoneElse: onBehalf || author !== c.actor?.userId,
      action: `${base(request)}/needs/${need.id}/ask/${offer.id}`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values: state.values ?? {},
      shareItems: shareItems(request, NEED_SHARES, state.values?.shares ?? ''),
    });
  }

  const askAccess = needsOrOwner('mutual-aid.match-on-behalf');
  app.get<AskParams>('/help/needs/:post/ask/:offer', askAccess, (request, reply) => askPage(request, reply));
  app.post<AskParams>('/help/needs/:post/ask/:offer', { ...askAccess, ...csrf }, async (request, reply) => {
    const form = parseForm(AskInput, request.body, request.t, { multiple: MATCH_MULTIPLE_FIELDS });
    if (!form.ok) return askPage(request, reply, form);
    try {
      const id = await askHelper(
        ctx(request),
        site(),
        request.params.post,
        request.params.offer,
        form.values,
      );
      return reply.redirect(`${base(request)}/matches/${id}?updated=asked`, 303);
    } catch (error) {
      if (error instanceof Invalid)
        return askPage(request, reply, { values: form.values, errors: formErrorsFrom(error, request.t) });
      throw error;
    }
  });

  async function matchPage(request: FastifyRequest<MatchParams>, reply: FastifyReply, state: FormState = {}) {
    const match = await getMatch(ctx(request), request.params.match);
    if (state.errors?.length) reply.code(422);
    const values = state.values ?? {};
    return reply.page('mutual-aid/matches/views/match.njk', {
      pageTitle: request.t(`mutualAid.matches.page.title.${match.status}`),
      match,
      updated: state.errors?.length ? null : (request.query.updated ?? null),
      action: `${base(request)}/matches/${match.id}`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      shareItems: shareItems(request, OFFER_SHARES, values.shares ?? ''),
      outcomeItems: FEEDBACK_OUTCOMES.map((o) => ({
        value: o,
        text: request.t(`mutualAid.matches.feedback.${o}`),
        checked: values.outcome === o,
      })),
    });
  }

  app.get<MatchParams>('/help/matches/:match', SIGNED_IN, (request, reply) => matchPage(request, reply));

  /** One step on a match: parse the form, run the step, come back to the match page. */
  function step<S extends z.ZodType>(
    path: string,
    schema: S | null,
    run: (request: FastifyRequest<MatchParams>, values: Record<string, string>) => Promise<void>,
  ) {
    app.post<MatchParams>(
      `/help/matches/:match/${path}`,
      { ...SIGNED_IN, ...csrf },
      async (request, reply) => {
        let values: Record<string, string> = {};
        if (schema) {
          const form = parseForm(schema, request.body, request.t, { multiple: MATCH_MULTIPLE_FIELDS });
          if (!form.ok) return matchPage(request, reply, form);
          values = form.values;
        }
        try {
          await run(request, values);
        } catch (error) {
          if (error instanceof Invalid)
            return matchPage(request, reply, { values, errors: formErrorsFrom(error, request.t) });
          throw error;
        }
        return reply.redirect(`${base(request)}/matches/${request.params.match}?updated=${path}`, 303);
      },
    );
  }

  step('accept', AcceptInput, (r, v) => answerRequest(ctx(r), site(), r.params.match, 'accept', v));
  step('decline', null, (r) => answerRequest(ctx(r), site(), r.params.match, 'decline'));
  step('done', null, (r) => markDone(ctx(r), site(), r.params.match));
  step('cancel', CancelInput, (r, v) => cancelMatch(ctx(r), site(), r.params.match, v));
  step('messages', MessageInput, (r, v) => sendMessage(ctx(r), site(), r.params.match, v));
  step('feedback', FeedbackInput, (r, v) => giveFeedback(ctx(r), r.params.match, v));

  app.get('/help/mine', SIGNED_IN, async (request, reply) => {
    const c = ctx(request);
    const [posts, matches] = await Promise.all([myPosts(c), myMatches(c)]);
    return reply.page('mutual-aid/matches/views/mine.njk', {
      pageTitle: request.t('mutualAid.matches.mine.title'),
      posts,
      matches,
    });
  });
}

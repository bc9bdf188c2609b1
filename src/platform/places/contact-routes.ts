import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../http/access.js';
import { errorsByField, parseForm } from '../http/forms.js';
import { requirePlace, serviceContext } from '../http/request-context.js';
import { ContactForm, submitContactMessage } from './contact-service.js';

/** The place's contact form: GOV.UK question page, error summary, confirmation with a reference. */
export async function contactRoutes(app: FastifyInstance) {
  app.get('/contact', PUBLIC, async (request, reply) =>
    reply.page('pages/contact.njk', {
      pageTitle: request.t('contact.title'),
      csrfToken: reply.generateCsrf(),
      values: {},
      errors: [],
      fieldErrors: {},
    }),
  );

  app.post('/contact', { ...PUBLIC, preHandler: app.csrfProtection }, async (request, reply) => {
    const place = requirePlace(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    // A field people never see: only bots fill it in. Pretend it worked and keep nothing.
    if (typeof body.website === 'string' && body.website !== '') {
      return reply.redirect(`/${place.slug}/contact/sent`, 303);
    }
    const form = parseForm(ContactForm, body, request.t);
    if (!form.ok) {
      return reply.code(422).page('pages/contact.njk', {
        pageTitle: request.t('contact.title'),
        csrfToken: reply.generateCsrf(),
        values: form.values,
        errors: form.errors,
        errorSummary: true,
        fieldErrors: errorsByField(form.errors),
      });
    }
    const reference = await submitContactMessage(serviceContext(request, app.db), form.data);
    return reply.redirect(`/${place.slug}/contact/sent?reference=${encodeURIComponent(reference)}`, 303);
  });

  app.get<{ Querystring: { reference?: string } }>('/contact/sent', PUBLIC, async (request, reply) => {
    const reference =
      typeof request.query.reference === 'string' &&
      /^KC-[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(request.query.reference)
        ? request.query.reference
        : null;
    return reply.page('pages/contact-sent.njk', { pageTitle: request.t('contact.sentTitle'), reference });
  });
}

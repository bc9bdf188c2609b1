import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type BankHoliday, bankHolidayNationOf } from '../../../lib/bank-holidays/index.js';
import { needs } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { dateLabel, isRealDate } from '../bookings/booking-time.js';
import {
  addBankHolidays,
  bankHolidayYears,
  removeException,
  saveException,
  upcomingExceptions,
} from './exception-service.js';
import { ExceptionInput } from './space-input.js';
import { getSpace } from './space-service.js';

type SpaceParams = { Params: { space: string } };
type Flash = { Querystring: Record<string, unknown> };

const count = (v: unknown) => (typeof v === 'string' && /^\d{1,4}$/.test(v) ? Number(v) : null);
const day = (v: unknown) => (typeof v === 'string' && isRealDate(v) ? v : null);

/** Days that differ from a space's weekly hours: the officers' page, one form each, no JavaScript. */
export async function exceptionRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const manage = needs('spaces.manage');

  async function page(
    request: FastifyRequest<SpaceParams & Flash>,
    reply: FastifyReply,
    state: { values?: Record<string, string>; errors?: FormError[] } = {},
  ) {
    const c = ctx(request);
    const t = request.t;
    const lang = request.lang;
    const space = await getSpace(c, request.params.space);
    const items = await upcomingExceptions(c, space.slug);
    if (state.errors?.length) reply.code(422);
    // The date is one question: one message in the summary, pointing at its first box.
    const errors = (state.errors ?? [])
      .filter(
        (e, i, all) =>
          !e.field.startsWith('date-') || all.findIndex((x) => x.field.startsWith('date-')) === i,
      )
      .map((e) => (e.field.startsWith('date-') ? { ...e, field: 'date-day', href: '#date-day' } : e))
      .map((e) => (e.field === 'year' ? { ...e, href: '#bank-holidays' } : e));
    const fieldErrors = errorsByField(errors);
    const values = state.values ?? {};
    const q = request.query;
    const saved = day(q.saved);
    const removed = day(q.removed);
    const added = count(q.added);
    const place = requirePlace(request);
    const base = `/${place.slug}/spaces/${space.slug}`;
    return reply.page('spaces/spaces/views/exceptions.njk', {
      pageTitle: t('spaces.spaces.exceptions.title', { space: space.name }),
      space,
      base,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors,
      dateError: fieldErrors['date-day'] ?? fieldErrors['date-month'] ?? fieldErrors['date-year'],
      values,
      items: items.map((e) => ({ ...e, label: dateLabel(e.onDate, lang) })),
      kindItems: (['closed', 'hours'] as const).map((k) => ({
        value: k,
        text: t(`spaces.spaces.exceptions.${k === 'closed' ? 'kindClosed' : 'kindHours'}`),
        checked: values.kind === k,
      })),
      nation: t(`spaces.spaces.exceptions.nations.${bankHolidayNationOf(place.nation)}`),
      bankYears: bankHolidayYears(),
      saved: saved ? { date: saved, label: dateLabel(saved, lang), outside: count(q.outside) ?? 0 } : null,
      removed: removed ? dateLabel(removed, lang) : null,
      bankAdded: added === null ? null : { count: added, skipped: count(q.skipped) ?? 0 },
    });
  }

  app.get<SpaceParams & Flash>('/spaces/:space/exceptions', manage, async (request, reply) =>
    page(request, reply),
  );

  app.post<SpaceParams & Flash>(
    '/spaces/:space/exceptions',
    { ...manage, ...csrf },
    async (request, reply) => {
      const form = parseForm(ExceptionInput, request.body, request.t);
      if (!form.ok) return page(request, reply, form);
      try {
        const result = await saveException(ctx(request), request.params.space, form.values);
        const base = `/${requirePlace(request).slug}/spaces/${request.params.space}/exceptions`;
        return reply.redirect(`${base}?saved=${result.date}&outside=${result.bookingsOutside}`, 303);
      } catch (error) {
        if (error instanceof Invalid)
          return page(request, reply, { values: form.values, errors: formErrorsFrom(error, request.t) });
        throw error;
      }
    },
  );

  app.post<SpaceParams & Flash & { Body: { date?: unknown } }>(
    '/spaces/:space/exceptions/remove',
    { ...manage, ...csrf },
    async (request, reply) => {
      const date = typeof request.body?.date === 'string' ? request.body.date : '';
      await removeException(ctx(request), request.params.space, date);
      const base = `/${requirePlace(request).slug}/spaces/${request.params.space}/exceptions`;
      return reply.redirect(`${base}?removed=${date}`, 303);
    },
  );

  app.post<SpaceParams & Flash>(
    '/spaces/:space/exceptions/bank-holidays',
    { ...manage, ...csrf },
    async (request, reply) => {
      const t = request.t;
      const reasonOf = (h: BankHoliday) => {
        const name = t(`spaces.spaces.bankHolidays.${h.name}`);
        return h.substitute ? t('spaces.spaces.bankHolidays.substitute', { name }) : name;
      };
      try {
        const result = await addBankHolidays(
          ctx(request),
          request.params.space,
          request.body ?? {},
          reasonOf,
        );
        const base = `/${requirePlace(request).slug}/spaces/${request.params.space}/exceptions`;
        return reply.redirect(`${base}?added=${result.added.length}&skipped=${result.skipped.length}`, 303);
      } catch (error) {
        if (error instanceof Invalid) return page(request, reply, { errors: formErrorsFrom(error, t) });
        throw error;
      }
    },
  );
}

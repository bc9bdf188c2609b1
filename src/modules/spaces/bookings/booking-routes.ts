import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs, needsOrOwner, PUBLIC, SIGNED_IN } from '../../../platform/http/access.js';
import { Invalid, NotFound } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import { formatPence } from '../../../platform/i18n/i18n.js';
import { siteOf } from '../../../platform/module-definition.js';
import { can } from '../../../platform/roles/permissions.js';
import { actingGroupsOf } from '../../directory/groups/group-service.js';
import type { Price } from '../spaces/space-service.js';
import { getSpace } from '../spaces/space-service.js';
import { BookingInput, ChangeInput, FOR_MYSELF, REPEATS } from './booking-input.js';
import {
  type BookingView,
  bookSpace,
  cancelBooking,
  changeBooking,
  DatesUnavailable,
  daySheet,
  decideBooking,
  getBooking,
  myBookings,
  pendingBookings,
  weekAvailability,
} from './booking-service.js';
import { dateLabel } from './booking-time.js';

type SpaceParams = { Params: { space: string } };
type BookingParams = { Params: { booking: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[] };

/** Field errors from a service error; unavailable dates are listed by name. */
function errorsFrom(error: Invalid, request: FastifyRequest): FormError[] {
  if (error instanceof DatesUnavailable) {
    const t = request.t;
    const label = (d: string) => dateLabel(d, request.lang);
    // Days the space is closed all day are named with their reason, so the booker knows why.
    const closed = error.closures.map((c) =>
      c.reason
        ? t('spaces.bookings.errors.closedDay', { date: label(c.date), reason: c.reason })
        : label(c.date),
    );
    const text = [
      t('spaces.bookings.errors.datesUnavailable', { dates: error.dates.map(label).join(', ') }),
      closed.length ? t('spaces.bookings.errors.closedOn', { dates: closed.join(', ') }) : '',
    ];
    return [{ field: 'date', text: text.filter(Boolean).join(' '), href: '#date' }];
  }
  return formErrorsFrom(error, request.t);
}

/** Bookings: free times, booking forms, the booker's and the managers' pages. */
export async function bookingRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const site = () => siteOf(app.config);
  const withLabels = (request: FastifyRequest, b: BookingView) => ({
    ...b,
    dateLabel: dateLabel(b.date, request.lang),
  });

  app.get<SpaceParams & { Querystring: { week?: string } }>(
    '/spaces/:space/availability',
    PUBLIC,
    async (request, reply) => {
      const week = typeof request.query.week === 'string' ? request.query.week : null;
      const a = await weekAvailability(ctx(request), request.params.space, week);
      return reply.page('spaces/bookings/views/availability.njk', {
        pageTitle: request.t('spaces.bookings.availability.title', { space: a.space.name }),
        a,
        weekLabel: dateLabel(a.monday, request.lang),
        days: a.days.map((d) => ({ ...d, label: dateLabel(d.date, request.lang) })),
      });
    },
  );

  async function bookPage(request: FastifyRequest<SpaceParams>, reply: FastifyReply, state: FormState = {}) {
    const t = request.t;
    const [space, groups] = await Promise.all([
      getSpace(ctx(request), request.params.space),
      actingGroupsOf(ctx(request)),
    ]);
    // A closed space takes no bookings, so it has no booking form either.
    if (space.status !== 'active') throw new NotFound('No such space');
    const values = state.values ?? {};
    const money = (pence: number) =>
      pence === 0 ? t('spaces.spaces.page.free') : formatPence(pence, request.lang);
    // Each kind of hirer's hourly rate, and its concession rate where there is one ("Free" when free).
    const rate = (p: Price) =>
      p.pencePerHour === 0
        ? t('spaces.spaces.page.free')
        : p.concessionPencePerHour === null
          ? t('spaces.bookings.book.rate', { price: money(p.pencePerHour) })
          : t('spaces.bookings.book.rateWithConcession', {
              price: money(p.pencePerHour),
              concession: money(p.concessionPencePerHour),
            });
    const concessionTypes = space.prices.filter((p) => p.concessionPencePerHour !== null);
    if (state.errors?.length) reply.code(422);
    return reply.page('spaces/bookings/views/book.njk', {
      pageTitle: t('spaces.bookings.book.title', { space: space.name }),
      space,
      action: `/${requirePlace(request).slug}/spaces/${space.slug}/book`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      hirerItems: space.prices.map((p) => ({
        value: p.hirerType,
        text: t(`spaces.spaces.hirers.${p.hirerType}`),
        hint: { text: rate(p) },
        checked: values.hirerType === p.hirerType,
      })),
      // Only people in a group are asked who the booking is for.
      forItems: groups.length
        ? [
            {
              value: FOR_MYSELF,
              text: t('spaces.bookings.book.forMyself'),
              checked: (values.bookingFor || FOR_MYSELF) === FOR_MYSELF,
            },
            ...groups.map((g) => ({
              value: g.id,
              text: g.name,
              hint: { text: t('spaces.bookings.book.forGroupHint') },
              checked: values.bookingFor === g.id,
            })),
          ]
        : null,
      // The concession is offered when any kind of hirer here has a concession rate.
      concessionFor: concessionTypes.length
        ? concessionTypes.map((p) => t(`spaces.spaces.hirers.${p.hirerType}`)).join(', ')
        : null,
      repeatItems: REPEATS.map((r) => ({
        value: r,
        text: t(`spaces.bookings.book.repeat.${r}`),
        checked: (values.repeat || 'none') === r,
      })),
    });
  }

  app.get<SpaceParams & { Querystring: Record<string, unknown> }>(
    '/spaces/:space/book',
    needs('spaces.book'),
    async (request, reply) => {
      const q = request.query;
      const pick = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).slice(0, 10) : '');
      return bookPage(request, reply, {
        values: { date: pick('date'), start: pick('start'), end: pick('end') },
      });
    },
  );
  app.post<SpaceParams>(
    '/spaces/:space/book',
    { ...needs('spaces.book'), ...csrf },
    async (request, reply) => {
      const form = parseForm(BookingInput, request.body, request.t);
      if (!form.ok) return bookPage(request, reply, form);
      try {
        const result = await bookSpace(ctx(request), site(), request.params.space, form.values);
        return reply.redirect(
          `/${requirePlace(request).slug}/spaces/bookings/${result.ids[0]}?booked=${result.ids.length}`,
          303,
        );
      } catch (error) {
        if (error instanceof Invalid)
          return bookPage(request, reply, { values: form.values, errors: errorsFrom(error, request) });
        throw error;
      }
    },
  );

  app.get('/spaces/bookings', SIGNED_IN, async (request, reply) => {
    const items = await myBookings(ctx(request));
    return reply.page('spaces/bookings/views/mine.njk', {
      pageTitle: request.t('spaces.bookings.mine.title'),
      items: items.map((b) => withLabels(request, b)),
    });
  });

  app.get('/spaces/approvals', needs('spaces.manage'), async (request, reply) => {
    const items = await pendingBookings(ctx(request));
    return reply.page('spaces/bookings/views/approvals.njk', {
      pageTitle: request.t('spaces.bookings.approvals.title'),
      items: items.map((b) => withLabels(request, b)),
      csrfToken: reply.generateCsrf(),
    });
  });

  app.get<SpaceParams & { Querystring: { date?: string } }>(
    '/spaces/:space/day',
    needs('spaces.manage'),
    async (request, reply) => {
      const sheet = await daySheet(ctx(request), request.params.space, request.query.date ?? null);
      return reply.page('spaces/bookings/views/day.njk', {
        pageTitle: request.t('spaces.bookings.day.title', {
          space: sheet.space.name,
          date: dateLabel(sheet.date, request.lang),
        }),
        sheet,
        items: sheet.items.map((b) => withLabels(request, b)),
      });
    },
  );

  async function bookingPage(
    request: FastifyRequest<BookingParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const booking = await getBooking(ctx(request), request.params.booking);
    if (state.errors?.length) reply.code(422);
    const query = request.query as Record<string, unknown>;
    return reply.page('spaces/bookings/views/booking.njk', {
      pageTitle: booking.title,
      booking: withLabels(request, booking),
      booked: Number(query.booked) || 0,
      notice: typeof query.done === 'string' && /^[a-z]+$/.test(query.done) ? query.done : null,
      live: booking.status === 'pending' || booking.status === 'confirmed',
      canDecide: booking.status === 'pending' && can(request.actor, 'spaces.manage'),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values: state.values ?? {},
    });
  }

  app.get<BookingParams>('/spaces/bookings/:booking', needsOrOwner('spaces.manage'), async (request, reply) =>
    bookingPage(request, reply),
  );

  const back = (request: FastifyRequest<BookingParams>, done: string) =>
    `/${requirePlace(request).slug}/spaces/bookings/${request.params.booking}?done=${done}`;

  app.post<BookingParams>(
    '/spaces/bookings/:booking/cancel',
    { ...needsOrOwner('spaces.manage'), ...csrf },
    async (request, reply) => {
      try {
        await cancelBooking(ctx(request), site(), request.params.booking, request.body);
        return reply.redirect(back(request, 'cancelled'), 303);
      } catch (error) {
        if (error instanceof Invalid)
          return bookingPage(request, reply, { errors: formErrorsFrom(error, request.t) });
        throw error;
      }
    },
  );

  app.post<BookingParams>(
    '/spaces/bookings/:booking/decision',
    { ...needs('spaces.manage'), ...csrf },
    async (request, reply) => {
      try {
        const body = request.body as Record<string, unknown> | undefined;
        await decideBooking(ctx(request), site(), request.params.booking, request.body);
        const returnTo =
          body?.returnTo === 'approvals' ? `/${requirePlace(request).slug}/spaces/approvals` : null;
        return reply.redirect(
          returnTo ?? back(request, body?.decision === 'approve' ? 'approved' : 'declined'),
          303,
        );
      } catch (error) {
        if (error instanceof Invalid)
          return bookingPage(request, reply, { errors: formErrorsFrom(error, request.t) });
        throw error;
      }
    },
  );

  async function changePage(
    request: FastifyRequest<BookingParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const booking = await getBooking(ctx(request), request.params.booking);
    if (state.errors?.length) reply.code(422);
    return reply.page('spaces/bookings/views/change.njk', {
      pageTitle: request.t('spaces.bookings.change.title'),
      booking,
      action: `/${requirePlace(request).slug}/spaces/bookings/${booking.id}/change`,
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values: state.values ?? { date: booking.date, start: booking.startTime, end: booking.endTime },
    });
  }

  app.get<BookingParams>(
    '/spaces/bookings/:booking/change',
    needsOrOwner('spaces.manage'),
    async (request, reply) => changePage(request, reply),
  );
  app.post<BookingParams>(
    '/spaces/bookings/:booking/change',
    { ...needsOrOwner('spaces.manage'), ...csrf },
    async (request, reply) => {
      const form = parseForm(ChangeInput, request.body, request.t);
      if (!form.ok) return changePage(request, reply, form);
      try {
        await changeBooking(ctx(request), site(), request.params.booking, form.values);
        return reply.redirect(back(request, 'changed'), 303);
      } catch (error) {
        if (error instanceof Invalid)
          return changePage(request, reply, { values: form.values, errors: errorsFrom(error, request) });
        throw error;
      }
    },
  );
}

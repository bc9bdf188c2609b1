import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fileSizeText } from '../../../lib/file-kind/file-kind.js';
import { londonParts } from '../../../lib/london-clock.js';
import { earliestEventDate, type Mode } from '../../../lib/street-notice/deadlines.js';
import { nextStatus } from '../../../lib/street-notice/states.js';
import { needs, PUBLIC, SIGNED_IN } from '../../../platform/http/access.js';
import { dateInputValues } from '../../../platform/http/date-input.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import { errorsByField, type FormError } from '../../../platform/http/forms.js';
import { requirePlace, type ServiceContext, serviceContext } from '../../../platform/http/request-context.js';
import { formatPence, type Language, type Translate } from '../../../platform/i18n/i18n.js';
import { siteOf } from '../../../platform/module-definition.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards, wardMapSvg } from '../../wards/ward-service.js';
import { getNoticeType, listNoticeTypes, type NoticeType, streetMode } from '../types/type-service.js';
import { listDocuments, type ProvidedDocument } from './document-service.js';
import { holidaysOf, londonToday } from './notice-clock.js';
import { type JourneyStep, journeySteps, STEPS, type Step } from './notice-input.js';
import {
  actOnNotice,
  canAct,
  getNotice,
  missingSteps,
  myNotices,
  NOTICE_ACTS,
  NOTIFY,
  type Notice,
  type NoticeAct,
  noticeHistory,
  RESPOND,
  saveStep,
  startNotice,
  submitNotice,
} from './notice-service.js';

const V = 'streets/notices/views';
const J = 'streets.journey';

type NoticeParams = { Params: { notice: string } };
type ActParams = { Params: { notice: string; act: string } };
type TypeParams = { Params: { type: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[]; status?: number };

/** The status tag's colour, by status. */
const TAG: Record<string, string> = {
  draft: 'grey',
  'going-ahead': 'green',
  confirmed: 'green',
  approved: 'green',
  held: 'blue',
  objected: 'red',
  refused: 'red',
  stopped: 'red',
  submitted: 'yellow',
  appealed: 'yellow',
  withdrawn: 'grey',
  lapsed: 'grey',
};

const LOCALE: Record<Language, string> = { en: 'en-GB', cy: 'cy-GB' };

/** "Saturday 27 March 2027" for a civil date (GOV.UK style: no comma after the day's name). */
export function dayLabel(date: string, lang: Language): string {
  const parts = new Intl.DateTimeFormat(LOCALE[lang], {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).formatToParts(new Date(`${date}T12:00:00Z`));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/** The day a "by the end of" deadline falls on (the instant is the next midnight). */
const deadlineDay = (at: Date, lang: Language) =>
  dayLabel(londonParts(new Date(at.getTime() - 1)).date, lang);

function whenLabel(t: Translate, lang: Language, n: Pick<Notice, 'startsAt' | 'endsAt'>): string {
  if (!n.startsAt || !n.endsAt) return '';
  const s = londonParts(n.startsAt);
  const e = londonParts(n.endsAt);
  return s.date === e.date
    ? t(`${J}.whenSameDay`, { day: dayLabel(s.date, lang), start: s.time, end: e.time })
    : t(`${J}.whenDays`, {
        startDay: dayLabel(s.date, lang),
        start: s.time,
        endDay: dayLabel(e.date, lang),
        end: e.time,
      });
}

function noticeNeeded(t: Translate, type: NoticeType): string {
  if (type.noticeUnit === 'working-days')
    return t(`${J}.landing.noticeWorkingDays`, { count: type.noticeAmount });
  return type.noticeAmount % 7 === 0 && type.noticeAmount >= 14
    ? t(`${J}.landing.noticeWeeks`, { count: type.noticeAmount / 7 })
    : t(`${J}.landing.noticeDays`, { count: type.noticeAmount });
}

const fee = (t: Translate, lang: Language, pence: number) =>
  pence === 0 ? t(`${J}.free`) : formatPence(pence, lang);

/** A changed step on a notification already sent is an amendment; some statuses allow none. */
export const changeable = (n: Notice) =>
  n.status === 'draft' || nextStatus(n.status, 'amend', { mode: n.mode, windowClosed: false }) !== null;

export const isOrganiserOf = (ctx: ServiceContext, n: Notice) =>
  !!ctx.actor && n.organiserId === ctx.actor.userId;

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping NUL bytes is the point
const NUL = /\u0000/g;

/** A form body as a flat record of strings; anything else is treated as empty. */
export function formBody(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object' && !Array.isArray(body))
    for (const [k, v] of Object.entries(body as Record<string, unknown>))
      if (typeof v === 'string') out[k] = v.replace(NUL, '');
  return out;
}

export const toErrors = (
  t: Translate,
  errors: Record<string, string>,
  href = (f: string) => `#${f}`,
): FormError[] => Object.entries(errors).map(([field, key]) => ({ field, text: t(key), href: href(field) }));

/** What a step's form shows, from the notification as saved. */
function savedValues(n: Notice, step: Step, displayName: string): Record<string, string> {
  switch (step) {
    case 'where':
      return {
        wardCode: n.wardCode ?? '',
        street: n.street,
        fromPoint: n.fromPoint,
        toPoint: n.toPoint,
        locationText: n.locationText,
      };
    case 'when': {
      if (!n.startsAt || !n.endsAt) return {};
      const s = londonParts(n.startsAt);
      const e = londonParts(n.endsAt);
      const sd = dateInputValues(s.date);
      const ed = e.date === s.date ? dateInputValues(null) : dateInputValues(e.date);
      return {
        'start-day': sd.day,
        'start-month': sd.month,
        'start-year': sd.year,
        'end-day': ed.day,
        'end-month': ed.month,
        'end-year': ed.year,
        startTime: s.time,
        endTime: e.time,
      };
    }
    case 'what':
      return {
        title: n.title,
        description: n.description,
        expectedPeople: n.expectedPeople === null ? '' : String(n.expectedPeople),
        roadClosure: n.roadClosure === null ? '' : n.roadClosure ? 'yes' : 'no',
      };
    case 'questions':
      return Object.fromEntries(Object.entries(n.answers).map(([k, v]) => [`q-${k}`, String(v)]));
    case 'contact':
      return {
        organiserName: n.organiserName || displayName,
        organiserPhone: n.organiserPhone,
        showOrganiser: n.organiserName ? (n.showOrganiser ? 'yes' : 'no') : '',
      };
  }
}

/** The details of a notification as summary-list rows, with Change links when `changeHref` is given. */
function detailRows(
  t: Translate,
  lang: Language,
  n: Notice,
  type: NoticeType,
  changeHref: ((step: JourneyStep) => string) | null,
  documents: ProvidedDocument[] | null = null,
) {
  const yesNo = (v: boolean | null) => (v === null ? t(`${J}.notAnswered`) : t(v ? `${J}.yes` : `${J}.no`));
  const row = (key: string, value: string, step: JourneyStep | null, show = true) =>
    show
      ? {
          key: { text: t(`${J}.rows.${key}`) },
          value: { text: value || t(`${J}.notAnswered`) },
          ...(step && changeHref
            ? {
                actions: {
                  items: [
                    {
                      href: changeHref(step),
                      text: t(`${J}.change`),
                      visuallyHiddenText: t(`${J}.rows.${key}`).toLowerCase(),
                    },
                  ],
                },
              }
            : {}),
        }
      : null;
  const rows = [
    row('type', type.name, null),
    row('street', n.street, 'where', !!n.street || !n.locationText),
    row('from', n.fromPoint, 'where', !!n.fromPoint),
    row('to', n.toPoint, 'where', !!n.toPoint),
    row('locationText', n.locationText, 'where', !!n.locationText),
    row('ward', n.wardName ?? '', 'where', !!n.wardName),
    row('when', whenLabel(t, lang, n), 'when'),
    row('title', n.title, 'what'),
    row('description', n.description, 'what', !!n.description),
    row('people', n.expectedPeople === null ? '' : String(n.expectedPeople), 'what'),
    row('roadClosure', yesNo(n.roadClosure), 'what'),
    ...type.questions.map((q) => {
      const a = n.answers[q.id];
      const text =
        a === undefined ? '' : q.kind === 'yes-no' ? t(`${J}.${a === 'yes' ? 'yes' : 'no'}`) : String(a);
      return {
        key: { text: q.label },
        value: { text: text || t(`${J}.notAnswered`) },
        ...(changeHref
          ? {
              actions: {
                items: [
                  { href: changeHref('questions'), text: t(`${J}.change`), visuallyHiddenText: q.label },
                ],
              },
            }
          : {}),
      };
    }),
    // The notification's page lists documents apart, with their download links.
    ...(documents ? documentRows(t, lang, type, documents, changeHref) : []),
    row('name', n.organiserName, 'contact'),
    row('phone', n.organiserPhone, 'contact', !!n.organiserPhone),
    row('email', n.organiserEmail ?? '', null, !!n.organiserEmail),
    row('show', n.organiserName ? yesNo(n.showOrganiser) : '', 'contact'),
    row('fee', fee(t, lang, n.feePence), null),
  ];
  return rows.filter((r) => r !== null);
}

/** "insurance.pdf, 120 KB" for a document provided, in the language of the page. */
export const documentText = (t: Translate, lang: Language, d: ProvidedDocument) =>
  t(`${J}.documents.fileSize`, { name: d.fileName, size: fileSizeText(d.sizeBytes, LOCALE[lang]) });

/** One summary-list row per document the type asks for: what was provided, or that it was not. */
function documentRows(
  t: Translate,
  lang: Language,
  type: NoticeType,
  documents: ProvidedDocument[],
  changeHref: ((step: JourneyStep) => string) | null,
) {
  return type.documents.map((doc) => {
    const provided = documents.find((d) => d.documentId === doc.id);
    return {
      key: { text: doc.name },
      value: {
        text: provided
          ? documentText(t, lang, provided)
          : t(doc.required ? `${J}.documents.notProvided` : `${J}.notAnswered`),
      },
      ...(changeHref
        ? {
            actions: {
              items: [
                { href: changeHref('documents'), text: t(`${J}.change`), visuallyHiddenText: doc.name },
              ],
            },
          }
        : {}),
    };
  });
}

/**
 * The resident's journey, the notification's page, officers' and organisers' acts, and "your
 * notifications". A notification's own pages only need sign-in at the route: the service shows
 * them to the organiser and officers, and tells everyone else there is nothing there (404).
 */
export async function noticeRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const site = siteOf(app.config);
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest) => `/${requirePlace(request).slug}/streets`;
  const noticeUrl = (request: FastifyRequest, id: string) => `${base(request)}/notices/${id}`;

  /** The organiser's own notification; anyone else is told it is not there. */
  async function own(request: FastifyRequest<NoticeParams>) {
    const c = ctx(request);
    const n = await getNotice(c, request.params.notice);
    if (!isOrganiserOf(c, n)) throw new NotFound();
    const type = await getNoticeType(c, n.typeSlug);
    return { c, n, type };
  }

  /** The first date this type can be given for, today, in the mode it would be sent in. */
  async function earliest(c: ServiceContext, type: NoticeType, mode?: Mode) {
    const m = mode ?? (await streetMode(c.db, c.place.id));
    return earliestEventDate(type, m, londonToday(new Date()), holidaysOf(c.place));
  }

  app.get('/streets', PUBLIC, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const types = await listNoticeTypes(c, { activeOnly: true });
    const canNotify = can(request.actor, NOTIFY);
    return reply.page(`${V}/landing.njk`, {
      pageTitle: t(`${J}.landing.title`),
      mode: await streetMode(c.db, c.place.id),
      canNotify,
      signedIn: !!request.actor,
      csrfToken: canNotify ? reply.generateCsrf() : '',
      types: types.map((type) => ({
        ...type,
        rows: [
          { key: { text: t(`${J}.landing.notice`) }, value: { text: noticeNeeded(t, type) } },
          {
            key: { text: t(`${J}.landing.legal`) },
            value: { text: t(`${J}.landing.instruments.${type.legalInstrument}`) },
          },
          { key: { text: t(`${J}.landing.fee`) }, value: { text: fee(t, request.lang, type.feePence) } },
        ],
      })),
    });
  });

  app.get<TypeParams>('/streets/new/:type', needs(NOTIFY), async (request, reply) => {
    const c = ctx(request);
    const type = await getNoticeType(c, request.params.type);
    if (!type.active) throw new NotFound();
    return reply.page(`${V}/start.njk`, {
      pageTitle: type.name,
      type,
      notice: noticeNeeded(request.t, type),
      earliest: dayLabel(await earliest(c, type), request.lang),
      action: `${base(request)}/new/${type.slug}`,
      csrfToken: reply.generateCsrf(),
    });
  });

  app.post<TypeParams>('/streets/new/:type', { ...needs(NOTIFY), ...csrf }, async (request, reply) => {
    const id = await startNotice(ctx(request), request.params.type);
    return reply.redirect(`${noticeUrl(request, id)}/where`, 303);
  });

  async function stepPage(
    request: FastifyRequest<NoticeParams>,
    reply: FastifyReply,
    step: Step,
    state: FormState = {},
  ) {
    const { c, n, type } = await own(request);
    const t = request.t;
    const url = noticeUrl(request, n.id);
    if (!changeable(n)) return reply.redirect(url, 303);
    const steps = journeySteps(type);
    if (!steps.includes(step)) return reply.redirect(`${url}/${steps[steps.indexOf('what') + 1]}`, 303);
    const query = request.query as Record<string, unknown>;
    const fromCheck = query.return === 'check';
    const previous = steps[steps.indexOf(step) - 1];
    const backHref =
      n.status !== 'draft'
        ? url
        : fromCheck
          ? `${url}/check`
          : previous
            ? `${url}/${previous}`
            : `${base(request)}/new/${type.slug}`;
    const values = state.values ?? savedValues(n, step, request.session?.displayName ?? '');
    if (step === 'where' && !state.values && typeof query.ward === 'string') values.wardCode = query.ward;
    const errors = state.errors ?? [];
    const data: Record<string, unknown> = {};
    if (step === 'where') {
      const wards = await listWards(c);
      data.wardItems = [
        { value: '', text: t(`${J}.where.wardNone`) },
        ...wards.map((w) => ({ value: w.code, text: w.name, selected: values.wardCode === w.code })),
      ];
      data.map = await wardMapSvg(c, {
        title: t(`${J}.where.mapTitle`, { place: c.place.name }),
        description: t(`${J}.where.mapDescription`),
        idPrefix: 'street-ward-map',
        ...(values.wardCode ? { highlightCode: values.wardCode } : {}),
        choose: {
          href: `${url}/where?ward={code}${fromCheck ? '&return=check' : ''}#wardCode`,
          label: t(`${J}.where.mapChoose`),
        },
      });
    }
    if (step === 'when')
      data.earliest = dayLabel(
        await earliest(c, type, n.status === 'draft' ? undefined : n.mode),
        request.lang,
      );
    if (step === 'questions')
      data.questions = type.questions.map((q) => ({
        ...q,
        name: `q-${q.id}`,
        items:
          q.kind === 'yes-no'
            ? ['yes', 'no'].map((v) => ({
                value: v,
                text: t(`${J}.${v}`),
                checked: values[`q-${q.id}`] === v,
              }))
            : q.options.map((o) => ({ value: o, text: o, checked: values[`q-${q.id}`] === o })),
      }));
    reply.code(state.status ?? (errors.length ? 422 : 200));
    return reply.page(`${V}/step-${step}.njk`, {
      pageTitle: t(`${J}.${step}.title`, { type: type.name.toLowerCase() }),
      notice: n,
      type,
      step,
      action: `${url}/${step}${fromCheck ? '?return=check' : ''}`,
      backHref,
      submitText: t(n.status === 'draft' ? `${J}.continue` : `${J}.saveChanges`),
      email: n.organiserEmail ?? request.session?.email ?? '',
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values,
      ...data,
    });
  }

  for (const step of STEPS) {
    app.get<NoticeParams>(`/streets/notices/:notice/${step}`, needs(NOTIFY), (request, reply) =>
      stepPage(request, reply, step),
    );
    app.post<NoticeParams>(
      `/streets/notices/:notice/${step}`,
      { ...needs(NOTIFY), ...csrf },
      async (request, reply) => {
        const values = formBody(request.body);
        const { c, n, type } = await own(request);
        let result: { errors: Record<string, string> };
        try {
          result = await saveStep(c, site, n.id, step, values);
        } catch (error) {
          if (error instanceof Conflict)
            return stepPage(request, reply, step, {
              values,
              status: 409,
              errors: [{ field: 'form', text: request.t(error.message), href: '#main-content' }],
            });
          throw error;
        }
        if (Object.keys(result.errors).length)
          return stepPage(request, reply, step, { values, errors: toErrors(request.t, result.errors) });
        const url = noticeUrl(request, n.id);
        if (n.status !== 'draft') return reply.redirect(`${url}?done=amended`, 303);
        const query = request.query as Record<string, unknown>;
        const steps = journeySteps(type);
        const next = steps[steps.indexOf(step) + 1];
        return reply.redirect(query.return === 'check' || !next ? `${url}/check` : `${url}/${next}`, 303);
      },
    );
  }

  async function checkPage(
    request: FastifyRequest<NoticeParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const { c, n, type } = await own(request);
    const url = noticeUrl(request, n.id);
    if (n.status !== 'draft') return reply.redirect(url, 303);
    const t = request.t;
    const documents = await listDocuments(c, n.id);
    const missing = missingSteps(n, type);
    const errors = state.errors ?? [];
    if (errors.length) reply.code(422);
    const steps = journeySteps(type);
    return reply.page(`${V}/check.njk`, {
      pageTitle: t(`${J}.check.title`),
      notice: n,
      mode: await streetMode(c.db, c.place.id),
      rows: detailRows(t, request.lang, n, type, (s) => `${url}/${s}?return=check`, documents),
      missing,
      backHref: `${url}/${steps[steps.length - 1]}`,
      action: `${url}/check`,
      csrfToken: reply.generateCsrf(),
      errors,
    });
  }

  app.get<NoticeParams>('/streets/notices/:notice/check', needs(NOTIFY), (request, reply) =>
    checkPage(request, reply),
  );
  app.post<NoticeParams>(
    '/streets/notices/:notice/check',
    { ...needs(NOTIFY), ...csrf },
    async (request, reply) => {
      const { c, n } = await own(request);
      const url = noticeUrl(request, n.id);
      try {
        await submitNotice(c, site, n.id);
      } catch (error) {
        if (error instanceof Invalid)
          return checkPage(request, reply, {
            // The service names the step to go back to (or "when" for a date now too soon).
            errors: toErrors(request.t, error.fieldErrors, (step) => `${url}/${step}?return=check`),
          });
        if (error instanceof Conflict) return reply.redirect(url, 303);
        throw error;
      }
      return reply.redirect(`${url}/sent`, 303);
    },
  );

  app.get<NoticeParams>('/streets/notices/:notice/sent', SIGNED_IN, async (request, reply) => {
    const c = ctx(request);
    const n = await getNotice(c, request.params.notice);
    const url = noticeUrl(request, n.id);
    if (n.status === 'draft') return reply.redirect(`${url}/check`, 303);
    const t = request.t;
    return reply.page(`${V}/sent.njk`, {
      pageTitle: t(n.mode === 'notify' ? `${J}.sent.titleNotify` : `${J}.sent.titleApprove`),
      notice: n,
      next:
        n.mode === 'notify'
          ? t(`${J}.sent.nextNotify`, {
              date: n.objectionDeadline ? deadlineDay(n.objectionDeadline, request.lang) : '',
            })
          : t(`${J}.sent.nextApprove`, {
              date: n.decisionDeadline ? deadlineDay(n.decisionDeadline, request.lang) : '',
            }),
      url,
    });
  });

  async function noticePage(
    request: FastifyRequest<NoticeParams>,
    reply: FastifyReply,
    state: FormState = {},
  ) {
    const c = ctx(request);
    const t = request.t;
    const n = await getNotice(c, request.params.notice);
    const type = await getNoticeType(c, n.typeSlug);
    const url = noticeUrl(request, n.id);
    const organiser = isOrganiserOf(c, n);
    const canChange = organiser && n.status !== 'draft' && changeable(n);
    const now = new Date();
    const query = request.query as Record<string, unknown>;
    const done =
      typeof query.done === 'string' && [...NOTICE_ACTS, 'amended'].includes(query.done) ? query.done : null;
    const history = await noticeHistory(c, n.id);
    const provided = await listDocuments(c, n.id);
    const acts = NOTICE_ACTS.filter((a) => canAct(c, n, a, now));
    const deadlinePassed = !!n.objectionDeadline && n.objectionDeadline.getTime() <= now.getTime();
    const errors = state.errors ?? [];
    if (errors.length) reply.code(state.status ?? 422);
    return reply.page(`${V}/notice.njk`, {
      pageTitle: n.title || type.name,
      notice: n,
      typeName: type.name,
      statusText: t(`streets.notices.statuses.${n.status}`),
      tagClass: `govuk-tag--${TAG[n.status] ?? 'grey'}`,
      when: whenLabel(t, request.lang, n),
      objection:
        n.mode === 'notify' && n.objectionDeadline
          ? t(deadlinePassed ? `${J}.notice.objectionsClosed` : `${J}.notice.objectionsUntil`, {
              date: deadlineDay(n.objectionDeadline, request.lang),
            })
          : null,
      decision:
        n.mode === 'approve' && n.decisionDeadline && n.status === 'submitted'
          ? t(`${J}.notice.decisionDue`, { date: deadlineDay(n.decisionDeadline, request.lang) })
          : null,
      rows: detailRows(t, request.lang, n, type, canChange ? (s) => `${url}/${s}` : null),
      canChange,
      organiser,
      documents: [
        ...type.documents.map((doc) => ({ id: doc.id, name: doc.name })),
        // One the type no longer asks for is still the resident's, and officers may need it.
        ...provided
          .filter((d) => !type.documents.some((doc) => doc.id === d.documentId))
          .map((d) => ({ id: d.documentId, name: d.documentId })),
      ].map((doc) => {
        const d = provided.find((p) => p.documentId === doc.id);
        return {
          name: doc.name,
          text: d ? documentText(t, request.lang, d) : null,
          href: d ? `${url}/documents/${encodeURIComponent(doc.id)}` : null,
        };
      }),
      documentsHref: `${url}/documents`,
      history: history.map((h) => ({
        at: h.at,
        action: t(`streets.notices.actions.${h.action}`),
        reason: h.action === 'amend' ? '' : h.reason,
      })),
      acts: acts.map((a) => ({
        href: `${url}/act/${a}`,
        text: t(`${J}.act.acts.${a}.title`),
        warning: ['object', 'refuse', 'dismiss-appeal', 'withdraw'].includes(a),
      })),
      done: done ? t(`${J}.notice.done.${done}`) : null,
      url,
      errors,
    });
  }

  app.get<NoticeParams>('/streets/notices/:notice', SIGNED_IN, (request, reply) =>
    noticePage(request, reply),
  );

  async function actPage(request: FastifyRequest<ActParams>, reply: FastifyReply, state: FormState = {}) {
    const act = request.params.act as NoticeAct;
    if (!NOTICE_ACTS.includes(act)) throw new NotFound();
    const c = ctx(request);
    const t = request.t;
    const n = await getNotice(c, request.params.notice);
    const url = noticeUrl(request, n.id);
    const officerAct = ['object', 'refuse', 'approve', 'uphold-appeal', 'dismiss-appeal'].includes(act);
    const entitled = officerAct ? can(c.actor, RESPOND) : isOrganiserOf(c, n);
    let blocked: string | null = null;
    if (!entitled) blocked = t(`${J}.act.notYours`);
    else if (!canAct(c, n, act)) {
      const late = act === 'object' && n.status === 'going-ahead';
      blocked = t(`streets.notices.errors.${late ? 'objectionTooLate' : 'cannotNow'}`);
    }
    const errors = state.errors ?? [];
    reply.code(state.status ?? (errors.length ? 422 : blocked ? (entitled ? 409 : 403) : 200));
    return reply.page(`${V}/act.njk`, {
      pageTitle: t(`${J}.act.acts.${act}.title`),
      notice: n,
      act,
      reasonRequired: act !== 'approve' && act !== 'withdraw',
      blocked,
      warningButton: ['object', 'refuse', 'dismiss-appeal', 'withdraw'].includes(act),
      action: `${url}/act/${act}`,
      backHref: url,
      csrfToken: reply.generateCsrf(),
      errors,
      fieldErrors: errorsByField(errors),
      values: state.values ?? {},
    });
  }

  app.get<ActParams>('/streets/notices/:notice/act/:act', SIGNED_IN, (request, reply) =>
    actPage(request, reply),
  );
  app.post<ActParams>(
    '/streets/notices/:notice/act/:act',
    { ...SIGNED_IN, ...csrf },
    async (request, reply) => {
      const act = request.params.act as NoticeAct;
      if (!NOTICE_ACTS.includes(act)) throw new NotFound();
      const values = formBody(request.body);
      try {
        const n = await actOnNotice(ctx(request), site, request.params.notice, act, values);
        return reply.redirect(`${noticeUrl(request, n.id)}?done=${act}`, 303);
      } catch (error) {
        const message = (key: string) => [{ field: 'reason', text: request.t(key), href: '#reason' }];
        if (error instanceof Invalid)
          return actPage(request, reply, { values, errors: toErrors(request.t, error.fieldErrors) });
        if (error instanceof Conflict)
          return actPage(request, reply, { values, status: 409, errors: message(error.message) });
        if (error instanceof Forbidden)
          return actPage(request, reply, { values, status: 403, errors: message(`${J}.act.notYours`) });
        throw error;
      }
    },
  );

  app.get('/streets/mine', SIGNED_IN, async (request, reply) => {
    const c = ctx(request);
    const t = request.t;
    const items = await myNotices(c);
    return reply.page(`${V}/mine.njk`, {
      pageTitle: t(`${J}.mine.title`),
      items: items.map((n) => ({
        href: noticeUrl(request, n.id) + (n.status === 'draft' ? '/check' : ''),
        reference: n.reference,
        title: n.title || n.typeName,
        date: n.startsAt ? dayLabel(londonParts(n.startsAt).date, request.lang) : '',
        status: t(`streets.notices.statuses.${n.status}`),
        tagClass: `govuk-tag--${TAG[n.status] ?? 'grey'}`,
      })),
    });
  });
}

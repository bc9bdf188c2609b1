import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needs } from '../../../platform/http/access.js';
import { Invalid } from '../../../platform/http/errors.js';
import { errorsByField, type FormError, formErrorsFrom, parseForm } from '../../../platform/http/forms.js';
import { requirePlace, serviceContext } from '../../../platform/http/request-context.js';
import type { Translate } from '../../../platform/i18n/i18n.js';
import { QUESTION_KINDS } from '../types/questions.js';
import { longestWindow, TypeInput, windowProblems } from '../types/type-input.js';
import {
  getNoticeType,
  LEGAL_INSTRUMENTS,
  listNoticeTypes,
  NOTICE_KINDS,
  type NoticeType,
} from '../types/type-service.js';
import {
  addDocument,
  addQuestion,
  CONFIGURE,
  changeDocument,
  changeQuestion,
  createNoticeType,
  typeFormValues,
  updateNoticeType,
} from './config-service.js';

type TypeParams = { Params: { type: string } };
type FormState = { values?: Record<string, string>; errors?: FormError[]; banner?: string | null };

const BANNERS: Record<string, string> = {
  saved: 'streets.types.form.saved',
  created: 'streets.types.form.created',
  question: 'streets.types.questions.changed',
  'question-added': 'streets.types.questions.added',
  document: 'streets.types.documents.changed',
  'document-added': 'streets.types.documents.added',
};

/**
 * The rule the objection window and decision time must keep, with the numbers in the message
 * (parseForm's messages cannot carry them).
 */
function windowErrors(t: Translate, v: Pick<TypeInput, (typeof WINDOW_FIELDS)[number]>): FormError[] {
  const longest = longestWindow(v.noticeAmount, v.noticeUnit);
  const notice = t('streets.types.amount', {
    n: v.noticeAmount,
    unit: t(`streets.types.units.${v.noticeUnit}`),
  });
  return Object.entries(windowProblems(v)).map(([field, key]) => ({
    field,
    text: t(key, { notice, longest }),
    href: `#${field}`,
  }));
}

const WINDOW_FIELDS = ['noticeAmount', 'noticeUnit', 'objectionWorkingDays', 'decisionWorkingDays'] as const;
const WindowInput = TypeInput.pick({
  noticeAmount: true,
  noticeUnit: true,
  objectionWorkingDays: true,
  decisionWorkingDays: true,
});

/**
 * The type form, read: every problem at once, including the window rule when the numbers it
 * needs are readable, however the rest of the form went.
 */
function readTypeForm(request: FastifyRequest) {
  const form = parseForm(TypeInput, request.body, request.t);
  const numbers = WindowInput.safeParse(form.values);
  const problems = numbers.success ? windowErrors(request.t, numbers.data) : [];
  if (form.ok && !problems.length) return form;
  const errors = form.ok ? problems : [...form.errors, ...problems];
  return { ok: false as const, values: form.values, errors };
}

/** A place admin's pages for the kinds of notification the place takes. */
export async function typeConfigRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };
  const ctx = (request: FastifyRequest) => serviceContext(request, app.db);
  const base = (request: FastifyRequest) => `/${requirePlace(request).slug}/streets/types`;

  app.get('/streets/types', needs(CONFIGURE), async (request, reply) => {
    const types = await listNoticeTypes(ctx(request));
    return reply.page('streets/manage/views/types.njk', {
      pageTitle: request.t('streets.types.list.title'),
      types,
    });
  });

  function formItems(t: Translate, values: Record<string, string>) {
    return {
      kindItems: NOTICE_KINDS.map((k) => ({
        value: k,
        text: t(`streets.types.kinds.${k}`),
        checked: values.kind === k,
      })),
      unitItems: [
        {
          value: 'calendar-days',
          text: t('streets.types.form.calendarDays'),
          checked: values.noticeUnit === 'calendar-days',
        },
        {
          value: 'working-days',
          text: t('streets.types.form.workingDaysUnit'),
          hint: { text: t('streets.types.form.workingDaysUnitHint') },
          checked: values.noticeUnit === 'working-days',
        },
      ],
      instrumentItems: LEGAL_INSTRUMENTS.map((i) => ({
        value: i,
        text: t(`streets.types.instruments.${i}`),
        hint: { text: t(`streets.types.instruments.${i}Hint`) },
        checked: values.legalInstrument === i,
      })),
      activeItems: [
        { value: 'yes', text: t('streets.types.form.yes'), checked: values.active === 'yes' },
        { value: 'no', text: t('streets.types.form.no'), checked: values.active === 'no' },
      ],
      questionKindItems: QUESTION_KINDS.map((k) => ({
        value: k,
        text: t(`streets.types.questionKinds.${k}`),
        checked: values.questionKind === k,
      })),
    };
  }

  async function newPage(request: FastifyRequest, reply: FastifyReply, state: FormState = {}) {
    const values = state.values ?? {};
    if (state.errors?.length) reply.code(422);
    return reply.page('streets/manage/views/type-form.njk', {
      pageTitle: request.t('streets.types.form.newTitle'),
      action: base(request),
      back: base(request),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      type: null,
      ...formItems(request.t, values),
    });
  }

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    type: NoticeType,
    state: FormState = {},
  ) {
    const values = { ...typeFormValues(type), ...(state.values ?? {}) };
    if (state.errors?.length) reply.code(422);
    return reply.page('streets/manage/views/type-form.njk', {
      pageTitle: request.t('streets.types.form.editTitle', { name: type.name }),
      action: `${base(request)}/${type.slug}`,
      back: base(request),
      csrfToken: reply.generateCsrf(),
      errors: state.errors ?? [],
      fieldErrors: errorsByField(state.errors ?? []),
      values,
      type,
      banner: state.banner ? request.t(state.banner) : null,
      ...formItems(request.t, values),
    });
  }

  app.get('/streets/types/new', needs(CONFIGURE), async (request, reply) =>
    newPage(request, reply, {
      values: {
        noticeUnit: 'calendar-days',
        legalInstrument: 'none',
        fee: '0',
        objectionWorkingDays: '10',
        decisionWorkingDays: '10',
        active: 'yes',
      },
    }),
  );

  app.post('/streets/types', { ...needs(CONFIGURE), ...csrf }, async (request, reply) => {
    const form = readTypeForm(request);
    if (!form.ok) return newPage(request, reply, form);
    const slug = await createNoticeType(ctx(request), form.values);
    return reply.redirect(`${base(request)}/${slug}?done=created`, 303);
  });

  app.get<TypeParams & { Querystring: { done?: string } }>(
    '/streets/types/:type',
    needs(CONFIGURE),
    async (request, reply) => {
      const type = await getNoticeType(ctx(request), request.params.type);
      return editPage(request, reply, type, { banner: BANNERS[request.query.done ?? ''] ?? null });
    },
  );

  app.post<TypeParams>('/streets/types/:type', { ...needs(CONFIGURE), ...csrf }, async (request, reply) => {
    const type = await getNoticeType(ctx(request), request.params.type);
    const form = readTypeForm(request);
    if (!form.ok) return editPage(request, reply, type, form);
    await updateNoticeType(ctx(request), type.slug, form.values);
    return reply.redirect(`${base(request)}/${type.slug}?done=saved`, 303);
  });

  /**
   * The questions and documents builders: each button is its own small form, so they work
   * without JavaScript. `change` says what to do: add, or up, down or remove with `id`.
   */
  for (const list of ['questions', 'documents'] as const) {
    const one = list === 'questions' ? 'question' : 'document';
    app.post<TypeParams>(
      `/streets/types/:type/${list}`,
      { ...needs(CONFIGURE), ...csrf },
      async (request, reply) => {
        const c = ctx(request);
        const type = await getNoticeType(c, request.params.type);
        const body = (request.body ?? {}) as Record<string, unknown>;
        const adding = body.change === 'add';
        try {
          if (adding) await (list === 'questions' ? addQuestion : addDocument)(c, type.slug, body);
          else await (list === 'questions' ? changeQuestion : changeDocument)(c, type.slug, body);
        } catch (error) {
          if (!(error instanceof Invalid)) throw error;
          const values = Object.fromEntries(
            Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'),
          );
          const errors = formErrorsFrom(error, request.t).map((e) =>
            e.field === 'id' || e.field === 'change' ? { ...e, field: list, href: `#${list}` } : e,
          );
          return editPage(request, reply, type, { values: adding ? values : {}, errors });
        }
        return reply.redirect(
          `${base(request)}/${type.slug}?done=${adding ? `${one}-added` : one}#${list}`,
          303,
        );
      },
    );
  }
}

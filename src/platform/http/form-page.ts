import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorsByField, type FormError } from './forms.js';

export type Field = {
  name: string;
  labelKey: string;
  hintKey?: string;
  type?: 'text' | 'email' | 'password';
  autocomplete?: string;
  inputmode?: string;
  classes?: string;
};

export type FormPage = {
  titleKey: string;
  introKeys?: string[];
  action: string;
  submitKey: string;
  fields: Field[];
  links?: { href: string; textKey: string; vars?: Record<string, string> }[];
  secretToShow?: string;
};

/** Renders a GOV.UK question page (platform/views/form-page.njk), with errors when given. */
export function renderFormPage(
  request: FastifyRequest,
  reply: FastifyReply,
  page: FormPage,
  state: { values?: Record<string, string>; errors?: FormError[] } = {},
) {
  const t = request.t;
  const errors = state.errors ?? [];
  const byField = errorsByField(errors);
  if (errors.length) reply.code(422);
  return reply.page('form-page.njk', {
    pageTitle: t(page.titleKey),
    intro: (page.introKeys ?? []).map((k) => t(k)),
    action: page.action,
    submitText: t(page.submitKey),
    csrfToken: reply.generateCsrf(),
    errors,
    errorSummary: errors.length > 0,
    secretToShow: page.secretToShow,
    links: (page.links ?? []).map((l) => ({ href: l.href, text: t(l.textKey, l.vars) })),
    fields: page.fields.map((f) => ({
      id: f.name,
      name: f.name,
      type: f.type ?? 'text',
      label: { text: t(f.labelKey), classes: 'govuk-label--s' },
      ...(f.hintKey ? { hint: { text: t(f.hintKey) } } : {}),
      ...(byField[f.name] ? { errorMessage: byField[f.name] } : {}),
      // Passwords are never echoed back into the page.
      ...(f.type === 'password' ? {} : { value: state.values?.[f.name] ?? '' }),
      autocomplete: f.autocomplete,
      spellcheck: false,
      ...(f.inputmode ? { inputmode: f.inputmode } : {}),
      ...(f.classes ? { classes: f.classes } : {}),
    })),
  });
}

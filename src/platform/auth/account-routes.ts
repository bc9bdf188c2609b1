import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC, SIGNED_IN } from '../http/access.js';
import { Invalid } from '../http/errors.js';
import { type FormPage, renderFormPage } from '../http/form-page.js';
import { formErrorsFrom, parseForm } from '../http/forms.js';
import { rateLimit } from '../http/rate-limit.js';
import { safeLocalPath, siteUrl } from '../http/request-context.js';
import {
  type AccountContext,
  authenticate,
  EmailForm,
  NewPasswordForm,
  requestPasswordReset,
  resetPassword,
  SignInForm,
  SignUpForm,
  signUp,
  verifyEmail,
} from './account-service.js';
import {
  createSession,
  endAllSessions,
  endSession,
  SESSION_ABSOLUTE_MS,
  SESSION_COOKIE,
} from './session-service.js';

const MINUTE = 60_000;

const SIGN_UP: FormPage = {
  titleKey: 'account.signUp.title',
  introKeys: ['account.signUp.intro'],
  action: '/account/sign-up',
  submitKey: 'account.signUp.submit',
  fields: [
    {
      name: 'displayName',
      labelKey: 'account.fields.name',
      hintKey: 'account.fields.nameHint',
      autocomplete: 'name',
    },
    { name: 'email', labelKey: 'account.fields.email', type: 'email', autocomplete: 'email' },
    {
      name: 'password',
      labelKey: 'account.fields.newPassword',
      hintKey: 'account.fields.newPasswordHint',
      type: 'password',
      autocomplete: 'new-password',
    },
  ],
  links: [{ href: '/account/sign-in', textKey: 'account.signUp.haveAccount' }],
};

const signInPage = (back: string): FormPage => ({
  titleKey: 'account.signIn.title',
  action: `/account/sign-in?return=${encodeURIComponent(back)}`,
  submitKey: 'account.signIn.submit',
  fields: [
    { name: 'email', labelKey: 'account.fields.email', type: 'email', autocomplete: 'email' },
    {
      name: 'password',
      labelKey: 'account.fields.password',
      type: 'password',
      autocomplete: 'current-password',
    },
  ],
  links: [
    { href: '/account/forgot-password', textKey: 'account.signIn.forgot' },
    { href: '/account/sign-up', textKey: 'account.signIn.create' },
  ],
});

const FORGOT: FormPage = {
  titleKey: 'account.forgot.title',
  introKeys: ['account.forgot.intro'],
  action: '/account/forgot-password',
  submitKey: 'account.forgot.submit',
  fields: [{ name: 'email', labelKey: 'account.fields.email', type: 'email', autocomplete: 'email' }],
};

const resetPage = (token: string): FormPage => ({
  titleKey: 'account.reset.title',
  action: `/account/reset-password?token=${encodeURIComponent(token)}`,
  submitKey: 'account.reset.submit',
  fields: [
    {
      name: 'password',
      labelKey: 'account.fields.newPassword',
      hintKey: 'account.fields.newPasswordHint',
      type: 'password',
      autocomplete: 'new-password',
    },
  ],
});

export function accountContext(request: FastifyRequest, app: FastifyInstance): AccountContext {
  return {
    db: app.db,
    requestId: request.id,
    baseUrl: siteUrl(request),
    lang: request.lang,
  };
}

export function setSessionCookie(app: FastifyInstance, reply: FastifyReply, token: string) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: app.secureCookies,
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  });
}

function messagePage(
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  options: { panel?: boolean; links?: { href: string; textKey: string }[] } = {},
) {
  const t = request.t;
  return reply.page('message-page.njk', {
    pageTitle: t(`${key}.title`),
    panel: options.panel ?? false,
    paragraphs: [t(`${key}.body`)],
    links: (options.links ?? []).map((l) => ({ href: l.href, text: t(l.textKey) })),
  });
}

export async function accountRoutes(app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection };

  app.get('/account/sign-up', PUBLIC, async (request, reply) => renderFormPage(request, reply, SIGN_UP));
  app.post('/account/sign-up', { ...PUBLIC, ...csrf }, async (request, reply) => {
    await rateLimit(app.db, `sign-up:ip:${request.ip}`, 10, 60 * MINUTE);
    const form = parseForm(SignUpForm, request.body, request.t);
    if (!form.ok) return renderFormPage(request, reply, SIGN_UP, form);
    try {
      await signUp(accountContext(request, app), form.data);
    } catch (error) {
      if (error instanceof Invalid)
        return renderFormPage(request, reply, SIGN_UP, {
          values: form.data,
          errors: formErrorsFrom(error, request.t),
        });
      throw error;
    }
    return reply.redirect('/account/check-email', 303);
  });
  app.get('/account/check-email', PUBLIC, async (request, reply) =>
    messagePage(request, reply, 'account.checkEmail'),
  );

  app.get<{ Querystring: { token?: string } }>('/account/verify', PUBLIC, async (request, reply) => {
    const ok =
      typeof request.query.token === 'string' &&
      (await verifyEmail(accountContext(request, app), request.query.token));
    return ok
      ? messagePage(request, reply, 'account.verified', {
          panel: true,
          links: [{ href: '/account/sign-in', textKey: 'account.signIn.title' }],
        })
      : messagePage(request, reply.code(410), 'account.linkExpired', {
          links: [{ href: '/account/sign-in', textKey: 'account.signIn.title' }],
        });
  });

  // Places whose staff can sign in with their organisation's account (OpenID Connect).
  const withStaffSignIn = async (page: FormPage): Promise<FormPage> => {
    const rows = await app.db.query<{ slug: string; name: string }>(
      'select slug, name from places where oidc_issuer is not null order by name',
    );
    const staff = rows.map((r) => ({
      href: `/${r.slug}/account/staff-sign-in`,
      textKey: 'account.oidc.staffLink',
      vars: { place: r.name },
    }));
    return { ...page, links: [...(page.links ?? []), ...staff] };
  };

  app.get<{ Querystring: { return?: string } }>('/account/sign-in', PUBLIC, async (request, reply) =>
    renderFormPage(
      request,
      reply,
      await withStaffSignIn(signInPage(safeLocalPath(request.query.return, '/account'))),
    ),
  );
  app.post<{ Querystring: { return?: string } }>(
    '/account/sign-in',
    { ...PUBLIC, ...csrf },
    async (request, reply) => {
      const back = safeLocalPath(request.query.return, '/account');
      const form = parseForm(SignInForm, request.body, request.t);
      if (!form.ok) return renderFormPage(request, reply, signInPage(back), form);
      await rateLimit(app.db, `sign-in:ip:${request.ip}`, 30, 15 * MINUTE);
      await rateLimit(app.db, `sign-in:account:${form.data.email.toLowerCase()}`, 10, 15 * MINUTE);
      const user = await authenticate(app.db, form.data.email, form.data.password);
      if (!user) {
        return renderFormPage(request, reply, signInPage(back), {
          values: { email: form.data.email },
          errors: [{ field: 'email', text: request.t('account.errors.wrongCredentials'), href: '#email' }],
        });
      }
      // A new session at every sign-in: a session id planted before sign-in is worthless.
      const old = request.session?.sessionHash ?? request.pendingSession?.sessionHash;
      if (old) await endSession(app.db, old);
      setSessionCookie(app, reply, await createSession(app.db, user.id, request.headers['user-agent'] ?? ''));
      if (user.totp) return reply.redirect(`/account/two-factor?return=${encodeURIComponent(back)}`, 303);
      return reply.redirect(back, 303);
    },
  );

  app.post('/account/sign-out', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    if (request.session) await endSession(app.db, request.session.sessionHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return messagePage(request, reply, 'account.signedOut', {
      links: [{ href: '/account/sign-in', textKey: 'account.signIn.title' }],
    });
  });

  app.post('/account/sign-out-everywhere', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    if (request.session) await endAllSessions(app.db, request.session.userId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return messagePage(request, reply, 'account.signedOutEverywhere', {
      links: [{ href: '/account/sign-in', textKey: 'account.signIn.title' }],
    });
  });

  app.get('/account/forgot-password', PUBLIC, async (request, reply) =>
    renderFormPage(request, reply, FORGOT),
  );
  app.post('/account/forgot-password', { ...PUBLIC, ...csrf }, async (request, reply) => {
    const form = parseForm(EmailForm, request.body, request.t);
    if (!form.ok) return renderFormPage(request, reply, FORGOT, form);
    await rateLimit(app.db, `reset:ip:${request.ip}`, 10, 60 * MINUTE);
    await rateLimit(app.db, `reset:account:${form.data.email.toLowerCase()}`, 3, 60 * MINUTE);
    await requestPasswordReset(accountContext(request, app), form.data.email);
    return messagePage(request, reply, 'account.resetSent');
  });

  app.get<{ Querystring: { token?: string } }>('/account/reset-password', PUBLIC, async (request, reply) =>
    renderFormPage(request, reply, resetPage(String(request.query.token ?? ''))),
  );
  app.post<{ Querystring: { token?: string } }>(
    '/account/reset-password',
    { ...PUBLIC, ...csrf },
    async (request, reply) => {
      const token = String(request.query.token ?? '');
      const form = parseForm(NewPasswordForm, request.body, request.t);
      if (!form.ok) return renderFormPage(request, reply, resetPage(token), form);
      try {
        const ok = await resetPassword(accountContext(request, app), token, form.data.password);
        if (!ok)
          return messagePage(request, reply.code(410), 'account.linkExpired', {
            links: [{ href: '/account/forgot-password', textKey: 'account.signIn.forgot' }],
          });
      } catch (error) {
        if (error instanceof Invalid)
          return renderFormPage(request, reply, resetPage(token), {
            errors: formErrorsFrom(error, request.t),
          });
        throw error;
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return messagePage(request, reply, 'account.passwordChanged', {
        panel: true,
        links: [{ href: '/account/sign-in', textKey: 'account.signIn.title' }],
      });
    },
  );

  app.get('/account', SIGNED_IN, async (request, reply) =>
    reply.page('account.njk', {
      pageTitle: request.t('account.overview.title'),
      me: request.session,
      csrfToken: reply.generateCsrf(),
    }),
  );
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit/audit.js';
import { withTransaction } from '../db/transaction.js';
import { PUBLIC, SIGNED_IN } from '../http/access.js';
import { type FormPage, renderFormPage } from '../http/form-page.js';
import { parseForm } from '../http/forms.js';
import { rateLimit } from '../http/rate-limit.js';
import { safeLocalPath } from '../http/request-context.js';
import { decrypt, encrypt } from './secrets.js';
import { markSecondFactor } from './session-service.js';
import { checkTotp, newTotpSecret, totpUri } from './totp.js';

const CodeForm = z.object({
  code: z.string().trim().min(1, 'account.errors.codeMissing').max(20, 'account.errors.codeWrong'),
});
const SETUP_COOKIE = 'kith_totp_setup';
const PURPOSE = 'totp';

const codePage = (
  action: string,
  titleKey: string,
  introKey: string,
  secret?: string,
  uri?: string,
  required = false,
): FormPage => ({
  titleKey,
  introKeys: required ? ['account.twoFactorSetup.required', introKey] : [introKey],
  action,
  submitKey: 'account.twoFactor.submit',
  fields: [
    {
      name: 'code',
      labelKey: 'account.fields.code',
      autocomplete: 'one-time-code',
      inputmode: 'numeric',
      classes: 'govuk-input--width-10',
    },
  ],
  ...(secret ? { secretToShow: secret } : {}),
  ...(uri ? { links: [{ href: uri, textKey: 'account.twoFactorSetup.openApp' }] } : {}),
});

/** Two-step sign-in with an authenticator app (TOTP), and turning it on. */
export async function twoFactorRoutes(app: FastifyInstance, options: { secret: string }) {
  const csrf = { preHandler: app.csrfProtection };

  app.get<{ Querystring: { return?: string } }>('/account/two-factor', PUBLIC, async (request, reply) => {
    if (!request.pendingSession) return reply.redirect('/account/sign-in', 303);
    const back = safeLocalPath(request.query.return, '/account');
    return renderFormPage(
      request,
      reply,
      codePage(
        `/account/two-factor?return=${encodeURIComponent(back)}`,
        'account.twoFactor.title',
        'account.twoFactor.intro',
      ),
    );
  });

  app.post<{ Querystring: { return?: string } }>(
    '/account/two-factor',
    { ...PUBLIC, ...csrf },
    async (request, reply) => {
      const pending = request.pendingSession;
      if (!pending) return reply.redirect('/account/sign-in', 303);
      const back = safeLocalPath(request.query.return, '/account');
      const page = codePage(
        `/account/two-factor?return=${encodeURIComponent(back)}`,
        'account.twoFactor.title',
        'account.twoFactor.intro',
      );
      const form = parseForm(CodeForm, request.body, request.t);
      if (!form.ok) return renderFormPage(request, reply, page, form);
      // Six digits are guessable without a limit.
      await rateLimit(app.db, `totp:${pending.userId}`, 5, 15 * 60_000);
      const rows = await app.db.query<{ totp_secret_enc: string }>(
        'select totp_secret_enc from users where id = $1',
        [pending.userId],
      );
      const sealed = rows[0]?.totp_secret_enc;
      if (!sealed || !checkTotp(decrypt(options.secret, PURPOSE, sealed), form.data.code)) {
        return renderFormPage(request, reply, page, {
          errors: [{ field: 'code', text: request.t('account.errors.codeWrong'), href: '#code' }],
        });
      }
      await markSecondFactor(app.db, pending.sessionHash);
      return reply.redirect(back, 303);
    },
  );

  app.get<{ Querystring: { required?: string } }>(
    '/account/two-factor/setup',
    SIGNED_IN,
    async (request, reply) => {
      const session = request.session;
      if (!session) return reply.redirect('/account/sign-in', 303);
      const secret = newTotpSecret();
      reply.setCookie(SETUP_COOKIE, encrypt(options.secret, PURPOSE, secret), {
        path: '/account/two-factor/setup',
        httpOnly: true,
        sameSite: 'strict',
        secure: app.secureCookies,
        maxAge: 15 * 60,
      });
      return renderFormPage(
        request,
        reply,
        codePage(
          '/account/two-factor/setup',
          'account.twoFactorSetup.title',
          'account.twoFactorSetup.intro',
          secret.replace(/(.{4})/g, '$1 ').trim(),
          totpUri(secret, session.email),
          typeof request.query.required === 'string',
        ),
      );
    },
  );

  app.post('/account/two-factor/setup', { ...SIGNED_IN, ...csrf }, async (request, reply) => {
    const session = request.session;
    if (!session) return reply.redirect('/account/sign-in', 303);
    const sealed = request.cookies[SETUP_COOKIE];
    let secret: string | null = null;
    try {
      secret = sealed ? decrypt(options.secret, PURPOSE, sealed) : null;
    } catch {
      secret = null;
    }
    if (!secret) return reply.redirect('/account/two-factor/setup', 303);
    const page = codePage(
      '/account/two-factor/setup',
      'account.twoFactorSetup.title',
      'account.twoFactorSetup.intro',
      secret.replace(/(.{4})/g, '$1 ').trim(),
    );
    const form = parseForm(CodeForm, request.body, request.t);
    if (!form.ok) return renderFormPage(request, reply, page, form);
    if (!checkTotp(secret, form.data.code)) {
      return renderFormPage(request, reply, page, {
        errors: [{ field: 'code', text: request.t('account.errors.codeWrong'), href: '#code' }],
      });
    }
    await withTransaction(app.db, async (tx) => {
      await tx.query('update users set totp_secret_enc = $2, totp_enabled_at = now() where id = $1', [
        session.userId,
        encrypt(options.secret, PURPOSE, secret),
      ]);
      await markSecondFactor(tx, session.sessionHash);
      await audit(tx, {
        placeId: null,
        actorId: session.userId,
        action: 'account.two-factor-on',
        targetType: 'user',
        targetId: session.userId,
        requestId: request.id,
      });
    });
    reply.clearCookie(SETUP_COOKIE, { path: '/account/two-factor/setup' });
    return reply.redirect('/account', 303);
  });
}

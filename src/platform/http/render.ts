import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type nunjucks from 'nunjucks';
import { formatDate, formatDateTime, formatNumber, formatPence, LANGUAGES } from '../i18n/i18n.js';
import { enabledModules } from '../module-registry.js';
import type { Place } from '../places/place-service.js';
import type { AssetManifest } from '../views/assets.js';

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page inside the Kith layout, with the place, language and navigation. */
    page(template: string, data?: Record<string, unknown>): FastifyReply;
    /**
     * Renders a template with the same context as a page, without the layout, and returns the
     * HTML rather than sending it: for a part of a page a route keeps and reuses.
     */
    fragment(template: string, data?: Record<string, unknown>): string;
  }
}

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', cy: 'Cymraeg' };

/** Changes whenever the place's look changes, so brand.css and logo.svg can be cached for a year. */
export function brandVersion(place: Place): string {
  return createHash('sha256')
    .update(`${place.brandColour}|${place.updatedAt.toISOString()}`)
    .digest('hex')
    .slice(0, 10);
}

export function pageContext(request: FastifyRequest, manifest: AssetManifest) {
  const { place, t, lang } = request;
  const path = request.url.split('?')[0] ?? '/';
  const nav = place
    ? [
        { href: `/${place.slug}/`, label: t('nav.home'), current: path === `/${place.slug}/` },
        ...enabledModules(place.modules).flatMap((m) =>
          (m.nav ?? []).map((n) => {
            const href = `/${place.slug}/${n.path}`;
            return { href, label: t(n.labelKey), current: path === href || path.startsWith(`${href}/`) };
          }),
        ),
        {
          href: `/${place.slug}/data`,
          label: t('nav.data'),
          current: path.startsWith(`/${place.slug}/data`),
        },
      ]
    : [];
  const footerLinks = place
    ? ['accessibility', 'privacy', 'cookies', 'rules', 'data', 'contact'].map((p) => ({
        href: `/${place.slug}/${p}`,
        label: t(`footer.${p}`),
      }))
    : [];
  const languages = place ? place.languages : [...LANGUAGES];
  const languageLinks = languages.map((l) => ({
    lang: l,
    label: LANGUAGE_NAMES[l] ?? l,
    current: l === lang,
    href: `/language/${l}?return=${encodeURIComponent(request.url)}`,
  }));
  return {
    lang,
    t,
    place,
    nav,
    footerLinks,
    languageLinks,
    requestId: request.id,
    brandVersion: place ? brandVersion(place) : '',
    asset: (name: string) => `/assets/${manifest.files[name] ?? name}`,
    formatDate: (d: Date) => formatDate(d, lang),
    formatDateTime: (d: Date) => formatDateTime(d, lang),
    signedIn: Boolean(request.session),
    formatNumber: (n: number) => formatNumber(n, lang),
    formatPence: (p: number) => formatPence(p, lang),
  };
}

export function setUpRendering(app: FastifyInstance, views: nunjucks.Environment, manifest: AssetManifest) {
  app.decorateReply(
    'page',
    function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
      const html = views.render(template, { ...pageContext(this.request, manifest), ...data });
      return this.type('text/html; charset=utf-8').send(html);
    },
  );
  app.decorateReply(
    'fragment',
    function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
      return views.render(template, { ...pageContext(this.request, manifest), ...data });
    },
  );
}

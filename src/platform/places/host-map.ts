import type { Db } from '../db/types.js';

/**
 * Places can have their own host names (together.example → /trafford). Fastify rewrites URLs
 * synchronously, so the map is held in memory and refreshed in the background.
 */
export class HostMap {
  private map = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {}

  async refresh(): Promise<void> {
    const rows = await this.db.query<{ slug: string; hostnames: string[] }>(
      "select slug, hostnames from places where hostnames <> '{}'",
    );
    const next = new Map<string, string>();
    for (const r of rows) for (const h of r.hostnames) next.set(h.toLowerCase(), r.slug);
    this.map = next;
  }

  start(intervalMs = 30_000) {
    this.timer = setInterval(() => {
      this.refresh().catch(() => {});
    }, intervalMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
  }

  /** The URL to route: prefixed with the place's slug when the host belongs to a place. */
  rewrite(host: string | undefined, url: string): string {
    if (!host || this.map.size === 0) return url;
    const slug = this.map.get(host.replace(/:\d+$/, '').toLowerCase());
    if (!slug) return url;
    if (url === `/${slug}` || url.startsWith(`/${slug}/`) || url.startsWith(`/${slug}?`)) return url;
    // Site-wide paths stay where they are.
    if (/^\/(assets|healthz|readyz|language|api)(\/|\?|$)/.test(url)) return url;
    return `/${slug}${url}`;
  }
}

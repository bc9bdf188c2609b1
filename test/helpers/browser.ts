import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { buildTestApp, type TestApp } from './app.js';

export const CHROMIUM = process.env.KITH_CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with nothing that phones home (this machine has no network). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** The real app on a fresh demo database, listening on a free loopback port. */
export async function serveTestApp(): Promise<TestApp & { baseUrl: string; close: () => Promise<void> }> {
  const t = await buildTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = t.app.server.address() as AddressInfo;
  return {
    ...t,
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await t.app.close();
      await t.db.close();
    },
  };
}

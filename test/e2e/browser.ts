import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium may still be installing (apt) when the tests start: wait for the binary, then launch. */
export async function launchChromium(waitMs = 150_000): Promise<Browser> {
  const deadline = Date.now() + waitMs;
  while (!fs.existsSync(CHROMIUM_PATH)) {
    if (Date.now() > deadline) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

/** "$1.2M" → 1200000, "$45k" → 45000, "$900" → 900. */
export function parseMoney(text: string): number {
  const m = /\$?\s*([\d.,]+)\s*([kKmMbBtT]?)/.exec(text.trim());
  if (!m || !m[1]) throw new Error(`not a money amount: ${JSON.stringify(text)}`);
  const base = Number(m[1].replace(/,/g, ''));
  const unit = (m[2] ?? '').toLowerCase();
  const mult = unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : unit === 'b' ? 1e9 : unit === 't' ? 1e12 : 1;
  return base * mult;
}

/** A demo server and a fresh browser page at desktop size; `close` ends all three. */
export async function openBrowserSession() {
  const { startTestServer } = await import('../support/server.js');
  const [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  return {
    server,
    browser,
    context,
    page,
    async close() {
      await context.close();
      await browser.close();
      await server.close();
    },
  };
}

/** Signs in through the login page as the test server's first admin and waits for the portfolio. */
export async function signInAsAdmin(page: Page, server: { url: string; adminEmail: string; adminPassword: string }): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Email', { exact: true }).fill(server.adminEmail);
  await page.getByLabel('Password', { exact: true }).fill(server.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
}

/** GET an API path with the page's session and expect 200: what a journey compares the screen with. */
export async function getJson<T>(page: Page, base: string, path: string): Promise<T> {
  const res = await page.request.get(base + path);
  expect(res.status(), `GET ${path} → ${res.status()}`).toBe(200);
  return (await res.json()) as T;
}

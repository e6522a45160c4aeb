// Shared by the browser tests: Debian's chromium (never a downloaded one), axe, screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const BASE_URL = process.env.ALLEDORE_BASE_URL || 'http://127.0.0.1:8000';
export const ARTIFACTS = process.env.ALLEDORE_ARTIFACTS || join(process.cwd(), '..', '..', 'var', 'test-artifacts', 'browser');
mkdirSync(ARTIFACTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// A page that fails the test on any request to another host (the widget must load nothing else).
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ locale: 'da-DK', ...options });
  const page = await context.newPage();
  const base = new URL(BASE_URL);
  page.foreignRequests = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.host !== base.host) {
      page.foreignRequests.push(request.url());
    }
  });
  page.consoleErrors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.consoleErrors.push(msg.text()); });
  page.on('pageerror', (error) => page.consoleErrors.push(String(error)));
  return page;
}

// WCAG 2.1 A and AA rules; returns the violations (a test asserts there are none).
export async function axe(page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  return results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// No horizontal scrolling: the document is no wider than the viewport.
export async function scrollsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}

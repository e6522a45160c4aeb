// The widget on a municipal site of another origin, embedded exactly as README's "Embed the
// widget" says and served under exactly the Content-Security-Policy the README documents: a whole
// conversation with no CSP violation, and each of the policy's sources shown to be needed.
// Run: ALLEDORE_BASE_URL=http://127.0.0.1:8000 node --test csp.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { BASE_URL, axe, launch, newPage, shot } from './support.mjs';

const WAIT = { timeout: 10_000 };
const API = new URL(BASE_URL).origin;

// The README is the one place the snippet and the policy are written: the test takes both from
// it, with this test's app in place of the example origin, so the two cannot drift apart.
const EXAMPLE = 'https://alledore.example.dk';
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const EMBED = README.split('### Embed the widget')[1].split(/\n##? /)[0];
const SNIPPET = EMBED.match(/<script src="[^"]*\/widget\.js".*<\/script>/)[0].replaceAll(EXAMPLE, API);
const POLICY = EMBED.match(/^Content-Security-Policy: (.+)$/m)[1].replaceAll(EXAMPLE, API);

// A municipal page on another origin (another port of 127.0.0.1: the app's development CORS
// default allows it). A small server of the test's own rather than a route-fulfilled page:
// Chromium would count that as a public site and forbid it to reach loopback, where the stack
// runs. ?without=style-src serves the same page with that directive left out, ?extra=... with
// more directives.
let server;
let site;
let browser;
let texts; // the widget's words as the server serves them (tests do not hard-code UI text)

before(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url, 'http://host');
    if (url.pathname !== '/borger') {
      response.writeHead(404).end();
      return;
    }
    const without = url.searchParams.get('without');
    const directives = POLICY.split('; ').filter((d) => !without || !d.startsWith(`${without} `));
    const policy = [...directives, url.searchParams.get('extra')].filter(Boolean).join('; ');
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': policy });
    response.end(`<!doctype html>
<html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Svendborg Kommune: Borger</title></head>
<body><main><h1>Svendborg Kommune</h1><p>Har du brug for hjælp? Skriv til os i chatten.</p></main>
${SNIPPET}
</body></html>`);
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  site = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
  const response = await fetch(`${BASE_URL}/widget/texts.json?language=da`);
  texts = await response.json();
});

after(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
});

// A page that reports every CSP violation to the test, from the browser's own event (the console
// message Chromium also logs lands in page.consoleErrors).
async function watchedPage() {
  const page = await newPage(browser);
  page.violations = [];
  await page.exposeFunction('reportViolation', (v) => page.violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.reportViolation(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return page;
}

const widget = (page) => page.locator('alle-doere-chat');

test('the README policy is strict: no inline, no eval, nothing but the app origin', () => {
  const sources = POLICY.split('; ').flatMap((directive) => directive.split(' ').slice(1));
  assert.deepEqual([...new Set(sources)].sort(), ["'none'", API].sort(), POLICY);
  assert.match(POLICY, /^default-src 'none'; /, 'everything not named is forbidden');
  assert.match(SNIPPET, /^<script src="http:\/\/[^"]+\/widget\.js" data-kommune="\w+" defer><\/script>$/);
});

// The README policy as it is, and hardened the way some sites are (Trusted Types: no HTML from
// strings at all; no <base>, no form posts), which the widget keeps to as well.
const HARDENING = "require-trusted-types-for 'script'; trusted-types 'none'; base-uri 'none'; form-action 'none'";
for (const [name, extra] of [['the README policy', ''], ['the README policy and Trusted Types', HARDENING]]) {
  test(`a conversation on another site under ${name}: no CSP violation, no console error`, async () => {
    const page = await watchedPage();
    const response = await page.goto(`${site}/borger${extra ? `?extra=${encodeURIComponent(extra)}` : ''}`);
    const policy = response.headers()['content-security-policy'];
    assert.equal(policy, [POLICY, extra].filter(Boolean).join('; '), 'the page is served under the policy');
    const launcher = widget(page).getByRole('button', { name: texts['widget.launcher'], exact: true });
    await launcher.waitFor(WAIT);
    // Styled, so widget.css got in under style-src: the launcher floats over the page.
    assert.equal(await launcher.evaluate((el) => getComputedStyle(el).position), 'fixed');
    await launcher.click();
    const input = widget(page).getByRole('textbox', { name: texts['widget.input_label'] });
    await input.waitFor(WAIT);
    // The greeting comes from texts.json (not the built-in fallback), so connect-src let it in.
    await widget(page).locator('.msg.bot', { hasText: texts['widget.subtitle'] }).waitFor(WAIT);

    await input.fill('jeg har ingen steder at sove');
    await input.press('Enter');
    const replies = widget(page).locator('.reply');
    await replies.first().locator('article.card').first().waitFor(WAIT);
    await replies.first().getByRole('button', { name: 'Flere muligheder' }).click();
    await replies.nth(1).locator('article.card').first().waitFor(WAIT);
    const state = JSON.parse(await page.evaluate(() => sessionStorage.getItem('alledoere:svendborg')));
    assert.equal(state.turns[0].reply.kommune, 'svendborg', 'data-kommune reached the server');
    // Another language redraws the whole widget from a second texts.json.
    await widget(page).getByRole('combobox', { name: texts['widget.language'] }).selectOption('en');
    await widget(page).locator('.widget[lang="en"]').waitFor({ ...WAIT, state: 'attached' });
    assert.ok(await widget(page).locator('article.card').count() >= 2, 'the conversation is redrawn');

    assert.deepEqual(page.violations, [], 'CSP violations');
    assert.deepEqual(page.consoleErrors, [], 'console errors');
    const others = page.foreignRequests.filter((url) => !url.startsWith(`${site}/`));
    assert.deepEqual(others, [], 'requests to hosts other than the page and the app');
    if (!extra) {
      await shot(page, 'widget-strict-csp');
      // Last, because axe-core copies stylesheets into <style> elements of its own to read them,
      // which this policy rightly refuses (a violation of axe's, not the widget's).
      const violations = await axe(page);
      assert.deepEqual(violations, [], `axe violations:\n${JSON.stringify(violations, null, 2)}`);
    }
    await page.context().close();
  });
}

// The policy is the least the widget needs: leave any one source out and the browser objects.
for (const directive of ['script-src', 'style-src', 'connect-src']) {
  test(`without ${directive} the browser reports a violation`, async () => {
    const page = await watchedPage();
    await page.goto(`${site}/borger?without=${directive}`);
    for (let i = 0; i < 100 && !page.violations.length; i += 1) await page.waitForTimeout(100);
    // Chromium names the directive it checked: script-src-elem, style-src-elem, connect-src.
    assert.ok(page.violations.some((v) => v.startsWith(directive) && v.includes(` blocked ${API}/`)),
      `a ${directive} violation: ${JSON.stringify(page.violations)}`);
    await page.context().close();
  });
}

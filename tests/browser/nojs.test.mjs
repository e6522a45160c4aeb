// The page without JavaScript: the same conversation as a plain form, with JavaScript off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, axe, shot, scrollsSideways, BASE_URL } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });

// axe runs as a script in the page, which a page with JavaScript off cannot do: check the same
// page (it has no scripts of its own) in a second page with JavaScript on.
async function axeOf(url) {
  const page = await newPage(browser);
  await page.goto(url);
  const violations = await axe(page);
  await page.context().close();
  return violations;
}
after(async () => { await browser.close(); });

test('a conversation by keyboard with JavaScript off, 0 axe violations', async () => {
  const page = await newPage(browser, { javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/chat?kommune=svendborg`);
  assert.deepEqual(await axeOf(page.url()), []);
  await page.getByLabel('Din besked').focus();
  await page.keyboard.type('jeg har ingen steder at sove');
  await page.keyboard.press('Tab'); // to the send button
  await page.keyboard.press('Enter');
  await page.locator('.card').first().waitFor({ timeout: 20000 });
  const log = page.getByRole('log');
  assert.match(await log.innerText(), /jeg har ingen steder at sove/);
  assert.ok(await page.locator('a[href^="tel:"]').count() > 0, 'a phone number to call');
  // A quick reply is a button in a form: press it by keyboard.
  const more = page.getByRole('button', { name: 'Flere muligheder' });
  await more.focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  assert.match(await page.getByRole('log').innerText(), /Flere muligheder/);
  const session = await page.locator('input[name="session"]').first().getAttribute('value');
  assert.deepEqual(await axeOf(`${BASE_URL}/chat?kommune=svendborg&s=${session}`), []);
  await shot(page, 'nojs-conversation');
  assert.deepEqual(page.foreignRequests, []);
});

test('320 px wide and injected HTML shown as text', async () => {
  const page = await newPage(browser, { javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
  await page.goto(`${BASE_URL}/chat?kommune=faxe`);
  const attack = '<img src=x onerror="alert(1)"><b>fed</b>';
  await page.getByLabel('Din besked').fill(attack);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('log').getByText(attack).waitFor({ timeout: 20000 });
  assert.equal(await page.getByRole('log').locator('img, b').count(), 0);
  assert.equal(await scrollsSideways(page), false);
  await shot(page, 'nojs-320px');
});

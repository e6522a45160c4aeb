// The staff console (/staff): WCAG 2.1 AA by axe, keyboard only, narrow and zoomed, and the
// referral card as printed. One browser for the file, a fresh context for every test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, axe, shot, scrollsSideways, BASE_URL } from './support.mjs';

const SERVICE = 'svendborg-socialafdeling';
const PAGES = {
  empty: '/staff',
  results: `/staff?q=${encodeURIComponent('gæld')}&kommune=norddjurs`,
  service: `/staff/service/${SERVICE}?kommune=svendborg`,
  card: `/staff/service/${SERVICE}/card`,
};

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

// A page in its own context; `use` runs with it and the context is closed whatever happens.
// `expected` are console errors the test causes on purpose (a 404 page logs its own status).
async function withPage(options, use, expected = []) {
  const page = await newPage(browser, options);
  try {
    await use(page);
    // A CSP breach (inline style or script) shows up as a console error; nothing loads elsewhere.
    const errors = page.consoleErrors.filter((text) => !expected.some((re) => re.test(text)));
    assert.deepEqual(errors, []);
    assert.deepEqual(page.foreignRequests, []);
  } finally {
    await page.context().close();
  }
}

async function open(page, path) {
  const response = await page.goto(`${BASE_URL}${path}`);
  assert.ok(response.status() < 500, `${path} answered ${response.status()}`);
  return response;
}

for (const [name, path] of Object.entries(PAGES)) {
  test(`axe finds no WCAG 2.1 AA violations: ${name}`, async () => {
    await withPage({}, async (page) => {
      await open(page, path);
      const violations = await axe(page);
      assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
      await shot(page, `staff-${name}`);
    });
  });
}

test('axe finds no violations on a page with an input error (400)', async () => {
  await withPage({}, async (page) => {
    const response = await open(page, '/staff?q=g%C3%A6ld&kommune=xx&theme=nope');
    assert.equal(response.status(), 400);
    assert.match(await page.getByRole('alert').innerText(), /Vi kender ikke kommunen/);
    assert.equal(await page.locator('#kommune').getAttribute('aria-invalid'), 'true');
    const violations = await axe(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
    await shot(page, 'staff-error');
  }, [/status of 400/]);
});

const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');
const focusedHref = (page) => page.evaluate(() => document.activeElement?.getAttribute('href') ?? '');

test('keyboard only: skip link, search, Tab to a result, Enter opens it', async () => {
  await withPage({}, async (page) => {
    await open(page, '/staff');
    await page.keyboard.press('Tab');
    assert.equal(await focusedHref(page), '#main', 'the skip link comes first');
    const skip = await page.locator('.skip').boundingBox();
    assert.ok(skip && skip.x >= 0 && skip.y >= 0, 'the skip link moves on screen when focused');
    for (let i = 0; i < 10 && (await focusedId(page)) !== 'q'; i += 1) await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'q');
    await page.keyboard.type('ingen steder at sove');
    await Promise.all([page.waitForURL(/\/staff\?.*q=ingen/), page.keyboard.press('Enter')]);
    for (let i = 0; i < 30 && !(await focusedHref(page)).startsWith('/staff/service/'); i += 1) {
      await page.keyboard.press('Tab');
    }
    const href = await focusedHref(page);
    assert.match(href, /^\/staff\/service\/[a-z0-9-]+/, 'a result link takes focus');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is visible');
    const name = (await page.evaluate(() => document.activeElement.textContent)).trim();
    await Promise.all([page.waitForURL(/\/staff\/service\//), page.keyboard.press('Enter')]);
    assert.equal((await page.locator('h1').innerText()).trim(), name);
    await shot(page, 'staff-keyboard-detail');
  });
});

// Reflow (WCAG 1.4.10): 320 CSS px wide, as a phone or 400% zoom of a 1280 px window.
test('320 px wide: no page scrolls sideways', async () => {
  await withPage({ viewport: { width: 320, height: 640 } }, async (page) => {
    const long = `${'langtordudensmellemrum'.repeat(12)} <b>fed</b>`;
    for (const [name, path] of Object.entries({ ...PAGES, long: `/staff?q=${encodeURIComponent(long)}` })) {
      await open(page, path);
      assert.equal(await scrollsSideways(page), false, `${name} scrolls sideways at 320 px`);
      // The full catalogue is a very long page: its screenshot adds time and tells nothing new.
      if (name !== 'empty') await shot(page, `staff-320-${name}`);
    }
  });
});

// 200% zoom emulated as the browser does it: a 1280x800 window zoomed to 200% lays the page out
// in 640x400 CSS pixels at 2 device pixels per CSS pixel.
test('200% zoom: no page scrolls sideways and the text is still there', async () => {
  await withPage({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 }, async (page) => {
    for (const [name, path] of Object.entries(PAGES)) {
      await open(page, path);
      assert.equal(await scrollsSideways(page), false, `${name} scrolls sideways at 200%`);
      assert.ok(await page.locator('h1').isVisible());
      if (name !== 'empty') await shot(page, `staff-zoom-${name}`);
    }
  });
});

test('the card in print: no navigation, black on white, a large phone number', async () => {
  await withPage({}, async (page) => {
    await open(page, PAGES.card);
    await page.emulateMedia({ media: 'print' });
    for (const hidden of ['.skip', 'header.site-header', 'nav', '.staff-noprint']) {
      const shown = await page.locator(hidden).evaluateAll((els) => els.filter((el) => el.checkVisibility()).length);
      assert.equal(shown, 0, `${hidden} is hidden in print`);
    }
    const phone = page.locator('.staff-card-phone');
    assert.ok(await phone.isVisible());
    assert.match(await phone.innerText(), /62 23 39 70/);
    const size = await phone.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(size >= 28, `the phone number is large (${size}px)`);
    const colours = await page.evaluate(() => {
      const body = getComputedStyle(document.body);
      return [body.color, body.backgroundColor];
    });
    assert.deepEqual(colours, ['rgb(0, 0, 0)', 'rgb(255, 255, 255)']);
    assert.equal(await page.locator('input, select, textarea, form').count(), 0);
    await shot(page, 'staff-card-print');
    // The whole card on one A5 sheet (half an A4).
    const pdf = (await page.pdf({ format: 'A5', printBackground: true })).toString('latin1');
    assert.equal(pdf.match(/\/Type\s*\/Page\b/g)?.length, 1, 'the card fits one A5 page');
  });
});

test('the search page in print: the form and navigation are hidden, the results shown', async () => {
  await withPage({}, async (page) => {
    await open(page, PAGES.results);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('form').isVisible(), false);
    assert.equal(await page.locator('nav').evaluateAll((els) => els.filter((el) => el.checkVisibility()).length), 0);
    assert.ok(await page.locator('.staff-result').first().isVisible());
  });
});

test('an unknown service is a kind page with a way back', async () => {
  await withPage({}, async (page) => {
    const response = await open(page, '/staff/service/findes-ikke');
    assert.equal(response.status(), 404);
    assert.match(await page.locator('main').innerText(), /Vi kan ikke finde det sted/);
    assert.deepEqual(await axe(page), []);
    await page.getByRole('link', { name: 'Tilbage til søgningen' }).click();
    await page.waitForURL(/\/staff$/);
  }, [/status of 404/]);
});

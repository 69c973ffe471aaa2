// Regenerates the README's screenshots of the main pages (docs/screenshots/).
// Usage: node screenshots.mjs URL USERNAME PASSWORD OUTDIR   (e2e/run --screenshots does it)

import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [base, username, password, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  // The sign-in page in both languages; signed in, pages follow the account's language.
  for (const [locale, suffix] of [['en-GB', 'en'], ['nl-NL', 'nl']]) {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.screenshot({ path: `${out}/sign-in-${suffix}.png` });
    if (suffix === 'nl') {
      await page.fill('#login', username);
      await page.fill('#password', 'wrong-password');
      await page.click('form[action="/login"] button[type=submit]');
      await page.waitForSelector('.error-summary');
      await page.screenshot({ path: `${out}/sign-in-error-nl.png` });
    }
    await context.close();
  }
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#login', username);
  await page.fill('#password', password);
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForURL(`${base}/orgs/practions`);
  const shot = (name) => page.screenshot({ path: `${out}/${name}.png` });
  await shot('overview');
  await page.goto(`${base}/orgs/practions/projects`);
  const project = await page.getAttribute('tbody a', 'href');
  await page.goto(`${base}${project}`);
  await shot('project');
  await page.locator('.flow').screenshot({ path: `${out}/data-flow.png` });
  await page.goto(`${base}${project}/data-items`);
  await shot('data-items');
  await page.click('tbody a');
  await page.screenshot({ path: `${out}/data-item.png`, fullPage: true });
  await page.goto(`${base}/orgs/practions/breaches`);
  await shot('breaches');
  await page.click('tbody a');
  await shot('breach');
  await page.goto(`${base}/orgs/practions/audit`);
  await shot('audit-log');
  await page.goto(`${base}/account`);
  await shot('account');
  await context.close();
  const phone = await browser.newContext({ locale: 'nl-NL', viewport: { width: 390, height: 844 }, isMobile: true });
  const p = await phone.newPage();
  await p.goto(`${base}/register`);
  await p.screenshot({ path: `${out}/register-phone-nl.png`, fullPage: true });
  await phone.close();
} finally {
  await browser.close();
}
console.log(`screenshots written to ${out}`);

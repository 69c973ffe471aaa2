// The browser test: Debian's chromium, headless, against a running `pactum demo`.
// Usage: node smoke.mjs URL USERNAME PASSWORD
// Signs in through the form (in Dutch), checks the overview, signs out, and runs axe-core
// on every page it passes; any serious or critical violation, console CSP report or failed
// step ends the run with exit code 1.

import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import ICAL from 'ical.js';

// A real SMTP listener (the commands Pactum's client uses), keeping each message.
const mails = [];
function smtpSink(port) {
  const server = createServer((socket) => {
    let data = null;
    let buffer = '';
    socket.write('220 e2e ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (data !== null) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          data += buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          // Quoted-printable soft breaks and escapes (RFC 2045 6.7).
          mails.push(data.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))));
          data = null;
          socket.write('250 queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-e2e\r\n250 8BITMIME\r\n');
        else if (verb === 'DATA') { data = ''; socket.write('354 go ahead\r\n'); }
        else if (verb === 'QUIT') { socket.end('221 bye\r\n'); return; }
        else socket.write('250 ok\r\n');
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
async function mailTo(address, marker, timeoutMs = 15000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const m = mails.find((x) => x.includes(address) && x.includes(marker));
    if (m) return m;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${address} with ${marker}`);
}

// RFC 6238 with the defaults authenticator apps use: SHA-1, 6 digits, 30 s.
function totp(base32, unixSeconds) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of base32.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(value).padStart(6, '0');
}

const [base, username, password] = process.argv.slice(2);
if (!base || !username || !password) {
  console.error('usage: node smoke.mjs URL USERNAME PASSWORD');
  process.exit(2);
}
const smtp = process.env.SMTP_PORT ? await smtpSink(Number(process.env.SMTP_PORT)) : null;
const axeSource = readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const problems = [];
try {
  const context = await browser.newContext({ locale: 'nl-NL' });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));

  // Runs axe (through the DevTools protocol, which the page's CSP does not govern).
  const audit = async (name, target = page) => {
    await target.evaluate(axeSource);
    const result = await target.evaluate(() =>
      globalThis.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    for (const v of bad) {
      problems.push(`axe on ${name}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
    const minor = result.violations.filter((v) => !bad.includes(v)).map((v) => `${v.id} (${v.impact})`);
    console.log(`axe ${name}: ${result.passes.length} rules pass, ${bad.length} serious or critical violations` +
      (minor.length ? `; also: ${minor.join(', ')}` : ''));
  };

  // Signed out, the overview sends the browser to the sign-in page.
  await page.goto(`${base}/orgs/practions`);
  assert.match(page.url(), /\/login\?next=%2Forgs%2Fpractions$/);
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  assert.equal(await page.textContent('h1'), 'Inloggen');
  await audit('sign-in');

  // A wrong password: the error summary takes the focus and links to the field.
  await page.fill('#login', username);
  await page.fill('#password', 'not-the-password');
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForSelector('.error-summary');
  assert.ok((await page.title()).startsWith('Fout: '), await page.title());
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'error-summary');
  assert.equal(await page.inputValue('#login'), username, 'the name is kept');
  assert.equal(await page.inputValue('#password'), '', 'the password is not');
  await audit('sign-in with an error');

  // The keyboard alone signs in: the skip link comes first, then the fields.
  await page.fill('#password', password);
  await page.press('#password', 'Enter');
  await page.waitForURL(`${base}/orgs/practions`);
  assert.match(await page.textContent('h1'), /Klaver Solutions/);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === '__Host-pactum_session');
  assert.ok(session, 'the browser kept the session cookie');
  assert.ok(session.httpOnly && session.secure && session.sameSite === 'Strict');
  // What the first load of the overview costs on the wire: the page and every file it
  // loads, compressed as sent (target: under 150 KB).
  {
    const fresh = await browser.newContext({ locale: 'nl-NL' });
    await fresh.addCookies(await context.cookies());
    const p = await fresh.newPage();
    let bytes = 0;
    p.on('requestfinished', async (r) => {
      const sizes = await r.sizes();
      bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    });
    await p.goto(`${base}/orgs/practions`, { waitUntil: 'networkidle' });
    await p.waitForTimeout(200);
    console.log(`overview first load: ${bytes} bytes transferred`);
    if (bytes > 150 * 1024) problems.push(`the overview's first load is ${bytes} bytes, over 150 KB`);
    await fresh.close();
  }
  await audit('overview');
  await page.click('a[href="/orgs/practions/audit"]');
  assert.match(await page.textContent('h1'), /Auditlog|Audit log/);
  await audit('audit log');
  await page.goto(`${base}/orgs/practions/settings`);
  await audit('settings');
  await page.goto(`${base}/orgs/practions/tokens`);
  await audit('API tokens');
  // The compliance assessment, its score and findings.
  await page.click('a[href="/orgs/practions/compliance"]');
  assert.match(await page.textContent("h1"), /Nalevingstoets|Compliance assessment/);
  assert.ok(await page.$('.trend polyline'), 'the trend is drawn');
  assert.ok(await page.$('a[href*="/dpias/"]'), 'the open DPIA screening links to its record');
  await audit('compliance assessment');
  await page.click('a[href*="/dpias/"]');
  await audit('DPIA');
  await page.goto(`${base}/orgs/practions/projects`);
  await page.click('main a[href^="/orgs/practions/projects/0"], main a[href^="/orgs/practions/projects/"]:not([href$="/new"])');
  assert.ok(await page.$('.heatmap svg'), 'the project with risks shows its heat map');
  await audit('project with its heat map');
  // AI reports: made by the offline rules, shown beside exactly what they read.
  const demoProjectUrl = page.url();
  await page.click('a[href$="/ai-reports"]');
  await audit('AI reports');
  await Promise.all([
    page.waitForURL(/\/ai-reports\/[0-9a-f-]+$/),
    page.click('main form button[type="submit"]'),
  ]);
  assert.match(await page.textContent('#payload-title'), /verstuurd|sent/);
  assert.match(await page.textContent('main'), /"project": "Project"/);
  await audit('AI report');
  // A service's files: a DPA uploaded (scanning is off here, and the page says so).
  await page.goto(`${demoProjectUrl}/services`);
  await page.click('main a[href*="/services/0"]');
  assert.ok(await page.$('#files .banner--warning'), 'scanning turned off is said on the upload form');
  await page.setInputFiles('#file-input', {
    name: 'verwerkersovereenkomst.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('Verwerkersovereenkomst\n'),
  });
  await Promise.all([page.waitForURL(/m=uploaded/), page.click('form.upload button[type="submit"]')]);
  assert.ok(await page.$('#files a[download]'), 'the uploaded file is listed');
  await audit('service with its files');
  // Documents: the page, and the processor's record as HTML, made from its form.
  await page.click('a[href="/orgs/practions/documents"]');
  assert.match(await page.textContent('h1'), /Documenten|Documents/);
  await audit('documents');
  await page.selectOption('#ropa-processor-format', 'html');
  await Promise.all([
    page.waitForURL(/\/documents\/ropa-processor\?/),
    page.click('form[action$="/documents/ropa-processor"] button[type="submit"]'),
  ]);
  assert.match(await page.textContent('h1'), /Register van verwerkingsactiviteiten als verwerker|Record of processing activities as processor/);
  assert.ok(await page.$('section#categories article.card'), 'each category of processing is a card');
  await audit('the processor record as HTML');

  // A register kept as a spreadsheet: uploaded, previewed with its mapping, imported.
  await page.goto(`${base}/orgs/practions/projects`);
  await page.click('main a[href^="/orgs/practions/projects/"]:not([href$="/new"])');
  await page.click('a[href$="/import"]');
  await audit('import upload');
  await page.selectOption('#collection', 'vendors');
  await page.setInputFiles('#file', {
    name: 'leveranciers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('Leverancier;Doel;Land\nBoekhoudpakket;Boekhouding;NL\nMailserver;E-mail;Duitsland\n'),
  });
  await page.click('button[value="preview"]');
  assert.equal(await page.$eval('#map-0', (e) => e.value), 'name');
  assert.equal(await page.$eval('#map-2', (e) => e.value), 'country');
  assert.equal((await page.$$('.tag--green')).length, 2, 'both rows will be created');
  await audit('import preview');
  await Promise.all([page.waitForURL(/\/vendors\?m=imported/), page.click('button[value="commit"]')]);
  assert.match(await page.textContent('main'), /Mailserver/);
  await page.goto(`${base}/orgs/practions`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');

  // Registration in English, with the proof of work solved by the page's web worker.
  const visitor = await browser.newContext({ locale: 'en-GB' });
  const reg = await visitor.newPage();
  reg.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  reg.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  await reg.goto(`${base}/register`);
  assert.equal(await reg.textContent('h1'), 'Create an account');
  const fillIn = async (password) => {
    await reg.fill('#username', 'e2e.user');
    await reg.fill('#email', 'e2e@example.org');
    await reg.fill('#password', password);
    await reg.fill('#legal_name', 'Browser Test B.V.');
    await reg.fill('#slug', 'browser-test');
    await reg.fill('#country', 'NL');
    await reg.check('#accept_terms');
    // People take more than the minimum fill time; so does this test.
    await reg.waitForTimeout(3500);
  };
  await fillIn('password1234');
  await reg.click('form[action="/register"] button[type=submit]');
  await reg.waitForSelector('.error-summary');
  assert.ok((await reg.title()).startsWith('Error: '), await reg.title());
  assert.match(await reg.textContent('.error-summary'), /too easy to guess/);
  assert.equal(await reg.inputValue('#username'), 'e2e.user');
  await audit('registration with an error', reg);
  await fillIn('velvet-orchard-sparrow-42');
  await reg.click('form[action="/register"] button[type=submit]');
  await reg.waitForURL(`${base}/orgs/browser-test`, { timeout: 30000 });
  assert.match(await reg.textContent('h1'), /Browser Test B\.V\./);

  // The verification e-mail arrives over SMTP; its link opens a page that confirms.
  if (smtp) {
    const mail = await mailTo('e2e@example.org', '/account/verify-email?token=');
    const link = mail.match(/\/account\/verify-email\?token=[A-Za-z0-9_-]+/)[0];
    await reg.goto(`${base}${link}`);
    await audit('verify e-mail', reg);
    await reg.click('form[action="/account/verify-email"] button[type=submit]');
    await reg.waitForLoadState();
    assert.match(await reg.textContent('main'), /confirmed/i);
    await reg.goto(`${base}/orgs/browser-test`);
  }

  // Two-factor authentication from the account page: scan (here: read) the key, confirm.
  await reg.click('a[href="/account"]');
  await audit('account', reg);
  await reg.click('a[href="/account/two-factor"]');
  await reg.waitForSelector('.qr svg');
  await audit('two-factor enrolment', reg);
  const key = (await reg.textContent('code.secret')).trim();
  await reg.fill('#code', totp(key, Date.now() / 1000));
  await reg.click('form[action="/account/two-factor"] button[type=submit]');
  await reg.waitForSelector('.codes');
  assert.equal(await reg.locator('.codes li').count(), 10);
  await audit('backup codes', reg);
  const usedStep = Math.floor(Date.now() / 30000);

  // Out, and in again with the next code the app shows (a code works once).
  await reg.click('form[action="/logout"] button');
  await reg.waitForURL(/\/login\?m=signed_out$/);
  await reg.fill('#login', 'e2e.user');
  await reg.fill('#password', 'velvet-orchard-sparrow-42');
  await reg.click('form[action="/login"] button[type=submit]');
  await reg.waitForSelector('.error-summary');
  assert.match(await reg.textContent('.error-summary'), /authenticator app/);
  const wait = (usedStep + 1) * 30000 - Date.now() + 500;
  if (wait > 0) await reg.waitForTimeout(wait);
  await reg.fill('#password', 'velvet-orchard-sparrow-42');
  await reg.fill('#code', totp(key, Date.now() / 1000));
  await reg.click('form[action="/login"] button[type=submit]');
  await reg.waitForURL(`${base}/orgs/browser-test`);

  // A first project, through the form.
  await reg.click('a[href="/orgs/browser-test/projects"]');
  await reg.click('a[href="/orgs/browser-test/projects/new"]');
  await reg.click('form[action="/orgs/browser-test/projects"] button[type=submit]');
  await reg.waitForSelector('.error-summary');
  await audit('new project with an error', reg);
  await reg.fill('#name', 'Customer portal');
  await reg.click('form[action="/orgs/browser-test/projects"] button[type=submit]');
  await reg.waitForURL(/\/orgs\/browser-test\/projects\/[0-9a-f-]+\?m=created$/);
  assert.match(await reg.textContent('h1'), /Customer portal/);
  await audit('project', reg);
  const projectUrl = reg.url().split('?')[0];
  await reg.click('a[href$="/services"]');
  assert.match(await reg.textContent('[role=status]'), /Nothing found/);
  await audit('services list', reg);

  // The data map: a service, then a special-category item without an Art. 9(2) condition.
  await reg.click('a[href$="/services/new"]');
  await reg.fill('#name', 'Customer database');
  await reg.selectOption('#hosting_country', 'NL');
  await audit('new service', reg);
  await reg.click('main form button[type=submit]');
  await reg.waitForURL(/\/services\/[0-9a-f-]+\?m=created$/);
  await reg.goto(`${projectUrl}/data-items/new`);
  await reg.click('main form button[type=submit]');
  await reg.waitForSelector('.error-summary');
  assert.match(await reg.textContent('.error-summary'), /Enter Category/);
  await audit('new data item with an error', reg);
  await reg.selectOption('#service_id', { label: 'Customer database' });
  await reg.fill('#name', 'Health notes');
  await reg.selectOption('#category', 'special.health');
  await reg.selectOption('#legal_basis', 'contract');
  await reg.click('main form button[type=submit]');
  await reg.waitForURL(/\/data-items\/[0-9a-f-]+\?m=created$/);
  const gap = 'Special-category data without an Art. 9(2) condition';
  assert.match(await reg.textContent('.attention'), new RegExp(gap.replace(/[().]/g, '\\$&')));
  await audit('data item with a gap', reg);

  // The gap is on the dashboard, links to the field, and goes when fixed.
  await reg.goto(`${base}/orgs/browser-test`);
  assert.ok((await reg.textContent('.attention-list')).includes(gap), 'the gap is on the dashboard');
  await audit('dashboard with gaps', reg);
  // The organisation's navigation marks where one is and leads to its other sections.
  assert.equal((await reg.textContent('.org-nav a[aria-current="page"]')).trim(), 'Overview');
  await reg.click('.org-nav a[href$="/settings"]');
  await reg.waitForURL(/\/orgs\/browser-test\/settings$/);
  assert.equal((await reg.textContent('.org-nav a[aria-current="page"]')).trim(), 'Settings');
  await reg.goto(`${base}/orgs/browser-test`);
  await reg.click('.attention-list a[href*="#art9_condition"]');
  await reg.waitForURL(/#art9_condition$/);
  await reg.selectOption('#art9_condition', 'explicit_consent');
  await reg.click('main form button[type=submit]');
  await reg.waitForURL(/\?m=saved$/);
  assert.ok(!(await reg.textContent('main')).includes(gap), 'the record no longer shows the gap');
  await reg.goto(`${base}/orgs/browser-test`);
  assert.ok(!(await reg.textContent('.attention-list')).includes(gap), 'the gap left the dashboard');
  // The project page draws the data map.
  await reg.goto(projectUrl);
  await audit('project with its data map', reg);

  // As a viewer of another organisation: no edit controls, and posting anyway is refused.
  await page.goto(`${base}/orgs/practions/settings`);
  await page.fill('#member_email', 'e2e@example.org');
  await page.selectOption('#new-role', 'viewer');
  await page.click('form[action="/orgs/practions/members"] button[type=submit]');
  await page.waitForURL(/\/orgs\/practions\/settings/);
  await reg.goto(`${base}/orgs/practions/projects`);
  await reg.click('main table a');
  await reg.click('a[href$="/services"]');
  await reg.click('main table a');
  const serviceUrl = reg.url().split('?')[0];
  assert.equal(await reg.locator(`form[action="${new URL(serviceUrl).pathname}"]`).count(), 0, 'no form for a viewer');
  assert.equal(await reg.locator('a[href$="/delete"]').count(), 0, 'no delete for a viewer');
  await audit('service as a viewer', reg);
  const status = await reg.evaluate(async (path) => {
    const csrf = document.querySelector('input[name=csrf]').value;
    const r = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, name: 'Taken over' }),
    });
    return r.status;
  }, new URL(serviceUrl).pathname);
  assert.equal(status, 403, 'posting anyway is refused');
  await visitor.close();

  // The registers: running deadlines on the overview, a breach entered in the
  // organisation's time with its 72-hour clock, a request form's error, the reminder that
  // the scheduler mailed for the demo's breach, and the calendar feed read by ical.js.
  await page.goto(`${base}/orgs/practions`);
  const deadlines = await page.textContent('#deadlines-title + ul');
  assert.match(deadlines, /Breach: Support mailbox forwarded to a wrong address/);
  assert.match(deadlines, /Due soon/);
  await page.click('.org-nav a[href$="/breaches"]');
  await page.waitForURL(/\/orgs\/practions\/breaches$/);
  assert.equal((await page.textContent('.org-nav a[aria-current="page"]')).trim(), 'Breaches');
  await audit('breach register');
  await page.click('a[href$="/breaches/new"]');
  await page.fill('#title', 'Lost USB stick');
  await page.fill('#aware_at', '2026-11-20T09:15');
  await page.check('input[name=nature][value=confidentiality]');
  await page.fill('#updates-0-at', '2026-11-20T11:00');
  await page.fill('#updates-0-text', 'Stick was encrypted');
  await audit('new breach');
  await page.click('main form button[type=submit]');
  await page.waitForURL(/\/breaches\/[0-9a-f-]+\?m=created$/);
  const clock = await page.textContent('.clock');
  assert.match(clock, /Notify the supervisory authority \(Art\. 33\(1\)\)/);
  assert.match(clock, /23 November 2026, 9:15am CET/);
  assert.equal(await page.inputValue('#aware_at'), '2026-11-20T09:15', 'shown in the organisation\'s time');
  await audit('breach with its deadline');
  await page.click('a[href$="/documentation"]');
  assert.match(await page.textContent('main'), /Information provided in phases \(Art\. 33\(4\)\)/);
  assert.match(await page.textContent('main'), /Stick was encrypted/);
  await audit('breach documentation');
  await page.goto(`${base}/orgs/practions/requests/new`);
  await page.selectOption('#kind', 'access');
  await page.click('main form button[type=submit]');
  await page.waitForSelector('.error-summary');
  assert.match(await page.textContent('.error-summary'), /Enter Received at/);
  await audit('new request with an error');

  // The scheduler's first round mailed the reminder 48 hours before the demo breach's
  // deadline to the owner, and left it in the application.
  if (smtp) {
    const reminder = await mailTo('privacy@practions.example', 'Support mailbox forwarded', 90000);
    assert.match(reminder, /Deadline in 1 day, 1[78] hours/);
    await page.click('a[href="/notifications"]');
    assert.match(await page.textContent('main'), /Support mailbox forwarded/);
    await audit('reminders');
  }

  // The public request form: turned on in the settings, used by a stranger (the browser
  // solves the proof of work), answered with a reference by e-mail.
  await page.goto(`${base}/orgs/practions/settings`);
  await page.check('#intake_enabled');
  await page.click('form[action="/orgs/practions/settings"] button[type=submit]');
  await page.waitForURL(/\/settings\?m=saved$/);
  const stranger = await browser.newContext({ locale: 'nl-NL' });
  const intake = await stranger.newPage();
  intake.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  await intake.goto(`${base}/intake/practions`);
  assert.equal(await intake.textContent('h1 .caption'), 'Practions');
  await audit('public request form', intake);
  await intake.check('#kind-access');
  await intake.fill('#name', 'Noor Bakker');
  await intake.fill('#email', 'noor@example.org');
  await intake.fill('#details', 'Welke gegevens heeft u over mij?');
  await intake.waitForTimeout(3500);
  await intake.click('form[action="/intake/practions"] button[type=submit]');
  await intake.waitForSelector('.banner--success', { timeout: 30000 });
  const reference = (await intake.textContent('.banner--success strong')).trim();
  assert.match(reference, /^WEB-/);
  await audit('request received', intake);
  if (smtp) await mailTo('noor@example.org', reference);
  await stranger.close();
  await page.goto(`${base}/orgs/practions/requests`);
  assert.match(await page.textContent('main table'), new RegExp(reference));

  // A calendar address, fetched as a calendar app would (no cookie), parsed by ical.js.
  await page.goto(`${base}/account/calendar`);
  await page.click('main form[action="/account/calendar"] button');
  const feedUrl = (await page.textContent('code.secret')).trim();
  await audit('calendar feed');
  const feed = await fetch(`${base}${new URL(feedUrl).pathname}`);
  assert.equal(feed.status, 200);
  const vcalendar = new ICAL.Component(ICAL.parse(await feed.text()));
  const events = vcalendar.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
  const usb = events.find((e) => e.summary === 'Breach: Lost USB stick');
  assert.ok(usb, `the new breach is in the feed: ${events.map((e) => e.summary).join('; ')}`);
  assert.equal(usb.endDate.toJSDate().toISOString(), '2026-11-23T08:15:00.000Z');
  assert.ok(events.some((e) => e.summary.startsWith('Request: Access (Art. 15)')));
  await page.click('form[action="/account/calendar/revoke"] button');
  assert.equal((await fetch(`${base}${new URL(feedUrl).pathname}`)).status, 404, 'revoked');

  // Deleting the organisation locks it at once; an owner recovers it from its page.
  await page.goto(`${base}/orgs/practions/deletion`);
  if (page.url().includes('/account/reauth')) {
    await page.fill('#password', password);
    await page.click('form[action="/account/reauth"] button[type=submit]');
    await page.waitForURL(/\/orgs\/practions\/deletion$/);
  }
  await audit('deletion and legal hold');
  await page.fill('#confirm', 'practions');
  await page.click('form[action="/orgs/practions/deletion"] button[type=submit]');
  await page.waitForSelector('form[action="/orgs/practions/deletion/recover"]');
  await audit('organisation locked');
  await page.goto(`${base}/orgs/practions/projects`);
  assert.match(page.url(), /\/orgs\/practions\/deletion$/, 'a locked organisation opens only its deletion page');
  await page.click('form[action="/orgs/practions/deletion/recover"] button');
  await page.waitForURL(/\/orgs\/practions\/deletion\?m=recovered$/);
  await page.goto(`${base}/orgs/practions/projects`);
  assert.match(page.url(), /\/orgs\/practions\/projects$/);
  await page.goto(`${base}/account/deletion`);
  assert.ok((await page.textContent('main')).includes('practions'), 'the only owner is told which organisation holds them');
  await audit('account deletion');

  // Processor duties (in the owner's language): publish the trust page, announce a sub-processor change (a day too
  // early is refused, naming the first allowed day), then read the public page and its
  // objection form.
  await page.goto(`${base}/orgs/practions/processor`);
  await audit('processor duties');
  await page.check('#trust_page_enabled');
  await page.click('form[action="/orgs/practions/processor/settings"] button[type=submit]');
  await page.waitForURL(/\/orgs\/practions\/processor\?m=saved$/);
  await page.goto(`${base}/orgs/practions/processor/notices/new`);
  await audit('new sub-processor notice');
  const earliest = await page.inputValue('#effective_on');
  const dayBefore = new Date(Date.parse(`${earliest}T12:00:00Z`) - 86400000).toISOString().slice(0, 10);
  await page.fill('#name', 'Postmark');
  await page.fill('#purpose', 'Transactional e-mail');
  await page.selectOption('#location', 'DE');
  await page.fill('#effective_on', dayBefore);
  await page.click('form[action="/orgs/practions/processor/notices"] button[type=submit]');
  await page.waitForSelector('#effective_on-error');
  assert.match(await page.textContent('#effective_on-error'), /(Too early: give at least 30 days' notice|Te vroeg: kondig minstens 30 dagen vooraf aan)/);
  await audit('sub-processor notice refused');
  await page.fill('#effective_on', earliest);
  await page.click('form[action="/orgs/practions/processor/notices"] button[type=submit]');
  await page.waitForURL(/\/orgs\/practions\/processor\/notices\/[0-9a-f-]+\?m=published$/);
  await audit('sub-processor notice');
  await page.goto(`${base}/trust/practions`);
  assert.ok((await page.textContent('main')).includes('Postmark'), 'the notice is on the trust page');
  await audit('trust page');
  await page.click('main a[href$="/objection"]');
  await page.waitForSelector('#reasons');
  await audit('objection form');
  const atom = await fetch(`${base}/trust/practions/notices.atom`);
  assert.equal(atom.status, 200);
  assert.match(await atom.text(), /<entry>[\s\S]*Postmark/);
  await page.goto(`${base}/orgs/practions/processor`);

  // Signing out ends the session.
  await page.click('form[action="/logout"] button');
  await page.waitForURL(/\/login\?m=signed_out$/);
  await page.goto(`${base}/orgs/practions`);
  assert.match(page.url(), /\/login\?next=/);
  await page.click('a[href="/password/forgot"]');
  assert.equal(await page.textContent('h1'), 'Wachtwoord vergeten?');
  await audit('forgot password');
  console.log('browser test: sign-in, overview, registration, e-mail verification, two-factor enrolment, sign-in with a code, a new project, a data-map gap found and fixed, a viewer refused, a breach with its deadline, a reminder mailed, a public request with its receipt, a calendar feed parsed and revoked, an AI report with its payload, a file uploaded to a service, an organisation deleted and recovered, a sub-processor notice refused then published on the trust page, and sign-out work');
} catch (e) {
  problems.push(`step failed: ${e.stack || e}`);
} finally {
  await browser.close();
  smtp?.close();
}
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}

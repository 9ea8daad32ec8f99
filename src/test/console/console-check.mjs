// Checks the sync console (/console/) in headless Chromium, as a person sees it: the connection
// state, the runs (chart and table), the sync log (filters, paging, links to Salesforce), a broken
// connection and "Fix now", and that a viewer is told Fix now needs the operator role.
//
// Run through run-console-check.sh, which starts `sfsync demo` and sets:
//   SFSYNC_URL (http://127.0.0.1:PORT), EMULATOR_URL (http://127.0.0.1:PORT),
//   SFSYNC_OPERATOR_PASSWORD, SFSYNC_VIEWER_PASSWORD; optional CHROMIUM (default /usr/bin/chromium),
//   SCREENSHOT (default /tmp/console.png).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = must('SFSYNC_URL');
const emulator = must('EMULATOR_URL');
const operator = { username: 'operator', password: must('SFSYNC_OPERATOR_PASSWORD') };
const viewer = { username: 'viewer', password: must('SFSYNC_VIEWER_PASSWORD') };
const screenshot = process.env.SCREENSHOT || '/tmp/console.png';
const TIMEOUT = 15000;
// Without the background-networking flags Chromium's own connections are refused on a closed network.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let passed = 0;
let failed = 0;

function must(name) {
  if (!process.env[name]) {
    console.error(`console-check: ${name} is not set (run it through run-console-check.sh)`);
    process.exit(2);
  }
  return process.env[name];
}

async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${name}: ${String(e.message || e).split('\n')[0]}`);
  }
}

function assert(ok, message) {
  if (!ok) throw new Error(message);
}

/** Waits until fn() (run in the page) returns a truthy value; fails with what it last returned. */
async function until(page, description, fn, arg) {
  try {
    await page.waitForFunction(fn, arg, { timeout: TIMEOUT, polling: 100 });
  } catch {
    throw new Error(`${description} (within ${TIMEOUT / 1000} s)`);
  }
}

const text = (page, selector) => page.locator(selector).first().innerText();

async function post(url, body, credentials) {
  const headers = { 'Content-Type': 'application/json' };
  if (credentials) {
    headers.Authorization = 'Basic ' + Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  }
  const res = await fetch(url, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status} ${answer}`);
  return answer;
}

/** A fresh profile (--user-data-dir) per browser; Basic auth answered with the given user. */
async function open(credentials, fn) {
  const profile = await mkdtemp(join(tmpdir(), 'sfsync-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS,
    httpCredentials: credentials, viewport: { width: 1280, height: 900 }, locale: 'en-US',
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    const origin = new URL(base).origin;
    const problems = { errors: [], foreign: [] };
    page.on('pageerror', (e) => problems.errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.errors.push(m.text());
    });
    page.on('response', (r) => {
      // the one failure the check provokes on purpose: Fix now while the secret is still wrong
      const expected = r.status() === 502 && r.url().endsWith('/api/connection/reconnect');
      if (r.status() >= 400 && !expected) problems.errors.push(`HTTP ${r.status()} ${r.url()}`);
    });
    page.on('requestfailed', (r) => problems.errors.push(`${r.failure()?.errorText} ${r.url()}`));
    page.on('request', (r) => { if (new URL(r.url()).origin !== origin) problems.foreign.push(r.url()); });
    await fn(page, problems);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

async function main() {
  await check('without credentials /console/ answers 401 with a Basic challenge', async () => {
    const res = await fetch(`${base}/console/`);
    assert(res.status === 401, `HTTP ${res.status}`);
    assert(/^Basic realm="sfsync"/.test(res.headers.get('www-authenticate') || ''),
      `WWW-Authenticate: ${res.headers.get('www-authenticate')}`);
  });

  await open(operator, async (page, problems) => {
    await check('the operator opens /console/', async () => {
      const res = await page.goto(`${base}/console/`);
      assert(res.status() === 200, `HTTP ${res.status()}`);
      assert((await page.title()) === 'sfsync console', `title ${await page.title()}`);
    });
    await check('the connection state reads UP', async () => {
      await until(page, 'the state never read UP',
        () => document.querySelector('#conn-state').textContent.trim() === 'UP');
    });
    await check('the runs table lists a run whose summary says "created"', async () => {
      await until(page, 'no run with "created" in its summary', () => [...document.querySelectorAll('#runs-table tbody td.summary')]
        .some((td) => /\d+ created/.test(td.textContent)));
    });
    await check('the runs chart has stacked bars and a legend', async () => {
      await until(page, 'no bar in the chart', () => document.querySelectorAll('#runs-chart svg rect.seg').length > 0);
      const kinds = await page.$$eval('#runs-chart svg rect.seg', (rs) => [...new Set(rs.map((r) => r.getAttribute('class')))]);
      assert(kinds.length >= 3, `only ${kinds.join(', ')}`);
      const legend = await text(page, '#legend');
      for (const k of ['created', 'updated', 'skipped', 'duplicates', 'errors']) assert(legend.includes(k), `legend lacks ${k}`);
    });
    await check('API usage shows the daily limit and sfsync calls today', async () => {
      await until(page, 'no usage figures', () => /Daily limit\s*15,000/.test(document.querySelector('#usage-facts').innerText)
        && /sfsync calls today\s*\d/.test(document.querySelector('#usage-facts').innerText));
    });
    // the demo ran people (200 rows out) and crm twice (Salesforce's records in): what the runs say
    const totals = await page.evaluate(async () => {
      const runs = await (await fetch('../api/runs?limit=100', { headers: { Accept: 'application/json' } })).json();
      return runs.reduce((t, r) => ({ created: t.created + r.created, attempted: t.attempted + r.attempted, runs: t.runs + 1 }),
        { created: 0, attempted: 0, runs: 0 });
    });
    await check('Today reads "N created of M attempted" as /api/summary counts them, with Lead, Contact and Task rows', async () => {
      await until(page, 'no Today line', () => /created of \d/.test(document.querySelector('#today-line').textContent));
      const line = await text(page, '#today-line');
      const today = await page.evaluate(async () => (await fetch('../api/summary', { headers: { Accept: 'application/json' } })).json());
      assert(totals.runs === 3, `${totals.runs} runs`);
      // the people run's 200 rows and the crm runs' records: at least the 200 people were attempted
      assert(today.attempted >= 200 && today.created >= 1, JSON.stringify(today));
      assert(line === `${today.created.toLocaleString('en-US')} created of ${today.attempted.toLocaleString('en-US')} attempted`
        || line === `${today.created} created of ${today.attempted} attempted`, `"${line}" vs ${JSON.stringify(today)}`);
      const objects = await page.$$eval('#today-table tbody th', (ths) => ths.map((th) => th.textContent));
      assert(objects.includes('Lead') && objects.includes('Contact') && objects.includes('Task'), `objects: ${objects.join(', ')}`);
      const task = today.objects.find((o) => o.sobject === 'Task');
      assert(task && task.created > 0, `Task in /api/summary: ${JSON.stringify(task)}`);
    });
    await check('the log shows a page of 50 rows of all entries', async () => {
      await until(page, 'no log rows', () => document.querySelectorAll('#log-table tbody tr').length === 50);
      const info = await text(page, '#page-info');
      const pages = Math.ceil(totals.attempted / 50);
      assert(new RegExp(`Page 1 of ${pages} · ${totals.attempted.toLocaleString('en-US')} entries`).test(info)
        || new RegExp(`Page 1 of ${pages} · ${totals.attempted} entries`).test(info), info);
    });
    await check('the runs table says which runs came from Salesforce', async () => {
      const jobs = await page.$$eval('#runs-table tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
      assert(jobs.includes('crm (from Salesforce)') && jobs.includes('people'), jobs.join(', '));
    });
    await check('the conflicts card lists the crm job\'s open conflicts with both values', async () => {
      await until(page, 'no conflict rows', () => [...document.querySelectorAll('#conflicts-table tbody tr')]
        .some((tr) => /^#\d+$/.test(tr.children[0].textContent)));
      const first = await text(page, '#conflicts-table tbody tr');
      assert(/crm/.test(first) && /Salesforce “.*”, source \(\w+\) “.*”/.test(first), first);
    });
    await check('Take Salesforce resolves a conflict: the note says so and the row leaves the list', async () => {
      const before = await page.locator('#conflicts-table tbody tr').count();
      const id = (await text(page, '#conflicts-table tbody tr td')).slice(1);
      await page.getByRole('button', { name: `Take Salesforce's values for conflict ${id}` }).click();
      await until(page, 'no resolved note', (n) => new RegExp(`^Conflict #${n} resolved \\(TOOK_SALESFORCE\\)`)
        .test(document.querySelector('#conflict-result').textContent), id);
      await until(page, 'the row stayed', (args) => {
        const rows = [...document.querySelectorAll('#conflicts-table tbody tr')];
        return !rows.some((tr) => tr.children[0].textContent === '#' + args.id)
          && (rows.length === args.before - 1 || (args.before === 1 && rows.length === 1));
      }, { id, before });
    });
    await check('Next shows page 2 of the log', async () => {
      await page.getByRole('button', { name: 'Next' }).click();
      await until(page, 'page 2 never showed', () => /^Page 2 of/.test(document.querySelector('#page-info').textContent));
      await page.getByRole('button', { name: 'Previous' }).click();
      await until(page, 'page 1 never showed again', () => /^Page 1 of/.test(document.querySelector('#page-info').textContent));
    });
    await check('a log row links to its Salesforce record', async () => {
      const href = await page.locator('#log-table tbody a').first().getAttribute('href');
      assert(/^http:\/\/127\.0\.0\.1:\d+\/lightning\/r\/(Lead|Contact|Account)\/[A-Za-z0-9]{18}\/view$/.test(href || ''), `href ${href}`);
      const rel = await page.locator('#log-table tbody a').first().getAttribute('rel');
      assert(/noopener/.test(rel || ''), `rel ${rel}`);
    });
    await check('filtering by status ERROR shows only ERROR rows', async () => {
      await page.getByLabel('Status').selectOption('ERROR');
      await page.getByRole('button', { name: 'Apply' }).click();
      await until(page, 'the rows are not all ERROR', () => {
        const rows = [...document.querySelectorAll('#log-table tbody tr')];
        return rows.length > 0 && rows.every((tr) => tr.children[3] && tr.children[3].textContent.trim() === 'ERROR');
      });
    });
    await check('filtering by reason and Salesforce Id narrows the log', async () => {
      await page.getByRole('button', { name: 'Clear' }).click();
      await until(page, 'Clear did not bring back every entry', (n) => new RegExp(`(${n}|${Number(n).toLocaleString('en-US')}) entries`)
        .test(document.querySelector('#page-info').textContent), String(totals.attempted));
      const link = await page.locator('#log-table tbody a').first().innerText(); // "Lead 00Q…"
      const sfId = link.split(' ').pop();
      await page.getByLabel('Salesforce Id').fill(sfId);
      await page.getByRole('button', { name: 'Apply' }).click();
      await until(page, `no single row for ${sfId}`, (id) => {
        const rows = [...document.querySelectorAll('#log-table tbody tr')];
        return rows.length >= 1 && rows.every((tr) => tr.children[6].textContent.includes(id));
      }, sfId);
      await page.getByRole('button', { name: 'Clear' }).click();
      await page.getByLabel('Reason').fill('NOT_IN_SEGMENT');
      await page.getByRole('button', { name: 'Apply' }).click();
      await until(page, 'the rows are not all NOT_IN_SEGMENT', () => {
        const rows = [...document.querySelectorAll('#log-table tbody tr')];
        return rows.length > 0 && rows.every((tr) => tr.children[4].textContent === 'NOT_IN_SEGMENT');
      });
      await page.getByRole('button', { name: 'Clear' }).click();
    });
    await check('a touchpoint waiting for its person is shown as a touchpoint, not as the person of that key', async () => {
      await page.getByLabel('Reason').fill('PERSON_NOT_LINKED');
      await page.getByRole('button', { name: 'Apply' }).click();
      await until(page, 'no PERSON_NOT_LINKED rows keyed "touchpoint N"', () => {
        const rows = [...document.querySelectorAll('#log-table tbody tr')];
        return rows.length > 0 && rows.every((tr) => /^touchpoint \d+$/.test(tr.children[2].textContent)
          && tr.children[3].textContent.trim() === 'PENDING');
      });
      await page.getByRole('button', { name: 'Clear' }).click();
    });

    await check('a broken connection (rotated secret) reads BROKEN after a reload', async () => {
      await post(`${emulator}/_emulator/credentials`, { clientSecret: 'rotated' });
      await post(`${emulator}/_emulator/sessions/expire`);
      await post(`${base}/api/jobs/people/run`, {}, operator); // the run observes the failed login
      await page.reload();
      await until(page, 'the state never read BROKEN',
        () => document.querySelector('#conn-state').textContent.trim() === 'BROKEN');
      assert(/invalid/i.test(await text(page, '#conn-reason')), `reason: ${await text(page, '#conn-reason')}`);
      assert(/people/.test(await text(page, '#conn-facts')), 'the paused job is not named');
    });
    await check('Fix now, with the secret still wrong, says why it failed', async () => {
      await page.getByRole('button', { name: 'Fix now' }).click();
      await until(page, 'no failure message', () => /Fix now failed\. HTTP 502: Salesforce refused the login/
        .test(document.querySelector('#fix-result').textContent));
    });
    await check('Fix now, with the secret restored, reads UP again', async () => {
      await post(`${emulator}/_emulator/reset`); // back to the emulator's original credentials
      await page.getByRole('button', { name: 'Fix now' }).click();
      await until(page, 'no success message', () => /^Reconnected: the connection is UP\. Resumed run #\d+/
        .test(document.querySelector('#fix-result').textContent));
      await until(page, 'the state never read UP', () => document.querySelector('#conn-state').textContent.trim() === 'UP');
    });
    await check('the page holds no password and stores nothing', async () => {
      const html = await page.content();
      assert(!html.includes(operator.password), 'the password is in the page');
      const stored = await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length);
      assert(stored === 0, `${stored} stored items`);
    });
    await check('no script errors and no request leaves the origin', async () => {
      assert(problems.errors.length === 0, problems.errors.join(' | '));
      assert(problems.foreign.length === 0, problems.foreign.join(' '));
    });
    await page.screenshot({ path: screenshot, fullPage: true });
  });

  await open(viewer, async (page) => {
    await check('a viewer sees the console; Fix now says the operator role is required', async () => {
      await page.goto(`${base}/console/`);
      await until(page, 'the state never read UP', () => document.querySelector('#conn-state').textContent.trim() === 'UP');
      await page.getByRole('button', { name: 'Fix now' }).click();
      await until(page, 'no 403 message', () => /Fix now failed\. HTTP 403: the operator role is required/
        .test(document.querySelector('#fix-result').textContent));
    });
    await check('a viewer taking a side of a conflict is told the operator role is required', async () => {
      await until(page, 'no conflict rows', () => [...document.querySelectorAll('#conflicts-table tbody tr')]
        .some((tr) => /^#\d+$/.test(tr.children[0].textContent)));
      const id = (await text(page, '#conflicts-table tbody tr td')).slice(1);
      await page.getByRole('button', { name: `Keep the source's values for conflict ${id}` }).click();
      await until(page, 'no 403 message', () => /was not resolved\. HTTP 403: the operator role is required/
        .test(document.querySelector('#conflict-result').textContent));
    });
  });
}

try {
  await main();
} catch (e) {
  failed += 1;
  console.log(`FAIL the check could not run: ${e.message}`);
}
console.log(`screenshot: ${screenshot}`);
console.log(`console: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

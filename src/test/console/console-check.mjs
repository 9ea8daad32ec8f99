// Checks the sync console (/console/) in headless Chromium, as a person sees it: the connection
// state, the runs (chart and table), the sync log (filters, paging, links to Salesforce), a broken
// connection and "Fix now", and that a viewer is told Fix now needs the operator role.
//
// Run through run-console-check.sh, which starts `sfsync demo` and sets:
//   SFSYNC_URL (http://127.0.0.1:PORT), EMULATOR_URL (http://127.0.0.1:PORT),
//   SFSYNC_OPERATOR_PASSWORD, SFSYNC_VIEWER_PASSWORD; optional CHROMIUM (default /usr/bin/chromium),
//   SCREENSHOT (default /tmp/console.png).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = must('SFSYNC_URL');
const emulator = must('EMULATOR_URL');
const operator = { username: 'operator', password: must('SFSYNC_OPERATOR_PASSWORD') };
const viewer = { username: 'viewer', password: must('SFSYNC_VIEWER_PASSWORD') };
const screenshot = process.env.SCREENSHOT || '/tmp/console.png';
const configDir = process.env.CONFIG_DIR; // the demo's config: the check breaks sync.yaml and puts it back
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
      assert(totals.runs === 4, `${totals.runs} runs`); // people, crm twice, people again
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
    await check('the runs table says which runs came from Salesforce, what triggered each, in UTC', async () => {
      const jobs = await page.$$eval('#runs-table tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
      assert(jobs.includes('crm (from Salesforce)') && jobs.includes('people'), jobs.join(', '));
      const triggers = await page.$$eval('#runs-table tbody tr td:nth-child(3)', (tds) => tds.map((td) => td.textContent));
      assert(triggers.length > 0 && triggers.every((t) => t === 'cli'), `triggers: ${triggers.join(', ')}`);
      const started = await text(page, '#runs-table tbody tr td:nth-child(6)');
      assert(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/.test(started), `started: ${started}`);
      const logTime = await text(page, '#log-table tbody tr td');
      assert(/ UTC$/.test(logTime), `log time: ${logTime}`);
    });
    await check('a log row in ERROR carries the fix for its reason', async () => {
      await page.getByLabel('Reason').fill('INVALID_EMAIL_ADDRESS');
      await page.getByRole('button', { name: 'Apply' }).click();
      await until(page, 'no fix hint under the message', () => {
        const rows = [...document.querySelectorAll('#log-table tbody tr')];
        return rows.length > 0 && rows.every((tr) => /Fix: fix the email in the source/.test(tr.children[5].textContent));
      });
      await page.getByRole('button', { name: 'Clear' }).click();
    });
    await check('every Salesforce Id in a message is a link: an ambiguous match names two Leads', async () => {
      await page.getByLabel('Reason').fill('AMBIGUOUS_MATCH');
      await page.getByRole('button', { name: 'Apply' }).click();
      await until(page, 'the ambiguous match does not link both Leads', () => {
        const rows = [...document.querySelectorAll('#log-table tbody tr')];
        return rows.length > 0 && rows.every((tr) => tr.children[5].querySelectorAll('a[href*="/00Q"]').length === 2);
      });
      await page.getByRole('button', { name: 'Clear' }).click();
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
    await check('a log row links to its Salesforce record, and the link opens it (the emulator\'s record page)', async () => {
      const link = page.locator('#log-table tbody td:nth-child(7) a').first();
      const href = await link.getAttribute('href');
      assert(/^http:\/\/127\.0\.0\.1:\d+\/lightning\/r\/(Lead|Contact|Account|Task)\/[A-Za-z0-9]{18}\/view$/.test(href || ''), `href ${href}`);
      const rel = await link.getAttribute('rel');
      assert(/noopener/.test(rel || ''), `rel ${rel}`);
      const id = href.split('/').slice(-2)[0];
      const res = await fetch(href);
      const html = await res.text();
      assert(res.status === 200 && html.includes(id) && /<th scope="row">Id<\/th>/.test(html), `HTTP ${res.status}: ${html.slice(0, 200)}`);
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

    await check('the instances card says the demo (H2) keeps its schedules in memory and shares no run', async () => {
      await until(page, 'no instances summary', () => /in memory/.test(document.querySelector('#cluster-summary').textContent));
      assert(/Runs are not shared/.test(await text(page, '#cluster-summary')), await text(page, '#cluster-summary'));
      assert(/No run shared/.test(await text(page, '#units-table tbody')), await text(page, '#units-table tbody'));
    });

    await check('the jobs card lists both jobs; Retry errors runs the people job\'s errors again', async () => {
      await until(page, 'no jobs', () => document.querySelectorAll('#jobs-table tbody tr').length === 2);
      const rows = await page.$$eval('#jobs-table tbody tr', (trs) => trs.map((tr) => tr.innerText));
      assert(/people\s+to Salesforce/.test(rows[0]) && /crm\s+from Salesforce/.test(rows[1]), rows.join(' | '));
      assert(!/Resync/.test(rows[1]), 'an inbound job is offered a resync');
      await page.getByRole('button', { name: 'Retry the rows of people that ended in error' }).click();
      await until(page, 'no retry note', () => /^people: run #\d+ PARTIAL/.test(document.querySelector('#job-result').textContent));
    });
    await check('a connection that breaks shows BROKEN and a banner saying what to do, with no reload', async () => {
      await post(`${emulator}/_emulator/credentials`, { clientSecret: 'rotated' });
      await post(`${emulator}/_emulator/sessions/expire`);
      await post(`${base}/api/jobs/people/run`, {}, operator); // the run observes the failed login
      await until(page, 'the state never read BROKEN',
        () => document.querySelector('#conn-state').textContent.trim() === 'BROKEN');
      assert(/invalid/i.test(await text(page, '#conn-reason')), `reason: ${await text(page, '#conn-reason')}`);
      assert(/people/.test(await text(page, '#conn-facts')), 'the paused job is not named');
      assert(await page.locator('#broken-banner').isVisible(), 'no banner');
      const banner = await text(page, '#broken-banner');
      assert(/consumer secret: it was rotated or mistyped/.test(banner) && /SFSYNC_SF_CLIENT_SECRET/.test(banner)
        && /Fix now/.test(banner), banner);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: screenshot.replace(/\.png$/, '-broken.png'), fullPage: false });
    });
    await check('Fix now, with the secret still wrong, says why it failed', async () => {
      await page.getByRole('button', { name: 'Fix now' }).click();
      await until(page, 'no failure message', () => /Fix now failed\. HTTP 502: Salesforce refused the login/
        .test(document.querySelector('#fix-result').textContent));
    });
    await check('Fix now, with the secret restored, reads UP again', async () => {
      await post(`${emulator}/_emulator/credentials`, { restore: true }); // the secret back; the demo org is kept
      await page.getByRole('button', { name: 'Fix now' }).click();
      await until(page, 'no success message', () => /^Reconnected: the connection is UP\. Resumed run #\d+/
        .test(document.querySelector('#fix-result').textContent));
      await until(page, 'the state never read UP', () => document.querySelector('#conn-state').textContent.trim() === 'UP');
      assert(!(await page.locator('#broken-banner').isVisible()), 'the banner stayed');
    });
    await check('a sync.yaml saved with a mistake shows a banner naming it; saved right, the banner goes', async () => {
      assert(configDir, 'CONFIG_DIR is not set');
      const file = join(configDir, 'sync.yaml');
      const good = await readFile(file, 'utf8');
      await writeFile(file, good.replace('createAs: Lead', 'createAs: Opportunity'));
      try {
        await until(page, 'no config banner', () => !document.querySelector('#config-banner').hidden
          && /jobs\.people\.createAs/.test(document.querySelector('#config-problems').textContent));
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: screenshot.replace(/\.png$/, '-config.png'), fullPage: false });
      } finally {
        await writeFile(file, good);
      }
      await until(page, 'the config banner stayed', () => document.querySelector('#config-banner').hidden);
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
    await check('a viewer sees the console, signed in as viewer, and is offered no action', async () => {
      await page.goto(`${base}/console/`);
      await until(page, 'the state never read UP', () => document.querySelector('#conn-state').textContent.trim() === 'UP');
      await until(page, 'not signed in as viewer', () => /Signed in as viewer \(viewer\)/.test(document.querySelector('#whoami').textContent));
      await until(page, 'no conflict rows', () => [...document.querySelectorAll('#conflicts-table tbody tr')]
        .some((tr) => /^#\d+$/.test(tr.children[0].textContent)));
      assert(!(await page.locator('#fix-now').isVisible()), 'Fix now is offered to a viewer');
      assert(await page.locator('#conflicts-table button').count() === 0, 'conflict buttons for a viewer');
      assert(await page.locator('#jobs-table button').count() === 0, 'job buttons for a viewer');
      assert(/operators run jobs/.test(await text(page, '#jobs-table tbody')), 'no word on who runs jobs');
      await page.screenshot({ path: screenshot.replace(/\.png$/, '-viewer.png'), fullPage: false });
    });
    await check('the API still refuses a viewer\'s Fix now and resolve (403), whatever the page shows', async () => {
      const statuses = await page.evaluate(async () => Promise.all(['connection/reconnect', 'conflicts/1/resolve',
        'jobs/people/resync'].map(async (p) => (await fetch('../api/' + p, { method: 'POST',
        headers: { 'Content-Type': 'application/json' }, body: '{"take":"source"}' })).status)));
      assert(statuses.every((s) => s === 403), statuses.join(', '));
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

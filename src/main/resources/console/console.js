// sfsync console: a person's view of the sync, read from the management API (../api/) with the
// browser's own Basic-auth login. No framework, no build step; every value goes in as text.
'use strict';

const API = '../api/';
const PAGE_SIZE = 50;
const KINDS = ['created', 'updated', 'unlinked', 'conflicts', 'skipped', 'duplicates', 'errors'];
const $ = (selector) => document.querySelector(selector);
let logPage = 0;
// who is signed in and what they may do (GET /api/me): actions are offered only to roles that may use them
let me = { may: { manage: false, reconnect: false } };
let instanceUrl = null;
// the connection and sync.yaml's state are polled every LIVE_MS; the rest every FULL_MS (while the tab is visible)
const LIVE_MS = 5000;
const FULL_MS = 30000;

/** An element (tag 'svg:rect' for SVG) with attributes; string children become text nodes. */
function el(tag, attrs = {}, ...children) {
  const e = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) e.setAttribute(k, v);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

async function api(path, options = {}) {
  let res;
  try {
    res = await fetch(API + path, { credentials: 'same-origin', headers: { Accept: 'application/json' }, ...options });
  } catch (e) {
    throw Object.assign(new Error('sfsync did not answer: ' + e.message), { status: 0 });
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const message = res.status === 401 ? 'sign-in required: reload the page and sign in'
      : (body && body.error) || res.statusText || 'request failed';
    throw Object.assign(new Error(message), { status: res.status });
  }
  return body;
}

const describe = (e) => (e.status ? `HTTP ${e.status}: ` : '') + e.message;
const number = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString());
// one time zone on the whole page: UTC, as the Today card and the server's reports
const utc = (iso) => new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
const when = (iso) => (iso ? el('time', { datetime: iso }, utc(iso)) : '–');
const SF_ID = /\b(?:00Q|003|001|005|00T|00G|00D|500|006)[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?\b/g;

/** A message with every Salesforce Id in it made a link to the record (ambiguous matches name several). */
function linked(text) {
  const out = [];
  let last = 0;
  for (const m of String(text || '').matchAll(SF_ID)) {
    out.push(text.slice(last, m.index));
    out.push(instanceUrl ? el('a', { href: `${instanceUrl}/${m[0]}`, target: '_blank', rel: 'noopener noreferrer' }, m[0]) : m[0]);
    last = m.index + m[0].length;
  }
  out.push(String(text || '').slice(last));
  return out;
}

function showError(id, e) {
  const p = $(id);
  p.hidden = !e;
  p.textContent = e ? describe(e) : '';
}

function facts(dl, pairs) {
  dl.replaceChildren(...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function badge(text, kind) {
  return el('span', { class: 'badge state-' + String(kind || text).toLowerCase() }, text);
}

async function loadConnection() {
  const state = $('#conn-state');
  try {
    const c = await api('connection');
    instanceUrl = c.instanceUrl && /^https?:\/\//i.test(c.instanceUrl) ? c.instanceUrl.replace(/\/+$/, '') : null;
    const banner = $('#broken-banner');
    banner.hidden = c.state !== 'BROKEN';
    if (c.state === 'BROKEN') {
      $('#broken-happened').textContent = c.advice ? c.advice.happened : 'Salesforce refused sfsync\'s login.';
      $('#broken-todo').textContent = (c.advice ? c.advice.todo : 'Check the credentials, then press Fix now.')
        + (me.may.reconnect ? '' : ' (an operator or admin can press Fix now)');
      $('#broken-raw').textContent = c.reason || '–';
    }
    loadJobs(c.jobs);
    state.textContent = c.state;
    state.className = 'badge state-' + c.state.toLowerCase();
    $('#conn-reason').textContent = c.reason || '';
    const paused = c.jobs.filter((j) => j.paused).map((j) => j.job);
    facts($('#conn-facts'), [
      ['Salesforce', c.loginUrl || '–'],
      ['Login', c.auth + (c.authDeprecated ? ' (deprecated by Salesforce)' : '')],
      ['Checked', when(c.checkedAt)],
      ['Paused jobs', paused.length ? paused.join(', ') : 'none'],
    ]);
    const job = $('#f-job');
    const chosen = job.value;
    job.replaceChildren(el('option', { value: '' }, 'any'), ...c.jobs.map((j) => el('option', {}, j.job)));
    job.value = chosen;
  } catch (e) {
    state.textContent = 'UNKNOWN';
    state.className = 'badge';
    $('#conn-reason').textContent = describe(e);
  }
}

async function fixNow() {
  const button = $('#fix-now');
  const out = $('#fix-result');
  button.disabled = true;
  out.className = 'note';
  out.textContent = 'Logging in to Salesforce again…';
  try {
    const r = await api('connection/reconnect', { method: 'POST' });
    const resumed = r.resumed.map((x) => `run #${x.runId} ${x.status} (${x.summary})`);
    out.className = 'note ok';
    out.textContent = `Reconnected: the connection is ${r.state}. `
      + (resumed.length ? 'Resumed ' + resumed.join('; ') + '.' : 'No job was paused.');
  } catch (e) {
    out.className = 'note error';
    out.textContent = 'Fix now failed. ' + describe(e);
  } finally {
    button.disabled = false;
  }
  await Promise.all([loadConnection(), loadUsage(), loadToday(), loadRuns(), loadLog()]);
}

async function loadUsage() {
  try {
    const u = await api('usage');
    // dailyMax and remaining are -1 until sfsync has read the org's limits
    const known = u.dailyMax >= 0 && u.remaining >= 0;
    const used = known ? u.dailyMax - u.remaining : null;
    const budget = known ? Math.floor((u.dailyMax * u.budgetPercent) / 100) : null;
    facts($('#usage-facts'), [
      ['Daily limit', known ? number(u.dailyMax) : 'not read yet'],
      ['Remaining', known ? number(u.remaining) : 'not read yet'],
      ['Used by all clients', number(used)],
      ['sfsync budget', `${u.budgetPercent}% (${number(budget)} requests)`],
      ['sfsync calls today', number(u.sfsyncCallsToday)],
    ]);
    const meter = $('#usage-meter');
    meter.max = known ? Math.max(u.dailyMax, 1) : 1;
    meter.value = used || 0;
    meter.textContent = $('#usage-caption').textContent = known
      ? `${number(used)} of ${number(u.dailyMax)} requests used today (${((100 * used) / Math.max(u.dailyMax, 1)).toFixed(1)}%)`
      : 'sfsync reads the limits at its next run';
    showError('#usage-error', null);
  } catch (e) {
    showError('#usage-error', e);
  }
}

// "Leads created today vs Leads attempted today" (seed 003), from GET /api/summary
async function loadToday() {
  try {
    const t = await api('summary');
    $('#today-line').textContent = `${number(t.created)} created of ${number(t.attempted)} attempted`;
    const other = (byAction) => Object.entries(byAction).filter(([a]) => a !== 'CREATED')
      .map(([a, n]) => `${number(n)} ${a.toLowerCase()}${n !== 1 && (a === 'DUPLICATE' || a === 'ERROR') ? 's' : ''}`)
      .join(', ') || '–';
    $('#today-table tbody').replaceChildren(...t.objects.map((o) => el('tr', {},
      el('th', { scope: 'row' }, o.sobject || 'no object chosen'), el('td', { class: 'num' }, number(o.created)),
      el('td', { class: 'num' }, number(o.attempted)), el('td', {}, other(o.byAction)))));
    showError('#today-error', null);
  } catch (e) {
    showError('#today-error', e);
  }
}

function chart(runs) {
  const oldestFirst = [...runs].reverse();
  const W = 720;
  const H = 220;
  const left = 44;
  const bottom = 24;
  const top = 10;
  const plotH = H - top - bottom;
  const total = (r) => KINDS.reduce((s, k) => s + (r[k] || 0), 0);
  const max = Math.max(1, ...oldestFirst.map(total));
  const slot = (W - left - 8) / Math.max(oldestFirst.length, 1);
  const barW = Math.max(4, Math.min(40, slot * 0.7));
  const svg = el('svg:svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-title' },
    el('svg:title', { id: 'chart-title' }, `Records per run by outcome, oldest of ${runs.length} runs first`));
  for (const v of new Set([0, Math.round(max / 2), max])) {
    const y = top + plotH - (v / max) * plotH;
    svg.append(el('svg:line', { x1: left, x2: W, y1: y, y2: y, class: 'grid' }),
      el('svg:text', { x: left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, String(v)));
  }
  oldestFirst.forEach((r, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    const g = el('svg:g', { class: 'bar' }, el('svg:title', {}, `Run #${r.id} (${r.job}, ${r.status}): ${r.summary}`));
    let y = top + plotH;
    for (const k of KINDS) {
      const h = ((r[k] || 0) / max) * plotH;
      if (h > 0) {
        y -= h;
        g.append(el('svg:rect', { x, y, width: barW, height: h, class: 'seg seg-' + k }));
      }
    }
    if (total(r) === 0) g.append(el('svg:rect', { x, y: y - 2, width: barW, height: 2, class: 'empty' }));
    g.append(el('svg:text', { x: x + barW / 2, y: H - 6, class: 'axis', 'text-anchor': 'middle' }, '#' + r.id));
    svg.append(g);
  });
  return svg;
}

async function loadRuns() {
  try {
    const runs = await api('runs?limit=30');
    $('#runs-chart').replaceChildren(runs.length ? chart(runs) : el('p', { class: 'muted' }, 'No runs yet.'));
    $('#runs-table tbody').replaceChildren(...runs.map((r) => el('tr', {},
      el('td', {}, '#' + r.id),
      el('td', {}, r.job + (r.direction === 'INBOUND' ? ' (from Salesforce)' : r.direction === 'BOTH' ? ' (both ways)' : '')),
      el('td', {}, r.trigger || '–'),
      el('td', {}, badge(r.status)),
      el('td', { class: 'summary' }, r.summary), el('td', {}, when(r.startedAt)),
      el('td', { class: 'num' }, number(r.apiCalls)))));
    showError('#runs-error', null);
  } catch (e) {
    showError('#runs-error', e);
  }
}

function recordCell(item) {
  if (item.url && /^https?:\/\//i.test(item.url)) {
    return el('a', { href: item.url, target: '_blank', rel: 'noopener noreferrer' },
      `${item.sobject || 'Record'} ${item.sfId}`);
  }
  return item.sfId || '–';
}

async function loadLog() {
  const query = new URLSearchParams({ page: logPage, size: PAGE_SIZE });
  for (const [k, v] of new FormData($('#log-filter'))) if (String(v).trim()) query.set(k, String(v).trim());
  try {
    const p = await api('log?' + query);
    $('#log-table tbody').replaceChildren(...p.items.map((i) => el('tr', {},
      el('td', {}, when(i.at)), el('td', {}, i.job),
      // a job's touchpoints are keyed apart from its people: say which a key is
      el('td', {}, i.sobject === 'Task' ? 'touchpoint ' + i.sourceKey : i.sourceKey), el('td', {}, badge(i.action)),
      el('td', {}, i.reason || ''),
      el('td', { class: 'message' }, ...linked(i.message), i.hint ? el('span', { class: 'hint' }, 'Fix: ' + i.hint) : null),
      el('td', {}, recordCell(i)))));
    if (!p.items.length) {
      $('#log-table tbody').append(el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No entries match.')));
    }
    const pages = Math.max(1, Math.ceil(p.total / p.size));
    $('#page-info').textContent = `Page ${p.page + 1} of ${pages} · ${number(p.total)} entries`;
    $('#prev').disabled = p.page <= 0;
    $('#next').disabled = p.page + 1 >= pages;
    showError('#log-error', null);
  } catch (e) {
    showError('#log-error', e);
  }
}

function differs(fields) {
  return el('ul', { class: 'differs' }, ...Object.entries(fields || {}).map(([field, v]) => el('li', {},
    el('strong', {}, field), `: Salesforce “${v.salesforce}”, source (${v.column}) “${v.source}”`)));
}

async function take(conflict, side) {
  const out = $('#conflict-result');
  out.className = 'note';
  out.textContent = `Resolving conflict #${conflict.id}…`;
  try {
    const r = await api(`conflicts/${conflict.id}/resolve`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ take: side }),
    });
    out.className = 'note ok';
    out.textContent = `Conflict #${r.id} resolved (${r.status}): row ${r.sourceKey} is linked to ${r.sobject} ${r.sfId}.`;
  } catch (e) {
    out.className = 'note error';
    out.textContent = `Conflict #${conflict.id} was not resolved. ` + describe(e);
  }
  await Promise.all([loadConflicts(), loadLog()]);
}

async function loadConflicts() {
  try {
    const list = await api('conflicts');
    $('#conflicts-table tbody').replaceChildren(...list.map((c) => el('tr', {},
      el('td', {}, '#' + c.id), el('td', {}, c.job), el('td', {}, `${c.sobject} `, ...linked(c.sfId)), el('td', {}, c.sourceKey),
      el('td', {}, differs(c.fields)),
      el('td', { class: 'buttons' }, ...(me.may.manage ? [
        button(`Take Salesforce`, `Take Salesforce's values for conflict ${c.id}`, () => take(c, 'salesforce')), ' ',
        button(`Take source`, `Keep the source's values for conflict ${c.id}`, () => take(c, 'source'))]
        : [el('span', { class: 'muted' }, 'an operator decides')])))));
    if (!list.length) {
      $('#conflicts-table tbody').append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No open conflicts.')));
    }
    showError('#conflicts-error', null);
  } catch (e) {
    showError('#conflicts-error', e);
  }
}

function button(label, description, onClick) {
  const b = el('button', { type: 'button', 'aria-label': description }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** The jobs card: each job's state, and for those who may, Run now / Retry errors / Resync. */
function loadJobs(jobs) {
  $('#jobs-table tbody').replaceChildren(...jobs.map((j) => el('tr', {},
    el('th', { scope: 'row' }, j.job),
    el('td', {}, j.direction === 'INBOUND' ? 'from Salesforce' : j.direction === 'BOTH' ? 'both ways' : 'to Salesforce'),
    el('td', {}, el('code', {}, j.schedule || '–')),
    el('td', {}, j.paused ? badge('PAUSED') : badge('ACTIVE', 'up'), j.paused && j.reason ? ' ' + j.reason : null),
    el('td', { class: 'actions' }, ...(me.may.manage ? [
      button('Run now', `Run job ${j.job} now`, () => jobAction(j.job, 'run', 'Running')),
      j.sendsToSalesforce ? button('Retry errors', `Retry the rows of ${j.job} that ended in error`,
        () => jobAction(j.job, 'retry', 'Retrying the errors of')) : null,
      j.sendsToSalesforce ? button('Resync', `Read every row of ${j.job} again and put Salesforce right`,
        () => jobAction(j.job, 'resync', 'Resyncing')) : null]
      : [el('span', { class: 'muted' }, 'operators run jobs')])))));
}

/** The instances card: who serves together, and the runs their workers share, unit by unit. */
async function loadCluster() {
  try {
    const c = await api('cluster');
    const schedules = c.clustered
      ? `${c.instances.length} instance${c.instances.length === 1 ? '' : 's'} share the schedules (Quartz's clustered store on PostgreSQL): each job fires once across them.`
      : 'This instance keeps its schedules in memory (the sync database is not PostgreSQL, or sfsync.cluster.enabled is false).';
    const work = c.sharesWork
      ? ` Its workers take units of shared runs, as ${c.worker}.`
      : ' Runs are not shared: each runs on the instance it fired on.';
    $('#cluster-summary').textContent = schedules + work;
    $('#cluster-table tbody').replaceChildren(...(c.instances.length ? c.instances.map((i) => el('tr', {},
      el('th', { scope: 'row' }, el('code', {}, i.id)), el('td', {}, utc(i.lastCheckin))))
      : [el('tr', {}, el('td', { colspan: 2, class: 'muted' }, 'No instance in a clustered store.'))]));
    const runs = new Map();
    for (const u of c.units) {
      const r = runs.get(u.runId) || { job: u.job, total: 0, done: 0, claimed: 0, rows: 0, pages: 0, by: new Map() };
      r.total += 1;
      if (u.kind === 'IN') r.pages += 1;
      if (u.state === 'DONE') r.done += 1;
      if (u.state === 'CLAIMED') r.claimed += 1;
      r.rows += u.rowsRecorded;
      if (u.claimedBy) r.by.set(u.claimedBy, (r.by.get(u.claimedBy) || 0) + 1);
      runs.set(u.runId, r);
    }
    $('#units-table tbody').replaceChildren(...(runs.size ? [...runs.entries()].map(([id, r]) => el('tr', {},
      el('th', { scope: 'row' }, '#' + id), el('td', {}, r.job), el('td', { class: 'num' }, `${r.done} of ${r.total}` + (r.pages ? ` (${r.pages} poll page${r.pages === 1 ? '' : 's'})` : '')),
      el('td', { class: 'num' }, String(r.claimed)), el('td', { class: 'num' }, String(r.rows)),
      el('td', {}, [...r.by.entries()].map(([w, n]) => `${w} (${n})`).join(', ') || '–')))
      : [el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No run shared in the last ten minutes.'))]));
    showError('#cluster-error', null);
  } catch (e) {
    showError('#cluster-error', e);
  }
}

async function jobAction(job, action, doing) {
  const out = $('#job-result');
  out.className = 'note';
  out.textContent = `${doing} ${job}…`;
  for (const b of document.querySelectorAll('#jobs-table button')) b.disabled = true;
  try {
    const r = await api(`jobs/${encodeURIComponent(job)}/${action}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: '{}',
    });
    out.className = 'note ok';
    out.textContent = r.runId === null || r.runId === undefined ? `${job}: ${r.summary}.`
      : `${job}: run #${r.runId} ${r.status} — ${r.summary}${r.resync ? ' (resync: ' + r.resync + ')' : ''}.`;
  } catch (e) {
    out.className = 'note error';
    out.textContent = `${job}: ${action} failed. ` + describe(e);
  } finally {
    for (const b of document.querySelectorAll('#jobs-table button')) b.disabled = false;
  }
  await refresh();
}

async function loadConfigStatus() {
  try {
    const s = await api('config/status');
    $('#config-banner').hidden = s.state !== 'INVALID';
    $('#config-problems').replaceChildren(...(s.problems || []).map((p) => el('li', {}, el('code', {}, p))));
  } catch (e) {
    $('#config-banner').hidden = true;
  }
}

async function loadMe() {
  try {
    me = await api('me');
    $('#whoami').textContent = `Signed in as ${me.user} (${me.role})`;
  } catch (e) {
    $('#whoami').textContent = describe(e);
  }
  $('#fix-now').hidden = !me.may.reconnect;
}

async function refresh() {
  await Promise.all([loadConnection(), loadConfigStatus(), loadUsage(), loadToday(), loadRuns(), loadConflicts(), loadLog(),
    loadCluster()]);
  $('#refreshed').textContent = 'Updated ' + utc(new Date().toISOString()) + ' · live every ' + LIVE_MS / 1000 + ' s';
}

async function live() {
  if (document.visibilityState !== 'visible') return;
  await Promise.all([loadConnection(), loadConfigStatus()]);
  $('#refreshed').textContent = 'Updated ' + utc(new Date().toISOString()) + ' · live every ' + LIVE_MS / 1000 + ' s';
}

document.addEventListener('DOMContentLoaded', () => {
  $('#legend').replaceChildren(...KINDS.map((k) => el('li', {}, el('span', { class: 'swatch seg-' + k }), k)));
  $('#refresh').addEventListener('click', refresh);
  $('#fix-now').addEventListener('click', fixNow);
  $('#log-filter').addEventListener('submit', (e) => { e.preventDefault(); logPage = 0; loadLog(); });
  $('#log-filter').addEventListener('reset', () => { logPage = 0; setTimeout(loadLog); });
  $('#prev').addEventListener('click', () => { logPage -= 1; loadLog(); });
  $('#next').addEventListener('click', () => { logPage += 1; loadLog(); });
  loadMe().then(refresh);
  setInterval(live, LIVE_MS);
  setInterval(() => { if (document.visibilityState === 'visible') refresh(); }, FULL_MS);
});

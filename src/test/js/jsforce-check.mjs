// Drives the sfsync Salesforce emulator with jsforce -- a Salesforce client nobody on the team
// wrote -- through jsforce's public API only, and checks that what comes back is shaped like
// Salesforce: response bodies, status codes (as jsforce surfaces them) and error codes.
//
//   SF_LOGIN_URL=http://127.0.0.1:8089 SF_CLIENT_ID=sfsync-emulator SF_CLIENT_SECRET=... \
//   SF_USERNAME=integration@sfsync.example SF_PASSWORD=... node jsforce-check.mjs
//
// Optional: SF_API_VERSION (default 62.0), SF_CONTROL_URL (default $SF_LOGIN_URL/_emulator, the
// emulator's control plane, used to reset the org, seed records and expire sessions),
// JSFORCE_LOG_LEVEL (e.g. DEBUG, to see every request jsforce sends).
//
// Each check prints "ok - <name>" or "not ok - <name>: <why>"; the last line is
// "jsforce: N passed, M failed" and the exit status is non-zero when M > 0.

import jsforce from 'jsforce';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === '') {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return v;
};

const loginUrl = env('SF_LOGIN_URL').replace(/\/+$/, '');
const clientId = env('SF_CLIENT_ID');
const clientSecret = env('SF_CLIENT_SECRET');
const username = env('SF_USERNAME');
const password = env('SF_PASSWORD');
const version = env('SF_API_VERSION', '62.0');
const controlUrl = env('SF_CONTROL_URL', `${loginUrl}/_emulator`).replace(/\/+$/, '');
const logLevel = process.env.JSFORCE_LOG_LEVEL || undefined;

const SEEDED = 2500; // more than two 2,000-record query pages
const RUN = Date.now().toString(36); // keeps e-mails and external IDs unique across runs

let passed = 0;
let failed = 0;

class CheckFailure extends Error {}

function assert(cond, why) {
  if (!cond) throw new CheckFailure(why);
}

function eq(actual, expected, what) {
  assert(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function describeError(e) {
  if (e instanceof CheckFailure) return e.message;
  const parts = [`${e.name || 'Error'}: ${e.message}`];
  if (e.errorCode && e.errorCode !== e.name) parts.push(`errorCode=${e.errorCode}`);
  if (e.data !== undefined) parts.push(`data=${JSON.stringify(e.data).slice(0, 600)}`);
  return parts.join(' ').replace(/\s+/g, ' ');
}

async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`not ok - ${name}: ${describeError(e)}`);
  }
}

// Runs fn, which must fail; returns the error jsforce threw.
async function rejects(fn, what) {
  try {
    const out = await fn();
    throw new CheckFailure(`${what} succeeded, expected an error; got ${JSON.stringify(out).slice(0, 300)}`);
  } catch (e) {
    if (e instanceof CheckFailure) throw e;
    return e;
  }
}

async function control(method, path, body) {
  const res = await fetch(`${controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control plane ${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

// The 18-character form of a 15-character Salesforce Id: three checksum characters, one per block
// of five, each encoding which characters of its block are upper-case letters.
function to18(id15) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
  let suffix = '';
  for (let block = 0; block < 3; block += 1) {
    let flags = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15[block * 5 + i];
      if (c >= 'A' && c <= 'Z') flags |= 1 << i;
    }
    suffix += alphabet[flags];
  }
  return id15 + suffix;
}

const is18CharId = (id, prefix) => typeof id === 'string' && /^[a-zA-Z0-9]{18}$/.test(id) && id.startsWith(prefix)
  && to18(id.slice(0, 15)) === id;

function newConnection() {
  return new jsforce.Connection({
    oauth2: { loginUrl, clientId, clientSecret },
    loginUrl,
    version,
    ...(logLevel ? { logLevel } : {}),
  });
}

const lead = (n, extra = {}) => ({
  FirstName: 'Jo',
  LastName: `Jsforce ${n}`,
  Company: 'Jsforce Check Ltd',
  Email: `jo.${n}.${RUN}@jsforce-check.example`,
  ...extra,
});

// ------------------------------------------------------------------------------------------------

const conn = newConnection();
const state = {};

await check('control plane: reset the org and seed Leads', async () => {
  await control('POST', '/reset');
  const records = [];
  for (let i = 0; i < SEEDED; i += 1) {
    records.push({ LastName: `Seed ${i}`, Company: 'jsforce-seed', Email: `seed.${i}.${RUN}@jsforce-seed.example` });
  }
  await control('POST', '/seed', { Lead: records });
  const status = await control('GET', '');
  assert(status.records && status.records.Lead >= SEEDED, `status shows ${JSON.stringify(status.records)} Leads`);
});

await check('login: OAuth2 username-password flow (conn.login)', async () => {
  const userInfo = await conn.login(username, password);
  assert(is18CharId(userInfo.id, '005'), `user id ${userInfo.id}`);
  assert(is18CharId(userInfo.organizationId, '00D'), `org id ${userInfo.organizationId}`);
  assert(typeof userInfo.url === 'string' && userInfo.url.endsWith(`/id/${userInfo.organizationId}/${userInfo.id}`),
    `identity url ${userInfo.url}`);
  assert(typeof conn.accessToken === 'string' && conn.accessToken.length > 20, 'no access token');
  eq(conn.instanceUrl, loginUrl, 'instanceUrl');
  state.userId = userInfo.id;
  state.orgId = userInfo.organizationId;
});

await check('login: wrong password is rejected with invalid_grant', async () => {
  const bad = newConnection();
  const err = await rejects(() => bad.login(username, `${password}-wrong`), 'login with a wrong password');
  eq(err.name, 'invalid_grant', 'OAuth error');
  eq(err.message, 'authentication failure', 'error_description');
});

await check('login: OAuth2 client-credentials flow (conn.authorize)', async () => {
  const cc = newConnection();
  const userInfo = await cc.authorize({ grant_type: 'client_credentials' });
  assert(is18CharId(userInfo.id, '005'), `user id ${userInfo.id}`);
  eq(userInfo.organizationId, state.orgId, 'org id');
  eq(cc.instanceUrl, loginUrl, 'instanceUrl');
  const res = await cc.query('SELECT COUNT() FROM Lead');
  assert(res.totalSize >= SEEDED, `COUNT() = ${res.totalSize}`);
});

await check('identity()', async () => {
  const id = await conn.identity();
  eq(id.user_id, state.userId, 'user_id');
  eq(id.organization_id, state.orgId, 'organization_id');
  eq(id.username, username, 'username');
  assert(typeof id.display_name === 'string' && id.display_name, 'display_name');
  assert(id.urls && typeof id.urls.rest === 'string' && id.urls.rest.startsWith(loginUrl), `urls.rest ${id.urls && id.urls.rest}`);
  eq(id.active, true, 'active');
});

await check('identity() of a connection made from an access token alone (the version resource)', async () => {
  const bare = new jsforce.Connection({ instanceUrl: loginUrl, accessToken: conn.accessToken, version });
  const id = await bare.identity();
  eq(id.user_id, state.userId, 'user_id');
  eq(id.organization_id, state.orgId, 'organization_id');
});

await check('describeGlobal()', async () => {
  const g = await conn.describeGlobal();
  assert(typeof g.encoding === 'string' && typeof g.maxBatchSize === 'number', 'encoding / maxBatchSize');
  const names = g.sobjects.map((s) => s.name);
  for (const n of ['Lead', 'Contact', 'Account', 'Task', 'User']) assert(names.includes(n), `no ${n} in sobjects`);
  const l = g.sobjects.find((s) => s.name === 'Lead');
  eq(l.keyPrefix, '00Q', 'Lead keyPrefix');
  eq(l.createable, true, 'Lead createable');
  assert(l.urls && l.urls.sobject === `/services/data/v${version}/sobjects/Lead`, `Lead urls.sobject ${l.urls && l.urls.sobject}`);
});

await check("describe('Lead')", async () => {
  const d = await conn.describe('Lead');
  eq(d.name, 'Lead', 'name');
  eq(d.keyPrefix, '00Q', 'keyPrefix');
  const f = Object.fromEntries(d.fields.map((x) => [x.name, x]));
  for (const n of ['Id', 'LastName', 'Company', 'Email', 'Status', 'OwnerId', 'Sfsync_Person_Id__c', 'IsDeleted']) {
    assert(f[n], `no field ${n}`);
  }
  eq(f.Id.type, 'id', 'Id.type');
  eq(f.LastName.nillable, false, 'LastName.nillable');
  eq(f.Email.type, 'email', 'Email.type');
  eq(f.Status.type, 'picklist', 'Status.type');
  assert(f.Status.picklistValues.length > 0, 'Status picklistValues');
  eq(f.OwnerId.type, 'reference', 'OwnerId.type');
  eq(f.Sfsync_Person_Id__c.externalId, true, 'Sfsync_Person_Id__c.externalId');
  eq(f.Sfsync_Person_Id__c.custom, true, 'Sfsync_Person_Id__c.custom');
});

await check("describe('NoSuchObject__c') is NOT_FOUND", async () => {
  const err = await rejects(() => conn.describe('NoSuchObject__c'), 'describe of a missing object');
  eq(err.errorCode, 'NOT_FOUND', 'errorCode');
});

await check("sobject('Lead').create", async () => {
  const r = await conn.sobject('Lead').create(lead('single'));
  eq(r.success, true, 'success');
  assert(is18CharId(r.id, '00Q'), `id ${r.id}`);
  assert(Array.isArray(r.errors) && r.errors.length === 0, `errors ${JSON.stringify(r.errors)}`);
  state.leadId = r.id;
});

await check("sobject('Lead').retrieve", async () => {
  const r = await conn.sobject('Lead').retrieve(state.leadId);
  eq(r.attributes && r.attributes.type, 'Lead', 'attributes.type');
  eq(r.attributes.url, `/services/data/v${version}/sobjects/Lead/${state.leadId}`, 'attributes.url');
  eq(r.Id, state.leadId, 'Id');
  eq(r.LastName, 'Jsforce single', 'LastName');
  eq(r.IsDeleted, false, 'IsDeleted');
  assert(typeof r.CreatedDate === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/.test(r.CreatedDate),
    `CreatedDate format ${r.CreatedDate}`);
  const some = await conn.sobject('Lead').retrieve(state.leadId, { fields: ['LastName', 'Company'] });
  eq(some.Company, 'Jsforce Check Ltd', 'Company with ?fields=');
});

await check("sobject('Lead').update", async () => {
  const r = await conn.sobject('Lead').update({ Id: state.leadId, Title: 'Buyer' });
  eq(r.success, true, 'success');
  eq(r.id, state.leadId, 'id');
  const back = await conn.sobject('Lead').retrieve(state.leadId, { fields: ['Title'] });
  eq(back.Title, 'Buyer', 'Title after update');
});

await check("sobject('Lead').upsert by Sfsync_Person_Id__c (insert, then update)", async () => {
  const extId = `P-${RUN}`;
  const created = await conn.sobject('Lead').upsert({ ...lead('upsert'), Sfsync_Person_Id__c: extId }, 'Sfsync_Person_Id__c');
  eq(created.success, true, 'insert success');
  eq(created.created, true, 'insert created');
  assert(is18CharId(created.id, '00Q'), `insert id ${created.id}`);
  const updated = await conn.sobject('Lead').upsert({ Sfsync_Person_Id__c: extId, Title: 'CTO' }, 'Sfsync_Person_Id__c');
  eq(updated.success, true, 'update success');
  // Since API 46.0 an upsert that updates answers 200 with {id, success, errors, created:false}.
  eq(updated.created, false, 'update created');
  eq(updated.id, created.id, 'update id');
  const back = await conn.sobject('Lead').retrieve(created.id, { fields: ['Title', 'Sfsync_Person_Id__c'] });
  eq(back.Title, 'CTO', 'Title after upsert');
});

await check("sobject('Lead').destroy, then retrieve is ENTITY_IS_DELETED", async () => {
  const r = await conn.sobject('Lead').destroy(state.leadId);
  eq(r.success, true, 'success');
  eq(r.id, state.leadId, 'id');
  // Salesforce answers 404 [{"errorCode":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[]}]
  // for a record in the recycle bin.
  const err = await rejects(() => conn.sobject('Lead').retrieve(state.leadId), 'retrieve of a deleted record');
  eq(err.errorCode, 'ENTITY_IS_DELETED', 'errorCode');
  const again = await rejects(() => conn.sobject('Lead').destroy(state.leadId), 'second delete');
  eq(again.errorCode, 'ENTITY_IS_DELETED', 'errorCode of a second delete');
});

await check("retrieve of an Id that never existed is NOT_FOUND", async () => {
  // Same key prefix and pod as a real Lead Id, but a record number nobody was given.
  const ghost = to18(`${state.leadId.slice(0, 9)}ZZZZZZ`);
  const err = await rejects(() => conn.sobject('Lead').retrieve(ghost), 'retrieve of a missing record');
  eq(err.errorCode, 'NOT_FOUND', 'errorCode');
});

await check(`query with autoFetch over ${SEEDED} records (queryMore pages)`, async () => {
  let pages = 0;
  const q = conn.query("SELECT Id, LastName FROM Lead WHERE Company = 'jsforce-seed'");
  q.on('fetch', () => { pages += 1; });
  const res = await q.run({ autoFetch: true, maxFetch: 100000 });
  eq(res.totalSize, SEEDED, 'totalSize');
  eq(res.done, true, 'done');
  eq(res.records.length, SEEDED, 'records fetched');
  eq(new Set(res.records.map((r) => r.Id)).size, SEEDED, 'distinct Ids');
  eq(pages, Math.ceil(SEEDED / 2000), 'pages (2,000 records a page)');
  eq(res.records[0].attributes.type, 'Lead', 'attributes.type');
});

await check('query: first page is 2,000 records with a relative nextRecordsUrl', async () => {
  // conn.query() rewrites nextRecordsUrl into an absolute URL of its own making, so read the raw page.
  const soql = "SELECT Id FROM Lead WHERE Company = 'jsforce-seed'";
  const res = await conn.request(`/query?q=${encodeURIComponent(soql)}`);
  eq(res.totalSize, SEEDED, 'totalSize');
  eq(res.done, false, 'done');
  eq(res.records.length, 2000, 'records on the first page');
  assert(typeof res.nextRecordsUrl === 'string' && /^\/services\/data\/v[\d.]+\/query\/[^/]+-2000$/.test(res.nextRecordsUrl),
    `nextRecordsUrl ${res.nextRecordsUrl}`);
  const more = await conn.queryMore(res.nextRecordsUrl);
  eq(more.records.length, SEEDED - 2000, 'records on the second page');
  eq(more.done, true, 'done on the second page');
});

await check('queryAll (scanAll) finds the deleted record; query does not', async () => {
  const soql = `SELECT Id, IsDeleted FROM Lead WHERE Id = '${state.leadId}'`;
  const all = await conn.query(soql, { scanAll: true });
  eq(all.totalSize, 1, 'queryAll totalSize');
  eq(all.records[0].IsDeleted, true, 'IsDeleted');
  const live = await conn.query(soql);
  eq(live.totalSize, 0, 'query totalSize');
});

await check('queryAll (scanAll) with autoFetch pages through queryMore', async () => {
  const res = await conn.query('SELECT Id FROM Lead', { scanAll: true }).run({ autoFetch: true, maxFetch: 100000 });
  assert(res.totalSize > SEEDED, `totalSize ${res.totalSize}`);
  eq(res.records.length, res.totalSize, 'records fetched');
  assert(res.records.some((r) => r.Id === state.leadId), 'deleted record not among the fetched ones');
});

await check("sobject('Lead').find / count (SOQL built by jsforce)", async () => {
  const rows = await conn.sobject('Lead').find({ Company: 'jsforce-seed', LastName: { $like: 'Seed 1%' } }, ['Id', 'LastName'])
    .sort({ LastName: 1 }).limit(5);
  eq(rows.length, 5, 'rows');
  eq(rows[0].LastName, 'Seed 1', 'first row (ORDER BY LastName)');
  const n = await conn.sobject('Lead').count({ Company: 'jsforce-seed' });
  eq(n, SEEDED, 'count()');
});

await check('create with a missing required field is REQUIRED_FIELD_MISSING', async () => {
  const err = await rejects(() => conn.sobject('Lead').create({ FirstName: 'No', Company: 'No Last Name Inc' }),
    'create without LastName');
  eq(err.errorCode, 'REQUIRED_FIELD_MISSING', 'errorCode');
  eq(err.message, 'Required fields are missing: [LastName]', 'message');
  assert(err.data && Array.isArray(err.data.fields), `fields missing in ${JSON.stringify(err.data)}`);
  eq(JSON.stringify(err.data.fields), '["LastName"]', 'fields');
});

await check('malformed SOQL is MALFORMED_QUERY', async () => {
  const err = await rejects(() => conn.query('SELEC Id FROM Lead'), 'a malformed query');
  eq(err.errorCode, 'MALFORMED_QUERY', 'errorCode');
  assert(typeof err.message === 'string' && err.message.length > 0, 'message');
});

await check('query of an unknown field is INVALID_FIELD', async () => {
  const err = await rejects(() => conn.query('SELECT Id, NoSuchField__c FROM Lead'), 'a query of an unknown field');
  eq(err.errorCode, 'INVALID_FIELD', 'errorCode');
});

await check('collections: create an array (allOrNone) goes through /composite/sobjects', async () => {
  await control('DELETE', '/calls');
  const rs = await conn.sobject('Lead').create([lead('c1'), lead('c2'), lead('c3')], { allOrNone: true });
  eq(rs.length, 3, 'results');
  for (const r of rs) {
    eq(r.success, true, 'success');
    assert(is18CharId(r.id, '00Q'), `id ${r.id}`);
    assert(Array.isArray(r.errors) && r.errors.length === 0, `errors ${JSON.stringify(r.errors)}`);
  }
  const calls = await control('GET', '/calls');
  const key = Object.keys(calls.byEndpoint || {}).find((k) => /^POST \/?composite\/sobjects$/.test(k));
  assert(key, `no POST composite/sobjects among ${JSON.stringify(calls)}`);
  state.collectionIds = rs.map((r) => r.id);
});

await check('collections: allOrNone rolls back every record when one fails', async () => {
  const rs = await conn.sobject('Lead').create([lead('r1'), { Company: 'No Last Name Inc' }, lead('r3')], { allOrNone: true });
  eq(rs.length, 3, 'results');
  for (const r of rs) eq(r.success, false, 'success');
  eq(rs[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING', 'failing record statusCode');
  eq(JSON.stringify(rs[1].errors[0].fields), '["LastName"]', 'failing record fields');
  eq(rs[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK', 'other record statusCode');
  const n = await conn.sobject('Lead').count({ Email: lead('r1').Email });
  eq(n, 0, 'rolled-back record count');
});

await check('collections: without allOrNone the good records are saved', async () => {
  const rs = await conn.sobject('Lead').create([lead('p1'), { Company: 'No Last Name Inc' }]);
  eq(rs[0].success, true, 'good record success');
  eq(rs[1].success, false, 'bad record success');
  eq(rs[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING', 'bad record statusCode');
  eq(rs[1].id, null, 'bad record id');
});

await check('collections: update / upsert / retrieve / destroy arrays', async () => {
  const ids = state.collectionIds;
  const up = await conn.sobject('Lead').update(ids.map((Id) => ({ Id, Title: 'Collected' })));
  assert(up.every((r) => r.success), `update ${JSON.stringify(up)}`);
  const ups = await conn.sobject('Lead').upsert(
    [{ ...lead('u1'), Sfsync_Person_Id__c: `U1-${RUN}` }, { ...lead('u2'), Sfsync_Person_Id__c: `U2-${RUN}` }],
    'Sfsync_Person_Id__c');
  assert(ups.every((r) => r.success && r.created === true), `upsert ${JSON.stringify(ups)}`);
  const got = await conn.sobject('Lead').retrieve(ids); // POST /composite/sobjects/Lead with every described field
  eq(got.length, ids.length, 'retrieved');
  assert(got.every((r) => r.Title === 'Collected'), `retrieved Titles ${JSON.stringify(got.map((r) => r && r.Title))}`);
  const del = await conn.sobject('Lead').destroy(ids);
  assert(del.every((r) => r.success), `destroy ${JSON.stringify(del)}`);
  const left = await conn.sobject('Lead').count({ Id: { $in: ids } });
  eq(left, 0, 'records left after destroy');
});

await check('conn.limits()', async () => {
  const l = await conn.limits();
  assert(l.DailyApiRequests && typeof l.DailyApiRequests.Max === 'number' && typeof l.DailyApiRequests.Remaining === 'number',
    `DailyApiRequests ${JSON.stringify(l.DailyApiRequests)}`);
  assert(l.DailyApiRequests.Remaining < l.DailyApiRequests.Max, 'Remaining should be below Max after this many calls');
  assert(conn.limitInfo && conn.limitInfo.apiUsage && conn.limitInfo.apiUsage.limit === l.DailyApiRequests.Max,
    `Sforce-Limit-Info as parsed by jsforce: ${JSON.stringify(conn.limitInfo)}`);
});

await check('composite via conn.request (reference between subrequests)', async () => {
  const base = `/services/data/v${version}`;
  const res = await conn.request({
    method: 'POST',
    url: '/composite',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${base}/sobjects/Lead`, referenceId: 'newLead', body: lead('composite') },
        { method: 'GET', url: `${base}/sobjects/Lead/@{newLead.id}?fields=LastName`, referenceId: 'readBack' },
      ],
    }),
  });
  eq(res.compositeResponse.length, 2, 'compositeResponse');
  const [c, g] = res.compositeResponse;
  eq(c.httpStatusCode, 201, 'create httpStatusCode');
  eq(c.referenceId, 'newLead', 'create referenceId');
  assert(is18CharId(c.body.id, '00Q'), `created id ${c.body.id}`);
  eq(g.httpStatusCode, 200, 'get httpStatusCode');
  eq(g.body.LastName, 'Jsforce composite', 'read-back LastName');
});

await check('composite/batch via conn.request', async () => {
  const res = await conn.request({
    method: 'POST',
    url: '/composite/batch',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      batchRequests: [
        { method: 'GET', url: `v${version}/limits` },
        { method: 'GET', url: `v${version}/query?q=SELEC+Id+FROM+Lead` },
      ],
    }),
  });
  eq(res.hasErrors, true, 'hasErrors');
  eq(res.results[0].statusCode, 200, 'first statusCode');
  eq(res.results[1].statusCode, 400, 'second statusCode');
  eq(res.results[1].result[0].errorCode, 'MALFORMED_QUERY', 'second errorCode');
});

await check('bulk2.loadAndWaitForResults insert with one failing row', async () => {
  const rows = [
    { LastName: 'Bulk 1', Company: 'Bulk Co', Email: `bulk.1.${RUN}@jsforce-check.example` },
    { LastName: '', Company: 'Bulk Co', Email: `bulk.2.${RUN}@jsforce-check.example` },
    { LastName: 'Bulk 3', Company: 'Bulk Co', Email: `bulk.3.${RUN}@jsforce-check.example` },
  ];
  const res = await conn.bulk2.loadAndWaitForResults({
    object: 'Lead', operation: 'insert', input: rows, pollInterval: 200, pollTimeout: 60000,
  });
  eq(res.successfulResults.length, 2, 'successfulResults');
  eq(res.failedResults.length, 1, 'failedResults');
  eq(res.unprocessedRecords.length, 0, 'unprocessedRecords');
  for (const s of res.successfulResults) {
    assert(is18CharId(s.sf__Id, '00Q'), `sf__Id ${s.sf__Id}`);
    eq(String(s.sf__Created), 'true', 'sf__Created');
  }
  eq(res.successfulResults.map((s) => s.LastName).sort().join(','), 'Bulk 1,Bulk 3', 'successful LastNames');
  const f = res.failedResults[0];
  assert(/^REQUIRED_FIELD_MISSING:Required fields are missing: \[LastName\]:LastName --$/.test(f.sf__Error),
    `sf__Error ${JSON.stringify(f.sf__Error)}`);
  eq(f.Email, rows[1].Email, 'failed row Email');
  const n = await conn.sobject('Lead').count({ Company: 'Bulk Co' });
  eq(n, 2, 'Leads saved by the job');
});

await check('bulk2 upsert on Id with columnDelimiter BACKQUOTE, Account standard fields', async () => {
  const csv = 'Name`Type`Fax`AccountNumber`Sic`Ownership`TickerSymbol`Rating`Site`AccountSource\n'
    + `Backquote 1, Inc.\`Prospect\`(512) 757-6000\`CD-1\`6576\`Public\`BQ1\`Hot\`Austin\`Web\n`
    + `Backquote 2, Inc.\`Prospect\`(512) 757-6001\`CD-2\`6577\`Private\`BQ2\`Warm\`Boston\`Other\n`;
  const res = await conn.bulk2.loadAndWaitForResults({
    object: 'Account', operation: 'upsert', externalIdFieldName: 'Id', columnDelimiter: 'BACKQUOTE',
    lineEnding: 'LF', input: csv, pollInterval: 200, pollTimeout: 60000,
  });
  eq(res.failedResults.length, 0, `failedResults ${JSON.stringify(res.failedResults)}`);
  eq(res.successfulResults.length, 2, 'successfulResults');
  const rows = await conn.query("SELECT Name, Fax, TickerSymbol, Ownership FROM Account WHERE Name LIKE 'Backquote %' ORDER BY Name");
  eq(rows.records.map((r) => r.Name).join('|'), 'Backquote 1, Inc.|Backquote 2, Inc.', 'names, commas kept');
  eq(rows.records[1].Fax, '(512) 757-6001', 'Fax');
  eq(rows.records[0].TickerSymbol, 'BQ1', 'TickerSymbol');
});

await check('Opportunity: create on an Account, read back through the Opportunities subquery', async () => {
  const account = await conn.sobject('Account').create({ Name: `Opportunity check ${RUN}` });
  const missing = await conn.sobject('Opportunity').create({ Name: 'No stage', AccountId: account.id })
    .then(() => null, (e) => e);
  assert(missing && missing.errorCode === 'REQUIRED_FIELD_MISSING', `without StageName and CloseDate: ${describeError(missing)}`);
  const opp = await conn.sobject('Opportunity').create({
    Name: 'Big deal', AccountId: account.id, StageName: 'Prospecting', CloseDate: '2027-03-31', Amount: 12000,
  });
  assert(is18CharId(opp.id, '006'), `Opportunity id ${opp.id}`);
  const res = await conn.query(`SELECT Name, (SELECT Name, StageName FROM Opportunities) FROM Account WHERE Id = '${account.id}'`);
  eq(res.records[0].Opportunities.totalSize, 1, 'Opportunities.totalSize');
  eq(res.records[0].Opportunities.records[0].StageName, 'Prospecting', 'StageName');
  const d = await conn.sobject('Opportunity').describe();
  const stage = d.fields.find((f) => f.name === 'StageName');
  eq(stage.restrictedPicklist, true, 'StageName restricted');
  eq(stage.nillable, false, 'StageName required');
});

await check('conn.search (SOSL) and describe layouts / list views', async () => {
  await conn.sobject('Account').create({ Name: `Searchable ${RUN}` });
  const { searchRecords } = await conn.search(`FIND {Searchable} IN NAME FIELDS RETURNING Account(Id, Name)`);
  assert(searchRecords.some((r) => r.Name === `Searchable ${RUN}` && r.attributes.type === 'Account'),
    `searchRecords ${JSON.stringify(searchRecords)}`);
  const layouts = await conn.sobject('Account').layouts();
  assert(Array.isArray(layouts.layouts) && layouts.layouts[0].relatedLists.some((l) => l.name === 'Contacts'),
    'Account layout with its Contacts related list');
  const views = await conn.sobject('Account').listviews();
  const all = views.listviews.find((v) => v.developerName === 'All');
  const results = await conn.sobject('Account').listview(all.id).results();
  assert(results.size > 0 && Array.isArray(results.records), `list view results ${results.size}`);
  const plan = await conn.sobject('Account').listview(all.id).explain();
  assert(plan.plans.every((p) => p.sobjectType === 'Account'), 'list view plan');
});

await check('bulk (API 1.0) load insert then query', async () => {
  const rows = [1, 2, 3].map((i) => ({ Name: `Bulk1 ${RUN} ${i}` }));
  const res = await conn.bulk.load('Account', 'insert', rows);
  eq(res.length, 3, 'results');
  assert(res.every((r) => r.success && is18CharId(r.id, '001')), `results ${JSON.stringify(res)}`);
  const stream = await conn.bulk.query(`SELECT Id, Name FROM Account WHERE Name LIKE 'Bulk1 ${RUN} %'`);
  const found = await new Promise((resolve, reject) => {
    const records = [];
    stream.on('record', (r) => records.push(r)).on('error', reject).on('end', () => resolve(records));
  });
  eq(found.length, 3, 'records the bulk query read');
});

await check('expired session: jsforce logs in again by itself', async () => {
  const before = conn.accessToken;
  await control('POST', '/sessions/expire');
  const n = await conn.sobject('Lead').count({ Company: 'jsforce-seed' });
  eq(n, SEEDED, 'count after re-login');
  assert(conn.accessToken && conn.accessToken !== before, 'access token did not change');
});

console.log(`jsforce: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

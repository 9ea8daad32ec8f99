// The peers of `sfsync benchmark`: the same kind of load through jsforce (a Salesforce client nobody on
// the team wrote) against the same emulator and latency, as integrations without sfsync send it:
//
//   one-by-one  for each record, a query by email, then a create or an update (what a native
//               integration that syncs "one by one" does)
//   bulk2       one Bulk API 2.0 upsert job on the external ID (a plain load: no matching at all)
//
//   SF_LOGIN_URL=http://127.0.0.1:8089 SF_CLIENT_ID=sfsync-emulator SF_CLIENT_SECRET=... \
//   SF_USERNAME=integration@sfsync.example SF_PASSWORD=... node peer-bench.mjs --peer bulk2 --rows 20000
//
// The org is reset before the load (control plane, not an API call); the API calls are the emulator's own
// count read before and after, not the client's. Prints one JSON line: peer, records, seconds,
// records_per_s, api_calls, api_calls_per_1000.

import jsforce from 'jsforce';

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return v;
};
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

const loginUrl = env('SF_LOGIN_URL').replace(/\/+$/, '');
const control = `${loginUrl}/_emulator`;
const peer = arg('peer', 'bulk2');
const rows = Number(arg('rows', '1000'));
const changed = Number(arg('changed', '0')); // > 0: first load unmeasured, then this many changed records

const counted = async () => (await (await fetch(`${control}/calls`)).json()).apiCallsCounted;

const record = (n, phone) => ({
  FirstName: 'Peer',
  LastName: `Person ${n}`,
  Company: `Peer Co ${n % 500}`,
  Email: `peer.${n}@peer-co-${n % 500}.example`,
  Phone: phone,
  Sfsync_Person_Id__c: String(n),
});

async function oneByOne(conn, records) {
  for (const r of records) {
    const found = await conn.query(`SELECT Id FROM Lead WHERE Email = '${r.Email}' LIMIT 1`);
    if (found.records.length > 0) {
      await conn.sobject('Lead').update({ Id: found.records[0].Id, ...r });
    } else {
      await conn.sobject('Lead').create(r);
    }
  }
}

async function bulk2(conn, records) {
  const results = await conn.bulk2.loadAndWaitForResults({
    object: 'Lead', operation: 'upsert', externalIdFieldName: 'Sfsync_Person_Id__c', input: records,
    pollInterval: 200, pollTimeout: 600000,
  });
  if (results.failedResults.length > 0) {
    throw new Error(`${results.failedResults.length} records failed, e.g. ${JSON.stringify(results.failedResults[0])}`);
  }
}

const load = peer === 'one-by-one' ? oneByOne : peer === 'bulk2' ? bulk2 : null;
if (!load) {
  console.error('--peer must be one-by-one or bulk2');
  process.exit(2);
}

await fetch(`${control}/reset`, { method: 'POST' });
const conn = new jsforce.Connection({
  oauth2: { loginUrl, clientId: env('SF_CLIENT_ID'), clientSecret: env('SF_CLIENT_SECRET') }, loginUrl, version: '62.0',
});
await conn.login(env('SF_USERNAME'), env('SF_PASSWORD'));
let records = Array.from({ length: rows }, (_, i) => record(i + 1, null));
if (changed > 0) {
  await bulk2(conn, records); // the first load, unmeasured (the same for both peers)
  records = records.slice(0, changed).map((r, i) => record(i + 1, '+1 555 0199'));
}
const before = await counted();
const start = process.hrtime.bigint();
await load(conn, records);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const calls = (await counted()) - before;
const round = (x) => Math.round(x * 100) / 100;
console.log(JSON.stringify({
  peer, records: records.length, seconds: round(seconds), records_per_s: round(records.length / seconds),
  api_calls: calls, api_calls_per_1000: round((calls * 1000) / records.length),
}));

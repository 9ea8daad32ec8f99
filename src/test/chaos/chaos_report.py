#!/usr/bin/env python3
"""Counts a chaos run's outcome on both sides, independently of sfsync.

Salesforce side: the emulator's REST API (OAuth client_credentials, SOQL with GROUP BY and, as a
cross-check, every Lead and Contact paged through queryMore). sfsync side: its tables in PostgreSQL,
read with psql. Prints the side-by-side table and the truth check; writes the figures as JSON.

Standard library only (no PyPI). Exit status: 0 when sfsync tells the truth, 1 when it does not,
2 when counting itself failed.
"""
import argparse
import collections
import csv
import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SETTLED_NOT_IN_SF = {"ERROR", "SKIPPED", "DUPLICATE"}


class Salesforce:
    def __init__(self, url, client_id, client_secret, api):
        self.url = url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.api = api
        self.token = None
        self.calls = 0

    def login(self):
        data = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": self.client_id,
                                       "client_secret": self.client_secret}).encode()
        with urllib.request.urlopen(self.url + "/services/oauth2/token", data, timeout=60) as r:
            self.token = json.load(r)["access_token"]

    def get(self, path):
        last = None
        for attempt in range(8):
            if self.token is None:
                self.login()
            req = urllib.request.Request(self.url + path, headers={"Authorization": "Bearer " + self.token})
            try:
                self.calls += 1
                with urllib.request.urlopen(req, timeout=120) as r:
                    return json.load(r)
            except urllib.error.HTTPError as e:
                body = e.read().decode("utf-8", "replace")
                if e.code == 401:
                    self.token = None
                elif e.code == 400:
                    raise RuntimeError("HTTP 400 " + body)
                last = "HTTP %d %s" % (e.code, body[:200])
            except (urllib.error.URLError, OSError) as e:  # dropped connection and the like
                last = repr(e)
            time.sleep(0.5 * (attempt + 1))
        raise RuntimeError("GET %s failed: %s" % (path, last))

    def query(self, soql):
        page = self.get("/services/data/v%s/query?q=%s" % (self.api, urllib.parse.quote(soql)))
        records = list(page["records"])
        total = page.get("totalSize")
        while not page.get("done", True):
            page = self.get(page["nextRecordsUrl"])
            records.extend(page["records"])
        return records, total


def psql(args, sql):
    cmd = [args.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", args.pg_host, "-p", str(args.pg_port), "-U",
           args.pg_user, "-d", args.pg_db, "--csv", "-c", sql]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    return rows[1:] if rows else []


def psql_table(args, sql):
    """psql's own aligned rendering, for the report."""
    cmd = [args.psql, "-X", "-q", "-P", "pager=off", "-h", args.pg_host, "-p", str(args.pg_port), "-U",
           args.pg_user, "-d", args.pg_db, "-c", sql]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.rstrip("\n")


def key_of(v):
    if v is None:
        return None
    s = str(v).strip()
    return s if s else None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sf-url", required=True)
    p.add_argument("--client-id", required=True)
    p.add_argument("--client-secret", required=True)
    p.add_argument("--api", default="62.0")
    p.add_argument("--key-field", default="Sfsync_Person_Id__c")
    p.add_argument("--objects", default="Lead,Contact")
    p.add_argument("--email-field", default="Email", help="empty for objects without one (Task)")
    p.add_argument("--job", default="people")
    p.add_argument("--psql", default="psql")
    p.add_argument("--pg-host", default="127.0.0.1")
    p.add_argument("--pg-port", required=True)
    p.add_argument("--pg-user", default="postgres")
    p.add_argument("--pg-db", default="sfsync")
    p.add_argument("--source-keys-sql", default="SELECT id::text FROM person")
    # the sync_log rows of the population counted (a job logs its people and its touchpoints, keyed apart)
    p.add_argument("--log-filter", default="TRUE")
    # its links: source_key, sobject, sf_id
    p.add_argument("--links-sql", default=None)
    p.add_argument("--json-out")
    args = p.parse_args()
    job = args.job.replace("'", "''")
    lf = "(%s)" % args.log_filter
    links_sql = args.links_sql or ("SELECT source_key, sobject, sf_id FROM sync_link WHERE job = '%s'" % job)

    # ---------------------------------------------------------------- Salesforce, independently of sfsync
    sf = Salesforce(args.sf_url, args.client_id, args.client_secret, args.api)
    objects = [o.strip() for o in args.objects.split(",") if o.strip()]
    per_key = collections.Counter()          # from paging every record
    per_key_grouped = collections.Counter()  # from SOQL GROUP BY
    no_key = collections.Counter()
    records_by_object = {}
    emails = collections.Counter()
    sf_ids_by_key = collections.defaultdict(list)
    all_ids = set()
    group_by_ok = True
    for obj in objects:
        recs, total = sf.query("SELECT Id, %s%s FROM %s" % (args.key_field,
                                                             ", " + args.email_field if args.email_field else "", obj))
        if total is not None and total != len(recs):
            print("warning: %s totalSize %s but %d records paged" % (obj, total, len(recs)), file=sys.stderr)
        records_by_object[obj] = len(recs)
        for r in recs:
            k = key_of(r.get(args.key_field))
            all_ids.add(r["Id"])
            if args.email_field and r.get(args.email_field):
                emails[r[args.email_field].lower()] += 1
            if k is None:
                no_key[obj] += 1
            else:
                per_key[k] += 1
                sf_ids_by_key[k].append((obj, r["Id"]))
        try:
            groups, _ = sf.query("SELECT %s, COUNT(Id) FROM %s GROUP BY %s" % (args.key_field, obj, args.key_field))
            for g in groups:
                k = key_of(g.get(args.key_field))
                if k is not None:
                    per_key_grouped[k] += int(g.get("expr0", 0))
        except RuntimeError as e:
            group_by_ok = False
            print("note: GROUP BY not usable on %s (%s); counted by paging only" % (obj, e), file=sys.stderr)

    sf_records = sum(records_by_object.values())
    distinct_keys = len(per_key)
    dup_keys = {k: c for k, c in per_key.items() if c > 1}
    extra_records = sum(c - 1 for c in dup_keys.values())
    per_key_hist = collections.Counter(per_key.values())
    dup_emails = {e: c for e, c in emails.items() if c > 1}
    group_by_agrees = (per_key_grouped == per_key) if group_by_ok else None

    # ---------------------------------------------------------------- sfsync's view, in PostgreSQL
    source_keys = [r[0] for r in psql(args, args.source_keys_sql)]
    source_set = set(source_keys)
    latest = {r[0]: (r[1], r[2]) for r in psql(args,
              "SELECT DISTINCT ON (source_key) source_key, action, COALESCE(reason, '') FROM sync_log"
              " WHERE job = '%s' AND %s ORDER BY source_key, id DESC" % (job, lf))}
    log_by_action = {r[0]: int(r[1]) for r in psql(args,
                     "SELECT action, COUNT(*) FROM sync_log WHERE job = '%s' AND %s GROUP BY action ORDER BY action"
                     % (job, lf))}
    all_created = int(psql(args, "SELECT COUNT(*) FROM sync_log WHERE job = '%s' AND action = 'CREATED'" % job)[0][0])
    created_distinct = int(psql(args, "SELECT COUNT(DISTINCT source_key) FROM sync_log WHERE job = '%s'"
                                      " AND action = 'CREATED' AND %s" % (job, lf))[0][0])
    created_twice = int(psql(args, "SELECT COUNT(*) FROM (SELECT source_key FROM sync_log WHERE job = '%s'"
                                   " AND action = 'CREATED' AND %s GROUP BY source_key HAVING COUNT(*) > 1) t"
                                   % (job, lf))[0][0])
    sums_row = psql(args, "SELECT COUNT(*), COALESCE(SUM(attempted),0), COALESCE(SUM(created),0),"
                          " COALESCE(SUM(updated),0), COALESCE(SUM(skipped),0), COALESCE(SUM(duplicates),0),"
                          " COALESCE(SUM(errors),0), COALESCE(SUM(pending),0), COALESCE(SUM(api_calls),0)"
                          " FROM sync_run WHERE job = '%s' AND NOT dry_run" % job)[0]
    sums = dict(zip(["runs", "attempted", "created", "updated", "skipped", "duplicates", "errors", "pending",
                     "api_calls"], [int(x) for x in sums_row]))
    links = {r[0]: (r[1], r[2]) for r in psql(args, links_sql)}
    link_rows = len(links)
    runs_by_status = {r[0]: int(r[1]) for r in psql(args, "SELECT status, COUNT(*) FROM sync_run WHERE job = '%s'"
                                                          " GROUP BY status ORDER BY status" % job)}
    log_rows_per_run = {}
    for run_id, action, n in psql(args, "SELECT COALESCE(run_id::text, 'none'), action, COUNT(*) FROM sync_log"
                                        " WHERE job = '%s' GROUP BY 1, 2" % job):
        log_rows_per_run.setdefault(run_id, {})[action] = int(n)
    run_counts = {r[0]: dict(zip(["status", "attempted", "created", "updated", "skipped", "duplicates", "errors",
                                  "pending"], [r[1]] + [int(x) for x in r[2:]]))
                  for r in psql(args, "SELECT id::text, status, attempted, created, updated, skipped, duplicates,"
                                      " errors, pending FROM sync_run WHERE job = '%s' ORDER BY id" % job)}

    # ---------------------------------------------------------------- the comparison
    latest_counts = collections.Counter(a for a, _ in latest.values())
    latest_pending = sorted((k for k, (a, _) in latest.items() if a == "PENDING"), key=lambda s: (len(s), s))
    never_logged = [k for k in source_keys if k not in latest]
    missing = [k for k in source_keys if k not in per_key]
    lost = [k for k in missing if latest.get(k, ("NONE", ""))[0] not in SETTLED_NOT_IN_SF]
    lost_by_latest = collections.Counter(latest.get(k, ("NONE", ""))[0] for k in lost)
    missing_accounted = collections.Counter("%s/%s" % latest[k] for k in missing if k in latest
                                            and latest[k][0] in SETTLED_NOT_IN_SF)
    orphan_keys = [k for k in per_key if k not in source_set]
    written = {r[0] for r in psql(args, "SELECT DISTINCT source_key FROM sync_log WHERE job = '%s'"
                                        " AND action IN ('CREATED', 'UPDATED') AND %s" % (job, lf))}
    created_keys = {r[0] for r in psql(args, "SELECT DISTINCT source_key FROM sync_log WHERE job = '%s'"
                                             " AND action = 'CREATED' AND %s" % (job, lf))}
    # in Salesforce, but no run ever logged writing it: its create was counted nowhere
    in_sf_never_written = collections.Counter("%s/%s" % latest.get(k, ("NONE", "")) for k in per_key
                                              if k in source_set and k not in written)
    in_sf_never_created = sum(1 for k in per_key if k in source_set and k not in created_keys)
    links_to_nothing = [k for k, (_, i) in links.items() if i not in all_ids]
    keys_without_link = [k for k in per_key if k not in links]
    link_mismatch = [k for k, (_, i) in links.items() if k in sf_ids_by_key and i not in
                     [x[1] for x in sf_ids_by_key[k]]]
    # runs whose own counts disagree with the sync_log rows they wrote
    count_mismatch = []
    for rid, rc in run_counts.items():
        lg = log_rows_per_run.get(rid, {})
        logged = {"created": lg.get("CREATED", 0), "updated": lg.get("UPDATED", 0), "skipped": lg.get("SKIPPED", 0),
                  "duplicates": lg.get("DUPLICATE", 0), "errors": lg.get("ERROR", 0), "pending": lg.get("PENDING", 0)}
        diff = {k: (rc[k], v) for k, v in logged.items() if rc[k] != v}
        if diff:
            count_mismatch.append((rid, rc["status"], diff))

    # ---------------------------------------------------------------- print
    def line(label, sfv="", dbv="", note=""):
        print("  %-46s %14s %16s   %s" % (label, sfv, dbv, note))

    print()
    print("=" * 100)
    print("SIDE BY SIDE (job %s, %s, %d source rows)" % (args.job, " + ".join(objects), len(source_keys)))
    print("=" * 100)
    print("  %-46s %14s %16s   %s" % ("", "Salesforce", "sfsync (PG)", "note"))
    print("  " + "-" * 96)
    line("Salesforce records (%s)" % " + ".join(objects), sf_records, "",
         ", ".join("%s %d" % (o, n) for o, n in records_by_object.items()))
    line("distinct keys in Salesforce", distinct_keys, "",
         "GROUP BY agrees with paging" if group_by_agrees else
         ("GROUP BY DISAGREES with paging" if group_by_ok else "no GROUP BY"))
    line("duplicated keys (> 1 record)", len(dup_keys), "", "%d extra records" % extra_records)
    line("lost keys", len(lost), "", "not in SF, latest outcome not ERROR/SKIPPED/DUPLICATE")
    line("records with no key", sum(no_key.values()), "", dict(no_key) if no_key else "")
    line("sync_log CREATED (all runs)", "", log_by_action.get("CREATED", 0),
         "%d distinct keys, %d keys CREATED twice or more" % (created_distinct, created_twice))
    line("SUM(sync_run.created)", "", sums["created"], "over %d runs" % sums["runs"])
    line("links (%s)" % ("sync_link" if not args.links_sql else "given"), "", link_rows)
    line("keys whose latest outcome is PENDING", "", len(latest_pending))
    print("  " + "-" * 96)
    line("source rows never logged at all", "", len(never_logged))
    line("source keys not in Salesforce", len(missing), "", "accounted for: %s" % (dict(missing_accounted) or "none"))
    line("SF keys not in the source", len(orphan_keys))
    line("duplicated emails in Salesforce", len(dup_emails))
    line("sync_link rows pointing at no SF record", "", len(links_to_nothing))
    line("SF records (with key) without sync_link", len(keys_without_link))
    line("sync_link sf_id != the key's SF record", "", len(link_mismatch))
    line("SF keys never logged CREATED", in_sf_never_created, "", "their creates are counted nowhere")
    line("SF keys never logged CREATED nor UPDATED", sum(in_sf_never_written.values()), "",
         ("latest: %s" % dict(in_sf_never_written)) if in_sf_never_written else "")
    print()
    print("  records per source key (Salesforce):", ", ".join("%d record%s: %d keys" % (n, "" if n == 1 else "s", c)
                                                            for n, c in sorted(per_key_hist.items()))
          + ("; 0 records: %d source keys" % len(missing)))
    if dup_keys:
        print("  duplicated keys (first 20):", ", ".join("%s×%d %s" % (k, c, [i for _, i in sf_ids_by_key[k]])
                                                        for k, c in list(sorted(dup_keys.items()))[:20]))
    if lost:
        print("  lost keys by latest outcome:", dict(lost_by_latest), " first 20:", lost[:20])
    if latest_pending:
        print("  latest PENDING keys (first 20):", latest_pending[:20])

    expected = sf_records
    truth = [
        ("Salesforce records == distinct keys", sf_records == distinct_keys, "%d vs %d" % (sf_records, distinct_keys)),
        ("distinct keys == sync_log CREATED", distinct_keys == log_by_action.get("CREATED", 0),
         "%d vs %d" % (distinct_keys, log_by_action.get("CREATED", 0))),
        ("sync_log CREATED (every object) == SUM(sync_run.created)", all_created == sums["created"],
         "%d vs %d" % (all_created, sums["created"])),
        ("sync_log CREATED == links", log_by_action.get("CREATED", 0) == link_rows,
         "%d vs %d" % (log_by_action.get("CREATED", 0), link_rows)),
        ("duplicates == 0", len(dup_keys) == 0, str(len(dup_keys))),
        ("lost == 0", len(lost) == 0, str(len(lost))),
        ("records with no key == 0", sum(no_key.values()) == 0, str(sum(no_key.values()))),
        ("latest PENDING == 0", len(latest_pending) == 0, str(len(latest_pending))),
    ]
    print()
    print("TRUTH CHECK (create-only population: SF records == distinct keys == sync_log CREATED == links;"
          " every object's CREATED == SUM(sync_run.created); duplicates == lost == 0)")
    for label, ok, detail in truth:
        print("  %-4s %-46s %s" % ("ok" if ok else "FAIL", label, detail))
    all_ok = all(ok for _, ok, _ in truth)
    print("  => %s" % ("sfsync tells the truth" if all_ok else "sfsync's counts do NOT match Salesforce"))

    print()
    print("-" * 100)
    print("sfsync's own view (PostgreSQL)")
    print("-" * 100)
    print("sync_log by action (all runs):")
    print(psql_table(args, "SELECT action, COUNT(*) AS rows, COUNT(DISTINCT source_key) AS keys FROM sync_log"
                           " WHERE job = '%s' AND %s GROUP BY action ORDER BY action" % (job, lf)))
    print("sync_log by action and reason (all runs):")
    print(psql_table(args, "SELECT action, COALESCE(reason, '') AS reason, COUNT(*) AS rows FROM sync_log"
                           " WHERE job = '%s' AND %s GROUP BY 1, 2 ORDER BY 1, 2" % (job, lf)))
    print("latest outcome per source key, by action:")
    print(psql_table(args, "SELECT action, COALESCE(reason, '') AS reason, COUNT(*) AS keys FROM (SELECT DISTINCT ON"
                           " (source_key) source_key, action, reason FROM sync_log WHERE job = '%s' AND %s ORDER BY"
                           " source_key, id DESC) t GROUP BY 1, 2 ORDER BY 1, 2" % (job, lf)))
    print("SUM over sync_run (not dry runs):")
    print(psql_table(args, "SELECT COUNT(*) AS runs, SUM(attempted) AS attempted, SUM(created) AS created,"
                           " SUM(updated) AS updated, SUM(skipped) AS skipped, SUM(duplicates) AS duplicates,"
                           " SUM(errors) AS errors, SUM(pending) AS pending, SUM(api_calls) AS api_calls FROM sync_run"
                           " WHERE job = '%s' AND NOT dry_run" % job))
    print("sync_run rows, with the sync_log rows each run wrote (log_c/log_u/log_s/log_p = CREATED/UPDATED/SKIPPED/PENDING):")
    print(psql_table(args, "SELECT r.id, r.trigger, r.status, to_char(r.started_at, 'HH24:MI:SS') AS started,"
                           " to_char(r.finished_at, 'HH24:MI:SS') AS finished, r.attempted AS att, r.created AS c,"
                           " r.updated AS u, r.skipped AS s, r.duplicates AS d, r.errors AS e, r.pending AS p,"
                           " r.api_calls AS calls,"
                           " (SELECT COUNT(*) FROM sync_log l WHERE l.run_id = r.id) AS log_rows,"
                           " (SELECT COUNT(*) FROM sync_log l WHERE l.run_id = r.id AND l.action = 'CREATED') AS log_c,"
                           " (SELECT COUNT(*) FROM sync_log l WHERE l.run_id = r.id AND l.action = 'UPDATED') AS log_u,"
                           " (SELECT COUNT(*) FROM sync_log l WHERE l.run_id = r.id AND l.action = 'SKIPPED') AS log_s,"
                           " (SELECT COUNT(*) FROM sync_log l WHERE l.run_id = r.id AND l.action = 'PENDING') AS log_p,"
                           " left(r.summary, 110) AS summary FROM sync_run r WHERE r.job = '%s' ORDER BY r.id" % job))
    print("sync_link: ")
    print(psql_table(args, "SELECT COUNT(*) AS rows, COUNT(DISTINCT sf_id) AS distinct_sf_ids, COUNT(DISTINCT"
                           " source_key) AS distinct_keys FROM sync_link WHERE job = '%s'" % job))
    print("sync_state:")
    print(psql_table(args, "SELECT job, watermark_changed_at, watermark_key, paused, left(broken_reason, 60) AS"
                           " broken_reason, lease_token IS NOT NULL AS leased, lease_heartbeat FROM sync_state"))
    if count_mismatch:
        print("runs whose sync_run counts differ from the sync_log rows they wrote (sync_run, sync_log):")
        for rid, st, diff in count_mismatch:
            print("  run %s %s: %s" % (rid, st, ", ".join("%s %d vs %d" % (k, a, b) for k, (a, b) in diff.items())))

    result = {
        "source_rows": len(source_keys), "sf_records": sf_records, "sf_records_by_object": records_by_object,
        "distinct_keys": distinct_keys, "duplicated_keys": len(dup_keys), "extra_records": extra_records,
        "lost": len(lost), "lost_by_latest": dict(lost_by_latest), "records_without_key": sum(no_key.values()),
        "sync_log_by_action": log_by_action, "sync_log_created_distinct_keys": created_distinct,
        "keys_created_twice": created_twice, "sync_run_sums": sums, "sync_run_by_status": runs_by_status,
        "sync_link_rows": link_rows, "latest_pending": len(latest_pending), "latest_by_action": dict(latest_counts),
        "never_logged": len(never_logged), "missing_in_sf": len(missing), "orphan_keys": len(orphan_keys),
        "duplicated_emails": len(dup_emails), "links_to_nothing": len(links_to_nothing),
        "keys_without_link": len(keys_without_link), "link_mismatch": len(link_mismatch),
        "in_sf_never_created": in_sf_never_created, "in_sf_never_written": dict(in_sf_never_written), "per_key_histogram": dict(per_key_hist),
        "group_by_agrees_with_paging": group_by_agrees, "run_count_mismatches": [
            {"run": r, "status": s, "diff": {k: list(v) for k, v in d.items()}} for r, s, d in count_mismatch],
        "truth": {label: ok for label, ok, _ in truth}, "truthful": all_ok, "sf_calls_for_counting": sf.calls,
    }
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(result, f, indent=1, sort_keys=True)
    return 0 if all_ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # counting failed: say so, distinctly from "sfsync lies"
        print("chaos_report: counting failed: %r" % (e,), file=sys.stderr)
        sys.exit(2)

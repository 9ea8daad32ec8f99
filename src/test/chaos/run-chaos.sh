#!/usr/bin/env bash
# A repeatable chaos run of sfsync (see README.md in this folder):
#   a real PostgreSQL 15 source (own data directory, free port), CHAOS_ROWS people with companies;
#   the standalone emulator with every injected fault kind at CHAOS_FAULT_RATE each, plus session expiry;
#   `sfsync run people` repeated until nothing is pending, kill -9 of the sfsync JVM CHAOS_KILLS times
#   mid-write, one PostgreSQL restart (pg_ctl restart -m fast) mid-write;
#   then Salesforce counted over its REST API, independently of sfsync, side by side with sfsync's tables.
# Exit status: 0 sfsync told the truth, 1 it did not, 2 the chaos run itself could not be set up.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
JAR=${SFSYNC_JAR:-$REPO/target/sfsync.jar}
ROUTES=${SFSYNC_ROUTES:-$REPO/routes}
ROWS=${CHAOS_ROWS:-20000}
COMPANIES=${CHAOS_COMPANIES:-2000}
TOUCHPOINTS=${CHAOS_TOUCHPOINTS:-10000}        # touchpoints of the people, synced as Tasks by the same job
FAULT_RATE=${CHAOS_FAULT_RATE:-0.05}          # each kind's share of calls (UNABLE_TO_LOCK_ROW: of record saves)
LATENCY_MS=${CHAOS_LATENCY_MS:-10}
EXPIRE_MIN_S=${CHAOS_EXPIRE_MIN_S:-10}        # sessions/expire every random 10..30 s
EXPIRE_MAX_S=${CHAOS_EXPIRE_MAX_S:-30}
KILLS=${CHAOS_KILLS:-2}
PG_RESTARTS=${CHAOS_PG_RESTARTS:-1}
MAX_RUNS=${CHAOS_MAX_RUNS:-30}                # runs that started (a sync_run row); refused triggers not counted
MAX_ATTEMPTS=${CHAOS_MAX_ATTEMPTS:-200}       # every `sfsync run` started, refused ones included
BUSY_POLL_S=${CHAOS_BUSY_POLL_S:-15}          # pause after a refused trigger
MAX_SECONDS=${CHAOS_MAX_SECONDS:-2400}        # the run loop gives up after this long
BATCH_SIZE=${CHAOS_BATCH_SIZE:-2500}
BULK_THRESHOLD=${CHAOS_BULK_THRESHOLD:-1000}
SEED=${CHAOS_SEED:-$(date +%s)}
KEEP=${CHAOS_KEEP:-}                          # a directory to copy logs and the report into (else all removed)
JAVA=${JAVA:-java}
JAVA_OPTS=${CHAOS_JAVA_OPTS:-}
RANDOM=$SEED

log() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "SETUP FAILED: $*"; exit 2; }
now_ms() { date +%s%3N; }
rand_between() { echo $(( $1 + RANDOM % ($2 - $1 + 1) )); }   # inclusive integers
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ------------------------------------------------------------------ prerequisites
[ -f "$JAR" ] || die "no $JAR: build it first (mvn -q -o -DskipTests package)"
[ -d "$ROUTES" ] || die "no routes directory $ROUTES"
command -v python3 >/dev/null || die "python3 is needed"
command -v curl >/dev/null || die "curl is needed"
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PG_BIN/pg_ctl" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/psql" ] \
    || die "PostgreSQL binaries not found (apt-get install -y postgresql, or set PG_BIN)"
AS_PG=()
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the postgres user (Debian's postgresql package)"
    AS_PG=(runuser -u postgres --)
fi

WORK=$(mktemp -d /tmp/sfsync-chaos.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/logs" "$WORK/config" "$WORK/pg"
[ ${#AS_PG[@]} -gt 0 ] && chown postgres "$WORK/pg"
PIDS_FILE=$WORK/pids
: > "$PIDS_FILE"
EMU_PID=""; EXPIRE_PID=""; CUR_PID=""; SERVE_PID=""; PG_STARTED=""

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [ -n "$EXPIRE_PID" ] && kill "$EXPIRE_PID" 2>/dev/null && wait "$EXPIRE_PID" 2>/dev/null
    for p in $CUR_PID $SERVE_PID; do
        [ -n "$p" ] && kill -9 "$p" 2>/dev/null
    done
    [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null && sleep 1 && kill -9 "$EMU_PID" 2>/dev/null
    # every JVM this script started, by its pid
    while read -r p; do kill -9 "$p" 2>/dev/null; done < "$PIDS_FILE"
    if [ -n "$PG_STARTED" ]; then
        "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" stop -m immediate >/dev/null 2>&1
    fi
    if [ -n "$KEEP" ]; then
        mkdir -p "$KEEP" && cp -r "$WORK/logs" "$WORK/config" "$KEEP/" 2>/dev/null
        cp "$WORK"/*.txt "$WORK"/*.json "$WORK"/*.tsv "$KEEP/" 2>/dev/null
        cp "$WORK/pg/pg.log" "$KEEP/logs/postgresql.log" 2>/dev/null
        log "logs and report kept in $KEEP"
    fi
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT
trap 'log "interrupted"; exit 2' INT TERM

log "sfsync chaos run: seed $SEED, $ROWS rows, fault rate $FAULT_RATE per kind, latency ${LATENCY_MS} ms,"
log "  $KILLS kill -9, $PG_RESTARTS PostgreSQL restart(s), batchSize $BATCH_SIZE, bulkThreshold $BULK_THRESHOLD, jar $JAR"
log "  commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet 2>/dev/null || echo ' (dirty)'), work dir $WORK"

# ------------------------------------------------------------------ PostgreSQL
PGPORT=$(free_port)
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 > "$WORK/logs/initdb.log" 2>&1 \
    || die "initdb failed (see $WORK/logs/initdb.log)"
PG_OPTS="-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off"
pg_ctl_() { "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/pg.log" -o "$PG_OPTS" "$@"; }
pg_ctl_ -w start > "$WORK/logs/pg_ctl.log" 2>&1 || die "PostgreSQL did not start: $(tail -3 "$WORK/pg/pg.log")"
PG_STARTED=1
PSQL=("$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE sfsync" >/dev/null || die "CREATE DATABASE failed"
q() { "${PSQL[@]}" -d sfsync -At -c "$1" 2>/dev/null; }     # one value, or nothing when PG is down
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT (data $WORK/pg/data)"

# ------------------------------------------------------------------ the emulator
SECRET=chaos-$RANDOM$RANDOM
"$JAVA" $JAVA_OPTS -jar "$JAR" emulator --port 0 --client-secret "$SECRET" --password "pw-$RANDOM$RANDOM" \
    --latency-ms "$LATENCY_MS" --daily-api-limit 100000000 > "$WORK/logs/emulator.log" 2>&1 &
EMU_PID=$!; echo "$EMU_PID" >> "$PIDS_FILE"
for _ in $(seq 1 120); do
    grep -q "Login URL:" "$WORK/logs/emulator.log" 2>/dev/null && break
    kill -0 "$EMU_PID" 2>/dev/null || die "the emulator exited: $(tail -5 "$WORK/logs/emulator.log")"
    sleep 0.5
done
SF_URL=$(awk '/Login URL:/ {print $3; exit}' "$WORK/logs/emulator.log")
[ -n "$SF_URL" ] || die "the emulator did not print its login URL"
ctl() {   # the emulator's control plane: METHOD PATH [JSON]
    if [ -n "${3:-}" ]; then curl -sS -m 30 -X "$1" -H 'Content-Type: application/json' -d "$3" "$SF_URL/_emulator$2"
    else curl -sS -m 30 -X "$1" "$SF_URL/_emulator$2"; fi
}
ctl POST /seed '{"User":[{"Email":"ana.owner@chaos.example","Username":"ana.owner@chaos.example","FirstName":"Ana","LastName":"Owner","IsActive":true},{"Email":"bob.owner@chaos.example","Username":"bob.owner@chaos.example","FirstName":"Bob","LastName":"Owner","IsActive":true}]}' >/dev/null \
    || die "seeding the emulator's owners failed"
log "emulator at $SF_URL (latency $LATENCY_MS ms)"

# ------------------------------------------------------------------ sfsync's configuration
cp "$REPO/config/application.properties" "$WORK/config/application.properties"
setp() { sed -i "/^$1 *=/d" "$WORK/config/application.properties"; echo "$1 = $2" >> "$WORK/config/application.properties"; }
setp sfsync.source.url '{{env:SFSYNC_SOURCE_URL}}'
setp sfsync.source.user '{{env:SFSYNC_SOURCE_USER:postgres}}'
setp sfsync.source.password '{{env:SFSYNC_SOURCE_PASSWORD:}}'
setp sfsync.demo.people 0                     # --demo creates the schema; the rows come from SQL below
setp sfsync.hawtio.enabled false
setp camel.server.port '{{env:SFSYNC_HTTP_PORT:0}}'
setp camel.main.routes-reload-enabled false
cat > "$WORK/config/sync.yaml" <<EOF
# chaos run: the demo people job, every row in segment, both write paths (collections and Bulk API 2.0)
salesforce:
  environment: custom
  loginUrl: "{{env:SFSYNC_SF_LOGIN_URL}}"
  auth: client_credentials
  apiVersion: "62.0"
  dailyApiBudget: 100%
jobs:
  people:
    schedule: "0 0 3 1 1 ?"           # the CLI drives the runs; serve (for "Fix now") must not fire on its own
    direction: outbound
    source:
      query: |
        SELECT p.id, p.first_name, p.last_name, p.email, p.email_status, p.phone, p.title, p.owner_email,
               p.lead_source, p.city, p.country, p.do_not_contact,
               c.name AS company_name, c.domain AS company_domain, c.website AS company_website,
               c.industry, c.employees,
               GREATEST(p.updated_at, COALESCE(c.updated_at, p.updated_at)) AS changed_at
        FROM person p LEFT JOIN company c ON c.id = p.company_id
      key: id
      changedAt: changed_at
    segment: all
    createAs: Lead
    matchIn: [Contact, Lead]
    matchBy: [link, externalId, email]
    externalIdField: Sfsync_Person_Id__c
    mode: create_and_update
    onAmbiguousMatch: report
    duplicateRules: {allowSave: false}
    batchSize: $BATCH_SIZE
    bulkThreshold: $BULK_THRESHOLD     # owned rows (half of each batch) go through Bulk API 2.0
    ownership:
      ownerFrom: owner_email            # ana/bob own half of the rows; the rest use assignment rules,
      fallback: assignment_rules        # which always stay on sObject Collections
      updateRegardlessOfOwnership: false
    activities:                       # the people's touchpoints as Tasks, in the same runs
      source:
        query: "SELECT t.id, t.person_id, t.kind, t.subject, t.body, t.occurred_at, t.sender_email FROM touchpoint t"
        key: id
        changedAt: occurred_at
      sender: sender_email
      includeContent: true
    fields:
      Lead:
        FirstName:    {from: first_name, transform: [trim]}
        LastName:     {from: last_name, transform: [trim], default: "[Unknown]"}
        Email:        {from: email, transform: [trim, lowercase]}
        Company:      {from: company_name, default: "[Not Provided]"}
        Title:        {from: title}
        Phone:        {from: phone}
        Website:      {from: company_website}
        NumberOfEmployees: {from: employees}
        Status:       {value: "Open - Not Contacted", overwrite: never}
        LeadSource:   {from: lead_source, default: "Purchased List", overwrite: if_blank}
        City:         {from: city}
        Country:      {from: country}
        Sfsync_Person_Id__c: {from: id}
      Contact:
        FirstName:    {from: first_name, transform: [trim]}
        LastName:     {from: last_name, transform: [trim], default: "[Unknown]"}
        Email:        {from: email, transform: [trim, lowercase]}
        Title:        {from: title}
        Sfsync_Person_Id__c: {from: id}
EOF
export SFSYNC_SOURCE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/sfsync" SFSYNC_SOURCE_USER=postgres SFSYNC_SOURCE_PASSWORD=
export SFSYNC_SF_LOGIN_URL="$SF_URL" SFSYNC_SF_CLIENT_ID=sfsync-emulator SFSYNC_SF_CLIENT_SECRET="$SECRET"
unset SFSYNC_HTTP_PORT SFSYNC_ADMIN_PASSWORD SFSYNC_OPERATOR_PASSWORD SFSYNC_VIEWER_PASSWORD
SFSYNC=("$JAVA" $JAVA_OPTS -jar "$JAR")
CFG_ARGS=(--config "$WORK/config" --routes "$ROUTES")

# ------------------------------------------------------------------ schema (through sfsync --demo) and data
"${SFSYNC[@]}" check --demo "${CFG_ARGS[@]}" > "$WORK/logs/check-demo.log" 2>&1
CHECK_RC=$?
for t in person company sync_run sync_log sync_link sync_state; do
    [ "$(q "SELECT to_regclass('public.$t') IS NOT NULL")" = t ] \
        || die "sfsync check --demo (rc $CHECK_RC) did not create table $t: $(grep -v '^\s*at ' "$WORK/logs/check-demo.log" | tail -5)"
done
log "schema created by 'sfsync check --demo' (rc $CHECK_RC: $(grep -E 'sync.yaml (is valid|has)' "$WORK/logs/check-demo.log" | head -1))"
"${PSQL[@]}" -d sfsync -v ON_ERROR_STOP=1 > "$WORK/logs/seed.log" 2>&1 <<EOF || die "seeding the source failed: $(tail -3 "$WORK/logs/seed.log")"
TRUNCATE touchpoint, person, company CASCADE;
TRUNCATE sync_log, sync_link, sync_state, sync_activity, sync_run RESTART IDENTITY CASCADE;
INSERT INTO company (id, name, domain, website, industry, employees, phone, city, country, updated_at)
SELECT g, 'Chaos Co ' || g, 'chaos-co-' || g || '.example', 'https://chaos-co-' || g || '.example', 'Technology',
       10 + g % 500, '+1 555 01' || lpad((g % 100)::text, 2, '0'), 'Springfield', 'United States',
       TIMESTAMPTZ '2026-01-01 00:00:00+00'
FROM generate_series(1, $COMPANIES) g;
-- distinct keys and emails; ten rows share each updated_at (ties on the watermark); a quarter owned by
-- ana, a quarter by bob (Bulk API when >= bulkThreshold), half by the assignment rule (collections)
INSERT INTO person (id, company_id, first_name, last_name, email, email_status, phone, title, owner_email,
                    lead_source, city, country, do_not_contact, updated_at)
SELECT g, 1 + (g - 1) % $COMPANIES, 'First' || g, 'Last' || g,
       'person' || g || '@chaos-co-' || (1 + (g - 1) % $COMPANIES) || '.example', 'valid',
       '+1 555 2' || lpad((g % 1000000)::text, 6, '0'), 'Title ' || (g % 7),
       CASE g % 4 WHEN 0 THEN 'ana.owner@chaos.example' WHEN 1 THEN 'bob.owner@chaos.example' END,
       'Web', 'Springfield', 'United States', false,
       TIMESTAMPTZ '2026-06-01 00:00:00+00' + ((g / 10) * INTERVAL '1 second')
FROM generate_series(1, $ROWS) g;
-- touchpoints spread over the people, ten to a timestamp, sent by ana or bob (or nobody known)
INSERT INTO touchpoint (id, person_id, kind, subject, body, occurred_at, sender_email)
SELECT g, 1 + (g * 7) % $ROWS, (ARRAY['email', 'linkedin', 'call'])[1 + g % 3], 'Touch ' || g, 'Hello number ' || g,
       TIMESTAMPTZ '2026-06-01 00:00:00+00' + ((g / 10) * INTERVAL '1 second'),
       CASE g % 3 WHEN 0 THEN 'ana.owner@chaos.example' WHEN 1 THEN 'bob.owner@chaos.example' ELSE 'nobody@chaos.example' END
FROM generate_series(1, $TOUCHPOINTS) g;
EOF
log "source: $(q "SELECT COUNT(*) || ' people (' || COUNT(DISTINCT email) || ' distinct emails, ' || COUNT(DISTINCT id) || ' distinct keys), ' || (SELECT COUNT(*) FROM company) || ' companies' FROM person")"

# ------------------------------------------------------------------ faults: every kind, rate-based, counted
# Request-level rules are tried in order with one random draw each, so rule k gets rate/(1-(k-1)*rate)
# to make each kind's share of calls FAULT_RATE. count 1,000,000 so the control plane shows how many fired.
FAULT_KINDS=(SERVER_ERROR SERVER_UNAVAILABLE DROP_CONNECTION LOSE_RESPONSE CONCURRENT_LIMIT INVALID_SESSION)
ctl DELETE /faults >/dev/null
i=0
for k in "${FAULT_KINDS[@]}"; do
    r=$(python3 -c "print(round($FAULT_RATE / (1 - $i * $FAULT_RATE), 5))")
    ctl POST /faults "{\"kind\":\"$k\",\"rate\":$r,\"count\":1000000}" >/dev/null || die "fault $k not accepted"
    i=$((i + 1))
done
ctl POST /faults "{\"kind\":\"UNABLE_TO_LOCK_ROW\",\"rate\":$FAULT_RATE,\"count\":1000000}" >/dev/null \
    || die "fault UNABLE_TO_LOCK_ROW not accepted"
ctl DELETE /calls >/dev/null
(
    trap 'kill $sp 2>/dev/null; exit 0' TERM
    n=0
    while :; do
        sleep $(( EXPIRE_MIN_S + RANDOM % (EXPIRE_MAX_S - EXPIRE_MIN_S + 1) )) & sp=$!; wait $sp
        curl -s -m 10 -X POST "$SF_URL/_emulator/sessions/expire" >/dev/null && n=$((n + 1)) && echo "$n" > "$WORK/expiries"
    done
) &
EXPIRE_PID=$!
log "faults on: ${FAULT_KINDS[*]} UNABLE_TO_LOCK_ROW at $FAULT_RATE each; sessions expire every ${EXPIRE_MIN_S}-${EXPIRE_MAX_S} s"

# ------------------------------------------------------------------ the run loop
# events, in order, each on the next run that starts: kill -9 (xKILLS), then PostgreSQL restart(s)
EVENTS=()
for _ in $(seq 1 "$KILLS"); do EVENTS+=(kill); done
for _ in $(seq 1 "$PG_RESTARTS"); do EVENTS+=(pgrestart); done
ATT=$WORK/attempts.tsv
printf 'attempt\tstarted\tsecs\trc\trun_id\tstatus\tattempted\tcreated\tupdated\tskipped\tdup\terr\tpending\tevent\trefused\tstack_traces\texceptions\n' > "$ATT"
EVENT_LOG=$WORK/events.txt; : > "$EVENT_LOG"
attempt=0; runs=0; done_ok=""; loop_start=$(date +%s); blocked_since=""; blocked_attempts=0
BLOCKS=$WORK/blocks.txt; : > "$BLOCKS"

expected_rows() {   # about how many rows the next run reads: those at or after the watermark, minus the overlap
    q "SELECT COUNT(*) FROM person p WHERE NOT EXISTS (SELECT 1 FROM sync_state s WHERE s.job = 'people'
         AND s.watermark_changed_at IS NOT NULL AND p.updated_at < s.watermark_changed_at - INTERVAL '60 seconds')
       + (SELECT COUNT(*) FROM touchpoint t WHERE NOT EXISTS (SELECT 1 FROM sync_activity a WHERE a.job = 'people'
         AND a.source_key = t.id::text AND a.state <> 'PENDING'))"
}

exceptions_of() {   # stack traces and exception types in a log
    local f=$1
    local traces
    traces=$(awk '/^[ \t]+at / { if (!inat) n++; inat=1; next } { inat=0 } END { print n+0 }' "$f")
    local types
    types=$(grep -oE '\b([a-z][a-z0-9_]*\.)+[A-Z][A-Za-z0-9_$]*(Exception|Error)\b' "$f" | sort | uniq -c | sort -rn \
        | awk '{printf "%s%s×%s", (NR>1?"; ":""), $2, $1}' | sed 's/[a-z0-9_]*\.//g')
    printf '%s\t%s' "$traces" "${types:--}"
}

do_event() {   # $1 event, $2 run id, $3 pid
    local ev=$1 rid=$2 pid=$3 rows hb t0
    rows=$(q "SELECT COUNT(*) FROM sync_log WHERE run_id = $rid")
    case $ev in
        kill)
            hb=$(q "SELECT lease_heartbeat FROM sync_state WHERE job = 'people'")
            local progress
            progress=$(grep -E '^  … batch' "$f" | tail -1 | sed 's/^  … //')
            kill -9 "$pid" 2>/dev/null || return 1
            KILLED_AT=$(date +%s)
            log "EVENT kill -9 of sfsync (pid $pid) in run $rid after $rows rows logged by it (last progress: ${progress:-none}); lease heartbeat $hb"
            echo "kill -9 pid $pid during run $rid at $(date -u +%H:%M:%S) after $rows sync_log rows of that run (last progress line: ${progress:-none}); lease_heartbeat $hb" >> "$EVENT_LOG"
            blocked_since=$KILLED_AT; blocked_attempts=0 ;;
        pgrestart)
            t0=$(now_ms)
            pg_ctl_ -w restart -m fast >> "$WORK/logs/pg_ctl.log" 2>&1
            local prc=$?
            log "EVENT PostgreSQL restart -m fast during run $rid after $rows rows logged by it (rc $prc, $(( $(now_ms) - t0 )) ms)"
            echo "pg_ctl restart -m fast during run $rid at $(date -u +%H:%M:%S) after $rows sync_log rows of that run; rc $prc, $(( $(now_ms) - t0 )) ms" >> "$EVENT_LOG" ;;
    esac
    return 0
}

fix_now() {   # the operator's "Fix now": a short serve, `sfsync reconnect`, stop serve
    local hp pw rc out
    hp=$(free_port); pw=op-$RANDOM$RANDOM
    log "job paused (connection BROKEN: $(q "SELECT broken_reason FROM sync_state WHERE job = 'people'" | cut -c1-120)); operator presses Fix now"
    SFSYNC_HTTP_PORT=$hp SFSYNC_OPERATOR_PASSWORD=$pw "${SFSYNC[@]}" serve "${CFG_ARGS[@]}" > "$WORK/logs/fixnow-serve-$attempt.log" 2>&1 &
    SERVE_PID=$!; echo "$SERVE_PID" >> "$PIDS_FILE"
    for _ in $(seq 1 120); do
        curl -s -m 2 "http://127.0.0.1:$hp/api/health" >/dev/null 2>&1 && break
        kill -0 "$SERVE_PID" 2>/dev/null || break
        sleep 0.5
    done
    out=$(SFSYNC_OPERATOR_PASSWORD=$pw "${SFSYNC[@]}" reconnect --url "http://127.0.0.1:$hp" 2>&1); rc=$?
    log "  sfsync reconnect rc $rc: $(echo "$out" | tail -1 | cut -c1-300)"
    echo "Fix now after attempt $attempt: reconnect rc $rc: $(echo "$out" | tail -1 | cut -c1-500)" >> "$EVENT_LOG"
    kill -TERM "$SERVE_PID" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 1; done
    if kill -0 "$SERVE_PID" 2>/dev/null; then
        log "  serve did not stop within 60 s of SIGTERM: kill -9"; kill -9 "$SERVE_PID"
        echo "serve for Fix now did not stop within 60 s of SIGTERM (kill -9)" >> "$EVENT_LOG"
    fi
    wait "$SERVE_PID" 2>/dev/null; SERVE_PID=""
}

while :; do
    if [ "$runs" -ge "$MAX_RUNS" ]; then log "cap reached: $MAX_RUNS runs"; break; fi
    if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then log "cap reached: $MAX_ATTEMPTS attempts"; break; fi
    if [ $(( $(date +%s) - loop_start )) -ge "$MAX_SECONDS" ]; then log "time budget of $MAX_SECONDS s spent"; break; fi
    attempt=$((attempt + 1))
    before=$(q "SELECT COALESCE(MAX(id), 0) FROM sync_run")
    [ -n "$before" ] || { sleep 1; before=$(q "SELECT COALESCE(MAX(id), 0) FROM sync_run"); }
    f=$WORK/logs/run-$(printf %03d $attempt).log
    t_start=$(now_ms); started=$(date -u +%H:%M:%S)
    "${SFSYNC[@]}" run people "${CFG_ARGS[@]}" > "$f" 2>&1 &
    CUR_PID=$!; echo "$CUR_PID" >> "$PIDS_FILE"
    rid=""; event=""; ev_done=""; thr=""; fire_at=""; ev_note=""
    while kill -0 "$CUR_PID" 2>/dev/null; do
        if [ -z "$rid" ]; then
            rid=$(q "SELECT MIN(id) FROM sync_run WHERE id > $before")
            if [ -n "$rid" ]; then
                runs=$((runs + 1))
                if [ -n "$blocked_since" ]; then   # the first run to start after a kill -9
                    echo "after the kill -9 at $(date -u -d @"$blocked_since" +%H:%M:%S): $blocked_attempts trigger(s) refused; run $rid started $(( $(date +%s) - blocked_since )) s after the kill" >> "$BLOCKS"
                    blocked_since=""
                fi
                if [ ${#EVENTS[@]} -gt 0 ]; then
                    event=${EVENTS[0]}
                    exp=$(expected_rows); exp=${exp:-$ROWS}
                    # after a random share (up to half) of the rows it will read is recorded, and a random
                    # fraction of a batch's write more: the kill lands while a batch is being written
                    thr=$(rand_between 1 $(( exp / 2 > 1 ? exp / 2 : 1 )))
                    delay_ms=$(rand_between 0 1000)
                    fire_at=""
                fi
            fi
        elif [ -n "$event" ] && [ -z "$ev_done" ]; then
            if [ -z "$fire_at" ]; then
                n=$(q "SELECT COUNT(*) FROM sync_log WHERE run_id = $rid")
                if [ -n "$n" ] && [ "$n" -ge "$thr" ]; then fire_at=$(( $(now_ms) + delay_ms )); fi
            elif [ "$(now_ms)" -ge "$fire_at" ]; then
                if do_event "$event" "$rid" "$CUR_PID"; then
                    ev_done=1; EVENTS=("${EVENTS[@]:1}"); ev_note="$event (after >=$thr rows + ${delay_ms} ms)"
                fi
            fi
        fi
        sleep 0.2
    done
    wait "$CUR_PID" 2>/dev/null; rc=$?; CUR_PID=""   # (no "Killed" notice from bash)
    secs=$(( ($(now_ms) - t_start) / 1000 ))
    [ -n "$rid" ] || rid=$(q "SELECT MIN(id) FROM sync_run WHERE id > $before")
    [ -z "$ev_done" ] && [ -n "$event" ] && ev_note="$event not done (run ended first: threshold $thr rows)"
    refused=""; status="-"; counts="-	-	-	-	-	-	-"; stopped=""
    if [ -z "$rid" ]; then
        refused=$(grep -m1 -oE '(BUSY|already running|another sfsync instance|could not start|NoSuchElementException)[^"]{0,160}' "$f" | head -1)
        [ -n "$refused" ] || refused="no run started: $(grep -v '^\s*at ' "$f" | grep -iE 'exception|error' | tail -1 | cut -c1-160)"
        [ -n "$blocked_since" ] && blocked_attempts=$((blocked_attempts + 1))
    else
        status=$(q "SELECT status FROM sync_run WHERE id = $rid")
        counts=$(q "SELECT attempted || E'\t' || created || E'\t' || updated || E'\t' || skipped || E'\t' || duplicates || E'\t' || errors || E'\t' || pending FROM sync_run WHERE id = $rid")
        [ -n "$counts" ] || counts="?	?	?	?	?	?	?"
        stopped=$(q "SELECT substr(summary, strpos(summary, 'stopped:'), 150) FROM sync_run WHERE id = $rid AND strpos(summary, 'stopped:') > 0")
        [ -n "$stopped" ] && ev_note="${ev_note:+$ev_note; }$stopped"
    fi
    ex=$(exceptions_of "$f")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$attempt" "$started" "$secs" "$rc" "${rid:--}" "${status:-?}" "$counts" \
        "${ev_note:--}" "${refused:--}" "$ex" >> "$ATT"
    log "attempt $attempt: rc $rc, ${secs}s, run ${rid:--} ${status:-?} [att/cre/upd/skip/dup/err/pend $(echo "$counts" | tr '\t' '/')]${ev_note:+ — $ev_note}${refused:+ — REFUSED: $refused}"
    if [ -n "$rid" ] && [ "$rc" != 137 ]; then
        st_paused=$(q "SELECT paused FROM sync_state WHERE job = 'people'")
        if [ "$status" = PAUSED ] && [ "$st_paused" = t ]; then fix_now; continue; fi
        pend_run=$(q "SELECT pending FROM sync_run WHERE id = $rid")
        latest_pending=$(q "SELECT COUNT(*) FROM (SELECT DISTINCT ON (source_key) action FROM sync_log WHERE job = 'people' AND sobject IS DISTINCT FROM 'Task' ORDER BY source_key, id DESC) t WHERE action = 'PENDING'")
        latest_pending=$(( ${latest_pending:-0} + $(q "SELECT COUNT(*) FROM sync_activity WHERE job = 'people' AND state = 'PENDING'") ))
        never=$(q "SELECT COUNT(*) FROM person p WHERE NOT EXISTS (SELECT 1 FROM sync_log l WHERE l.job = 'people' AND l.source_key = p.id::text AND l.sobject IS DISTINCT FROM 'Task')")
        never=$(( ${never:-0} + $(q "SELECT COUNT(*) FROM touchpoint t WHERE NOT EXISTS (SELECT 1 FROM sync_activity a WHERE a.job = 'people' AND a.source_key = t.id::text)") ))
        if { [ "$status" = SUCCEEDED ] || [ "$status" = PARTIAL ]; } && [ "$pend_run" = 0 ]; then
            if [ "$latest_pending" = 0 ] && [ "$never" = 0 ]; then
                done_ok=1; log "nothing left pending after run $rid"; break
            fi
            log "run $rid had no pending rows, but $latest_pending keys are latest-PENDING and $never source rows were never logged"
        fi
    fi
    [ -z "$rid" ] && sleep "$BUSY_POLL_S"
done
LOOP_SECS=$(( $(date +%s) - loop_start ))

# ------------------------------------------------------------------ stop the chaos, count
kill "$EXPIRE_PID" 2>/dev/null; wait "$EXPIRE_PID" 2>/dev/null; EXPIRE_PID=""
STATUS_JSON=$(ctl GET "")
CALLS_JSON=$(ctl GET /calls)
ctl DELETE /faults >/dev/null
echo "$STATUS_JSON" > "$WORK/emulator-status.json"; echo "$CALLS_JSON" > "$WORK/emulator-calls.json"

{
echo
echo "===================================================================================================="
echo "CHAOS RUN (seed $SEED): $ROWS rows, faults $FAULT_RATE per kind, latency $LATENCY_MS ms, loop ${LOOP_SECS} s"
echo "===================================================================================================="
echo "sfsync runs (one line per 'sfsync run people'; rc 137 = killed by kill -9):"
python3 - "$ATT" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter="\t"))
head, rows = rows[0], rows[1:]
fmt = "  %4s %8s %5s %4s %6s %-9s %6s %6s %6s %6s %4s %4s %6s  %s"
print(fmt % ("#", "started", "secs", "rc", "run", "status", "att", "cre", "upd", "skip", "dup", "err", "pend", "event / refusal / exceptions"))
i = 0
while i < len(rows):
    r = rows[i]
    if r[4] == "-":   # collapse consecutive refusals
        j = i
        while j + 1 < len(rows) and rows[j + 1][4] == "-" and rows[j + 1][14] == r[14]:
            j += 1
        rcs = sorted(set(x[3] for x in rows[i:j + 1]))
        print("  %4s %8s %5s %4s %6s %-9s  %s" % (r[0] if i == j else "%s-%s" % (r[0], rows[j][0]), r[1], "", ",".join(rcs),
              "-", "REFUSED", "%d trigger(s) until %s: %s; stack traces %s, %s" % (j - i + 1, rows[j][1], r[14][:110], r[15], r[16][:90])))
        i = j + 1
        continue
    extra = []
    if r[13] != "-": extra.append(r[13])
    extra.append("stack traces %s" % r[15])
    if r[16] != "-": extra.append(r[16][:120])
    print(fmt % tuple(r[0:13] + ["; ".join(extra)]))
    i += 1
EOF
echo "events:"; sed 's/^/  /' "$EVENT_LOG"
echo "blocked after kill -9:"; if [ -s "$BLOCKS" ]; then sed 's/^/  /' "$BLOCKS"; else echo "  (none)"; fi
[ -n "$blocked_since" ] && echo "  STILL BLOCKED at the end: $blocked_attempts trigger(s) refused since the kill -9 at $(date -u -d @"$blocked_since" +%H:%M:%S)"
[ ${#EVENTS[@]} -gt 0 ] && echo "  events NOT performed: ${EVENTS[*]}"
[ -z "$done_ok" ] && echo "  the loop ended with rows still pending (cap or budget reached)"
echo "stale sync_run rows (status RUNNING at the end): $(q "SELECT COUNT(*) FROM sync_run WHERE status = 'RUNNING'")"
echo "injected faults (fired / calls):"
python3 - "$WORK/emulator-status.json" "$WORK/emulator-calls.json" "$WORK/expiries" <<'EOF'
import json, sys, os
st = json.load(open(sys.argv[1])); calls = json.load(open(sys.argv[2]))
req = calls.get("requests", 0)
tot = 0
for f in st.get("faults", []):
    fired = 1000000 - f["count"]
    if f["kind"] != "UNABLE_TO_LOCK_ROW":
        tot += fired
    print("  %-20s rate %.4f  fired %6d%s" % (f["kind"], f["rate"], fired,
          "  (%.1f %% of %d data API calls)" % (100.0 * fired / req, req) if req and f["kind"] != "UNABLE_TO_LOCK_ROW"
          else "  (per record save)"))
print("  all request-level faults: %d of %d data API calls = %.1f %%" % (tot, req, 100.0 * tot / req if req else 0))
exp = open(sys.argv[3]).read().strip() if os.path.exists(sys.argv[3]) else "0"
print("  sessions expired (POST /_emulator/sessions/expire): %s times" % exp)
print("  calls by endpoint: " + ", ".join("%s %d" % kv for kv in sorted(calls.get("byEndpoint", {}).items())))
EOF
echo "exception types over all sfsync logs:"
cat "$WORK"/logs/run-*.log "$WORK"/logs/fixnow-*.log 2>/dev/null | grep -oE '\b([a-z][a-z0-9_]*\.)+[A-Z][A-Za-z0-9_$]*(Exception|Error)\b' \
    | sort | uniq -c | sort -rn | head -15 | sed 's/^/  /'
echo "ERROR log lines over all sfsync logs: $(cat "$WORK"/logs/run-*.log | grep -c ' ERROR \[')"
cat "$WORK"/logs/run-*.log | grep ' ERROR \[' | sed -E 's/^[0-9:.]+ //' | cut -c1-170 | sort | uniq -c | sort -rn | head -8 | sed 's/^/  /'
} | tee "$WORK/chaos-run.txt"

python3 "$HERE/chaos_report.py" --sf-url "$SF_URL" --client-id sfsync-emulator --client-secret "$SECRET" \
    --psql "$PG_BIN/psql" --pg-port "$PGPORT" --pg-user postgres --pg-db sfsync --job people \
    --log-filter "sobject IS DISTINCT FROM 'Task'" --json-out "$WORK/report.json" | tee "$WORK/report.txt"
RC=${PIPESTATUS[0]}
[ "$RC" = 2 ] && exit 2
# the touchpoints: Tasks counted over REST by their external ID, next to sync_log (sobject Task) and sync_activity
python3 "$HERE/chaos_report.py" --sf-url "$SF_URL" --client-id sfsync-emulator --client-secret "$SECRET" \
    --psql "$PG_BIN/psql" --pg-port "$PGPORT" --pg-user postgres --pg-db sfsync --job people \
    --objects Task --key-field Sfsync_Touchpoint_Id__c --email-field "" \
    --source-keys-sql "SELECT id::text FROM touchpoint" --log-filter "sobject = 'Task'" \
    --links-sql "SELECT source_key, 'Task', sf_id FROM sync_activity WHERE job = 'people' AND state = 'SYNCED'" \
    --json-out "$WORK/report-tasks.json" | tee "$WORK/report-tasks.txt"
RC_TASKS=${PIPESTATUS[0]}
[ "$RC_TASKS" = 2 ] && exit 2
[ "$RC" = 0 ] && [ "$RC_TASKS" = 0 ] && exit 0
exit 1

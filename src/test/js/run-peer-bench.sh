#!/usr/bin/env bash
# sfsync's benchmark and its peers side by side, at one latency:
#
#   mvn -q -DskipTests package                                   # builds target/sfsync.jar
#   bash src/test/js/run-peer-bench.sh [--rows N] [--one-by-one-rows M] [--changed C] [--latency-ms L]
#
# initial: `sfsync benchmark --scenario initial --rows N` (a first load that matches every row in Contact
# and Lead, resolves owners and accounts), next to jsforce's Bulk API 2.0 upsert of N Leads (a plain load,
# no matching) and jsforce one by one (query by email, then create) for M Leads (slow: M defaults to 500).
# incremental (with --changed C): sfsync's incremental scenario next to both peers sending C changed
# records after an unmeasured first load. Each peer runs against a standalone emulator started with the
# same latency; calls are the emulator's own count. Prints one JSON line per run, then a table with the
# ratios (sfsync against each peer: records/s ratio > 1 means sfsync is faster; calls ratio < 1 fewer calls).
# Needs java 17+, node 18+ and npm. Not part of CI: it measures, it does not check.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
jar="$root/target/sfsync.jar"
rows=20000; one_by_one_rows=500; changed=0; latency=50
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --one-by-one-rows) one_by_one_rows="$2"; shift 2 ;;
    --changed) changed="$2"; shift 2 ;;
    --latency-ms) latency="$2"; shift 2 ;;
    *) echo "run-peer-bench: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -f "$jar" ]] || { echo "run-peer-bench: $jar not found; build it first with: mvn -q -DskipTests package" >&2; exit 2; }

client_id="sfsync-emulator"
client_secret="peer-bench-secret-$$-$RANDOM"
username="integration@sfsync.example"
password="peer-bench-password-$$-$RANDOM"
log="$(mktemp -t sfsync-peer-emulator.XXXXXX.log)"
out="$(mktemp -t sfsync-peer-bench.XXXXXX.jsonl)"
emulator_pid=""
# shellcheck source=../stop-process.sh
source "$here/../stop-process.sh"
cleanup() { stop_process "$emulator_pid"; rm -f "$log" "$out"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

"${JAVA:-java}" -Xmx8g -jar "$jar" emulator --host 127.0.0.1 --port 0 --latency-ms "$latency" \
  --daily-api-limit 100000000 --max-concurrent 100 --client-id "$client_id" --client-secret "$client_secret" \
  --username "$username" --password "$password" >"$log" 2>&1 &
emulator_pid=$!
(cd "$here" && npm ci --no-audit --no-fund >/dev/null)
login_url=""
for _ in $(seq 1 600); do
  login_url="$(sed -n 's/^ *Login URL: *\(http[^ ]*\).*$/\1/p' "$log" | head -n 1)"
  [[ -n "$login_url" ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$login_url" ]] || { echo "run-peer-bench: the emulator did not start" >&2; exit 1; }

peer() {
  SF_LOGIN_URL="$login_url" SF_CLIENT_ID="$client_id" SF_CLIENT_SECRET="$client_secret" \
    SF_USERNAME="$username" SF_PASSWORD="$password" node "$here/peer-bench.mjs" "$@" | tee -a "$out"
}

if [[ "$changed" -gt 0 ]]; then
  "${JAVA:-java}" -jar "$jar" benchmark --scenario incremental --rows "$rows" --changed "$changed" \
    --latency-ms "$latency" 2>/dev/null | tail -n 1 | sed 's/^{/{"peer": "sfsync incremental", /' | tee -a "$out"
  peer --peer bulk2 --rows "$rows" --changed "$changed"
  peer --peer one-by-one --rows "$rows" --changed "$changed"
else
  "${JAVA:-java}" -jar "$jar" benchmark --scenario initial --rows "$rows" --latency-ms "$latency" 2>/dev/null \
    | tail -n 1 | sed 's/^{/{"peer": "sfsync initial", /' | tee -a "$out"
  peer --peer bulk2 --rows "$rows"
  peer --peer one-by-one --rows "$one_by_one_rows"
fi

node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const sfsync = lines[0];
  const per1000 = (r) => r.api_calls_per_1000;
  console.log(`\n${"who".padEnd(20)} ${"records".padStart(8)} ${"records/s".padStart(10)} ${"calls/1000".padStart(11)}   sfsync / it: records/s, calls per 1,000`);
  for (const r of lines) {
    const ratio = r === sfsync ? "" : `${(sfsync.records_per_s / r.records_per_s).toFixed(2)}, ${(per1000(sfsync) / per1000(r)).toFixed(3)}`;
    console.log(`${r.peer.padEnd(20)} ${String(r.records).padStart(8)} ${String(r.records_per_s).padStart(10)} ${String(per1000(r)).padStart(11)}   ${ratio}`);
  }
' "$out"

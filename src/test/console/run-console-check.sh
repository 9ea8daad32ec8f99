#!/usr/bin/env bash
# Runs console-check.mjs: the sync console (/console/) in headless Chromium against `sfsync demo`.
#
#   mvn -q -DskipTests package                  # builds target/sfsync.jar (this script builds nothing)
#   bash src/test/console/run-console-check.sh  # needs java 17+, node 20+, npm and /usr/bin/chromium
#                                               # (Debian: apt-get install -y chromium)
#
# Picks two free loopback ports, starts `sfsync demo` (the people job runs once, then it keeps serving)
# with throwaway passwords for admin, operator and viewer, in a scratch working directory (the demo
# deletes and rewrites ./data/demo.*) with this repository's config/ and routes/, waits until
# /api/health answers, installs playwright-core from the lockfile (npm ci), runs the check, stops the
# demo and exits with the check's status. The screenshot goes to $SCREENSHOT (default /tmp/console.png).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
jar="$root/target/sfsync.jar"
chromium="${CHROMIUM:-/usr/bin/chromium}"

if [[ ! -f "$jar" ]]; then
  echo "run-console-check: $jar not found; build it first with: mvn -q -DskipTests package" >&2
  exit 2
fi
if [[ ! -x "$chromium" ]]; then
  echo "run-console-check: $chromium not found; install it with: apt-get install -y chromium" >&2
  exit 2
fi

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
http_port="$(free_port)"
emulator_port="$(free_port)"
while [[ "$emulator_port" == "$http_port" ]]; do emulator_port="$(free_port)"; done

# Throwaway passwords for this run only: sfsync is bound to 127.0.0.1 and dies with the script.
export SFSYNC_ADMIN_PASSWORD="console-check-admin-$$-$RANDOM$RANDOM"
export SFSYNC_OPERATOR_PASSWORD="console-check-operator-$$-$RANDOM$RANDOM"
export SFSYNC_VIEWER_PASSWORD="console-check-viewer-$$-$RANDOM$RANDOM"

work="$(mktemp -d -t sfsync-console-check.XXXXXX)"
log="$work/demo.log"
app_pid=""

# shellcheck source=../stop-process.sh
source "$here/../stop-process.sh"
stop_app() {
  stop_process "$app_pid"
  rm -rf "$work"
}
trap stop_app EXIT
trap 'exit 130' INT TERM

# The repository's config, with the jobs' schedules moved out of the check's way: a run the schedule fires
# while the check counts the demo's four runs (every 10 and 15 minutes, on the clock) would change them.
mkdir -p "$work/config"
cp "$root/config/application.properties" "$work/config/"
sed -E 's/^( +)every: [0-9]+m( .*)?$/\1schedule: "0 0 3 1 1 ?"/' "$root/config/sync.yaml" > "$work/config/sync.yaml"
if grep -qE '^ +every:' "$work/config/sync.yaml"; then
  echo "run-console-check: could not take the schedules out of sync.yaml" >&2
  exit 2
fi

(cd "$work" && SFSYNC_HTTP_PORT="$http_port" SFSYNC_HTTP_HOST=127.0.0.1 exec "${JAVA:-java}" -jar "$jar" demo \
  --emulator-port "$emulator_port" --config "$work/config" --routes "$root/routes") >"$log" 2>&1 &
app_pid=$!

# Install playwright-core while the JVM starts.
(cd "$here" && npm ci --no-audit --no-fund)

base="http://127.0.0.1:$http_port"
ready=""
for _ in $(seq 1 1200); do
  if ! kill -0 "$app_pid" 2>/dev/null; then
    echo "run-console-check: sfsync exited before it was ready:" >&2
    cat "$log" >&2
    exit 1
  fi
  # /api/health answers once the server is up (503 while the connection is BROKEN); the demo's first
  # run has finished once "keeps serving" is printed.
  if grep -q "keeps serving" "$log" && node -e '
      fetch(process.argv[1] + "/api/health").then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1));
    ' "$base"; then
    ready=1
    break
  fi
  sleep 0.1
done
if [[ -z "$ready" ]]; then
  echo "run-console-check: sfsync did not answer within 120 s:" >&2
  cat "$log" >&2
  exit 1
fi
echo "sfsync demo up at $base/console/ (emulator on port $emulator_port, pid $app_pid)"

status=0
SFSYNC_URL="$base" EMULATOR_URL="http://127.0.0.1:$emulator_port" CHROMIUM="$chromium" CONFIG_DIR="$work/config" \
  node "$here/console-check.mjs" || status=$?
if [[ "$status" -ne 0 ]]; then
  echo "--- sfsync demo log (last 40 lines) ---" >&2
  tail -n 40 "$log" >&2
fi
exit "$status"

#!/usr/bin/env bash
# Runs jsforce-check.mjs against the bundled Salesforce emulator.
#
#   mvn -q -DskipTests package            # builds target/sfsync.jar (this script builds nothing)
#   bash src/test/js/run-jsforce-check.sh
#
# Starts the emulator from target/sfsync.jar on a free loopback port with throwaway credentials,
# waits until it answers, installs jsforce from the lockfile (npm ci), runs the check, stops the
# emulator and exits with the check's status. Needs java (17+), node (18+) and npm.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
jar="$root/target/sfsync.jar"

if [[ ! -f "$jar" ]]; then
  echo "run-jsforce-check: $jar not found; build it first with: mvn -q -DskipTests package" >&2
  exit 2
fi

# Throwaway credentials for this run only: the emulator is bound to 127.0.0.1 and dies with the script.
client_id="sfsync-emulator"
client_secret="jsforce-check-secret-$$-$RANDOM"
username="integration@sfsync.example"
password="jsforce-check-password-$$-$RANDOM"

log="$(mktemp -t sfsync-emulator.XXXXXX.log)"
emulator_pid=""

# shellcheck source=../stop-process.sh
source "$here/../stop-process.sh"
stop_emulator() {
  stop_process "$emulator_pid"
  rm -f "$log"
}
trap stop_emulator EXIT
trap 'exit 130' INT TERM

# --port 0: the emulator picks a free port and prints its login URL.
"${JAVA:-java}" -jar "$jar" emulator --host 127.0.0.1 --port 0 \
  --client-id "$client_id" --client-secret "$client_secret" \
  --username "$username" --password "$password" >"$log" 2>&1 &
emulator_pid=$!

# Install jsforce while the JVM starts.
(cd "$here" && npm ci --no-audit --no-fund)

login_url=""
for _ in $(seq 1 600); do
  if ! kill -0 "$emulator_pid" 2>/dev/null; then
    echo "run-jsforce-check: the emulator exited before it was ready:" >&2
    cat "$log" >&2
    exit 1
  fi
  login_url="$(sed -n 's/^ *Login URL: *\(http[^ ]*\).*$/\1/p' "$log" | head -n 1)"
  if [[ -n "$login_url" ]] && node -e '
      fetch(process.argv[1] + "/_emulator").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
    ' "$login_url"; then
    break
  fi
  login_url=""
  sleep 0.1
done
if [[ -z "$login_url" ]]; then
  echo "run-jsforce-check: the emulator did not answer within 60 s:" >&2
  cat "$log" >&2
  exit 1
fi
echo "emulator up at $login_url (pid $emulator_pid)"

status=0
SF_LOGIN_URL="$login_url" SF_CLIENT_ID="$client_id" SF_CLIENT_SECRET="$client_secret" \
  SF_USERNAME="$username" SF_PASSWORD="$password" \
  node "$here/jsforce-check.mjs" || status=$?
exit "$status"

#!/usr/bin/env bash
# The Salesforce CLI (sf), a client nobody on the team wrote, against the standalone emulator:
# log in with an access token, display the org, query (with the CLI's column metadata), create and
# read a record, read the API limits. Run from the repository root after `mvn package`.
set -uo pipefail
cd "$(dirname "$0")/../../.."
jar=target/sfsync.jar
[ -f "$jar" ] || { echo "sf-cli: $jar is missing (run mvn package first)"; exit 1; }
work=$(mktemp -d)
secret=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
java -jar "$jar" emulator --port 0 --client-secret "$secret" > "$work/emulator.log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null; rm -rf "$work"' EXIT
url=""
for _ in $(seq 1 60); do
  url=$(grep -m1 'Login URL:' "$work/emulator.log" | awk '{print $3}')
  [ -n "$url" ] && break
  sleep 0.5
done
[ -n "$url" ] || { echo "sf-cli: the emulator did not start"; cat "$work/emulator.log"; exit 1; }
(cd src/test/sfcli && npm ci --no-audit --no-fund --loglevel=error) || { echo "sf-cli: npm ci failed"; exit 1; }
sf=src/test/sfcli/node_modules/.bin/sf
token=$(curl -s -d grant_type=client_credentials -d client_id=sfsync-emulator -d "client_secret=$secret" \
  "$url/services/oauth2/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
curl -s -X POST -H 'Content-Type: application/json' \
  -d '{"Lead":[{"LastName":"Seeded","Company":"Acme","Email":"seeded@acme.example"}]}' "$url/_emulator/seed" > /dev/null
export HOME="$work/home" SF_ACCESS_TOKEN="$token" SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true \
  SF_SKIP_NEW_VERSION_CHECK=true SF_USE_GENERIC_UNIX_KEYCHAIN=true
mkdir -p "$HOME"
passed=0; failed=0
check() { # name, expected text, command...
  local name=$1 expect=$2; shift 2
  local out; out=$("$@" 2>&1)
  if grep -q -- "$expect" <<<"$out"; then echo "ok - $name"; passed=$((passed+1));
  else echo "not ok - $name"; echo "$out" | tail -5 | sed 's/^/    /'; failed=$((failed+1)); fi
}
check "org login access-token" "Successfully authorized" \
  "$sf" org login access-token --instance-url "$url" --no-prompt --alias emu
check "org display shows a connected org" "Connected" "$sf" org display --target-org emu
check "data query reads records, with relationship columns" "seeded@acme.example" \
  "$sf" data query --query "SELECT Id, Email, Owner.Name FROM Lead" --target-org emu
check "data create record" "Successfully created record" \
  "$sf" data create record --sobject Lead --values "LastName=FromCli Company=Cli Email=cli@acme.example" --target-org emu
check "data get record by field" "cli@acme.example" \
  "$sf" data get record --sobject Lead --where "LastName=FromCli" --target-org emu
check "limits api display" "DailyApiRequests" "$sf" limits api display --target-org emu
echo "sf-cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

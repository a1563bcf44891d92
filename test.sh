#!/usr/bin/env bash
# The whole test suite: builds, starts its own Redis and PostgreSQL on free loopback ports (and
# Chromium for the browser tests), runs every test, cleans up, and ends with one summary line.
#   ./test.sh                 everything
#   ./test.sh --filter EXPR   only tests matching a dotnet test filter (e.g. FullyQualifiedName~Worker)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/services.sh

filter=()
if [ "${1:-}" = "--filter" ] && [ -n "${2:-}" ]; then filter=(--filter "$2"); fi

command -v dotnet >/dev/null || die "the .NET SDK is missing: install dotnet-sdk-10.0"
ensure_redis
ensure_postgres
if ! command -v chromium >/dev/null; then
  log "Installing Chromium for the browser tests (Debian package)"
  if [ "$(id -u)" -eq 0 ]; then
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } >&2 || die "could not install chromium"
  else
    die "chromium is missing: apt-get install chromium"
  fi
fi
# promtool and a Prometheus of the tests' own (Voting.Tests/Monitoring). The package's service is
# never started: a policy-rc.d that refuses it is put in place for the install when none exists.
if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  log "Installing Prometheus and promtool for the monitoring tests (Debian package; its service is not started)"
  if [ "$(id -u)" -eq 0 ]; then
    policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      policy=/usr/sbin/policy-rc.d
      printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy"
    fi
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q prometheus; } >&2 || { [ -z "$policy" ] || rm -f "$policy"; die "could not install prometheus"; }
    [ -z "$policy" ] || rm -f "$policy"
  else
    die "prometheus is missing: apt-get install prometheus"
  fi
fi
command -v kubectl >/dev/null || log "kubectl is missing: the deployment checks will fail (install kubectl 1.27 or newer: its built-in kustomize renders deploy/)"

work=$(mktemp -d /tmp/voting-test.XXXXXX)
chmod 755 "$work"
# Random starting points: two test runs on one machine should not race for the same ports.
redis_port=$(free_port $((20000 + RANDOM % 10000)))
pg_port=$(free_port $((30000 + RANDOM % 10000)))
cleanup() {
  stop_postgres "$work/postgres"
  stop_redis "$redis_port"
  rm -rf "$work"
}
trap cleanup EXIT

log "Building and publishing"
dotnet build Voting.sln -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet publish Voting.Host/Voting.Host.csproj -c Release -o artifacts/publish --nologo -v quiet -clp:ErrorsOnly

log "Starting Redis on 127.0.0.1:$redis_port and PostgreSQL on 127.0.0.1:$pg_port"
start_redis "$work/redis" "$redis_port"
PG_FSYNC=off start_postgres "$work/postgres" "$pg_port"

# The app user with its password (scripts/services.sh); redis-cli and LocalRedis use the
# administrator's (REDISCLI_AUTH, REDIS_ADMIN_PASSWORD), exported by start_redis.
export VOTING_TEST_REDIS="$(redis_connection "$redis_port")"
export VOTING_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
export VOTING_APP_DIR="$PWD/artifacts/publish"
export VOTING_ARTIFACTS="$PWD/artifacts"
export VOTING_REPO="$PWD"
export PATH

log "Running the tests"
results="$work/results"
set +e
dotnet test Voting.Tests/Voting.Tests.csproj -c Release --no-build --nologo "${filter[@]}" \
  --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=normal" --results-directory "$results"
status=$?
set -e

trx="$results/tests.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$(value passed); failed=$(value failed); total=$(value total); executed=$(value executed)
  skipped=$((total - executed))
  mkdir -p artifacts && cp "$trx" artifacts/tests.trx
  # The failures again, last, where a log cut to its tail (CI's) still shows them.
  if [ "$failed" -gt 0 ]; then
    echo "Failed tests:"
    python3 - "$trx" <<'PY' || grep -o 'testName="[^"]*"[^>]*outcome="Failed"' "$trx" | sed 's/" .*//; s/testName="/  /'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for r in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") != "Failed":
        continue
    message = r.findtext(".//t:ErrorInfo/t:Message", default="", namespaces=ns).strip()
    print("  " + r.get("testName", "?"))
    for line in message.splitlines()[:6]:
        print("    " + line[:300])
PY
  fi
  line="$passed passed, $failed failed"
  [ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
  echo "$line"
  [ "$failed" -eq 0 ] && [ "$status" -eq 0 ] || exit 1
else
  echo "0 passed, 1 failed"
  exit 1
fi

#!/usr/bin/env bash
# What a flood of votes from one address, each with a different voter cookie, leaves behind in a
# poll role (docs/reliability.md, "Voter identity and rate limits").
#   bench/flood/memory.sh APP_DIR signed|madeup [SECONDS]
# APP_DIR is a published app (dotnet publish Voting.Host -o DIR). "signed" cookies carry a valid tag
# under this script's Voting__DataProtectionKey (the worst case: harvested ids); "madeup" ones are
# bare random ids (all an older build checked). Starts its own Redis and PostgreSQL on free loopback
# ports, runs the poll role in Production at the default limits, floods it with wrk for SECONDS (30),
# and prints RSS and the managed heap after a full GC (dotnet-gcdump) before and after.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/services.sh
app=$(cd "$1" && pwd); kind=$2; seconds=${3:-30}
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
gcdump=$(command -v dotnet-gcdump || echo "$HOME/.dotnet/tools/dotnet-gcdump")
[ -x "$gcdump" ] || die "dotnet-gcdump is missing: dotnet tool install -g dotnet-gcdump"
ensure_redis; ensure_postgres

work=$(mktemp -d /tmp/voting-flood.XXXXXX); chmod 755 "$work"
redis_port=$(free_port $((20000 + RANDOM % 10000))); pg_port=$(free_port $((30000 + RANDOM % 10000)))
pid=""
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  stop_postgres "$work/pg"; stop_redis "$redis_port"; rm -rf "$work"
}
trap cleanup EXIT
start_redis "$work/redis" "$redis_port"
start_postgres "$work/pg" "$pg_port"; create_database "$pg_port" voting

secret=flood-data-protection-key-0123456789abcdef
# Voter ids as VoterSigner makes them: HKDF-SHA256(secret, salt "voting", info "voter-id-v1"),
# then HMAC-SHA256 of the id's bytes, truncated to 16 bytes, base64url.
python3 - "$secret" "$kind" > "$work/cookies.txt" <<'PY'
import base64, hashlib, hmac, sys, uuid
secret, kind = sys.argv[1].encode(), sys.argv[2]
key = hmac.new(hmac.new(b"voting", secret, hashlib.sha256).digest(), b"voter-id-v1\x01", hashlib.sha256).digest()
for _ in range(400_000):
    u = uuid.uuid4()
    tag = base64.urlsafe_b64encode(hmac.new(key, u.bytes_le, hashlib.sha256).digest()[:16]).decode().rstrip("=")
    print(u.hex + "." + tag if kind == "signed" else u.hex)
PY

export ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__Redis=127.0.0.1:$redis_port
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=voting"
export Voting__AdminToken=flood-admin-token-0123456789 Voting__DataProtectionKey=$secret Logging__LogLevel__Default=Warning
"$app/voting" migrate >/dev/null
"$app/voting" polls create --id m --question Q --option A --option B >/dev/null
port=$(free_port 18990)
"$app/voting" --role poll --urls "http://127.0.0.1:$port" >"$work/poll.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done

rss() { awk '/VmRSS/ {print int($2 / 1024) " MB"}' "/proc/$pid/status"; }
heap() { "$gcdump" collect -p "$pid" -o "$work/$1.gcdump" >/dev/null 2>&1 && "$gcdump" report "$work/$1.gcdump" | awk '/GC Heap bytes/ {print $1 " bytes"}'; }
wrk -t2 -c64 -d5s -s bench/flood/vote-cookies.lua "http://127.0.0.1:$port" -- "$work/cookies.txt" >/dev/null
echo "before: RSS $(rss), managed heap after a full GC $(heap before)"
wrk -t2 -c64 -d"${seconds}s" -s bench/flood/vote-cookies.lua "http://127.0.0.1:$port" -- "$work/cookies.txt" | grep -E "requests in|Non-2xx|Requests/sec"
echo "after:  RSS $(rss), managed heap after a full GC $(heap after)"
echo "votes accepted (stream length): $(redis-cli -p "$redis_port" xlen votes)"

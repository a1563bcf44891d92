#!/usr/bin/env bash
# A bounded soak: the three roles as separate processes, votes at a steady rate for a fixed time
# (default 120 s at 3,000/s from `hey`), then checks zero errors, every vote counted, and prints
# each role's memory (RSS) sampled every 10 s, so a leak shows as a climb.
#   scripts/soak.sh [SECONDS] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
duration=${1:-120}
rate=${2:-3000}
workers=50
command -v hey >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q hey >&2 || die "install hey"; }
ensure_redis; ensure_postgres

work=$(mktemp -d /tmp/voting-soak.XXXXXX); chmod 755 "$work"
redis_port=$(free_port $((20000 + RANDOM % 10000))); pg_port=$(free_port $((30000 + RANDOM % 10000)))
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; stop_postgres "$work/pg"; stop_redis "$redis_port"; rm -rf "$work"; }
trap cleanup EXIT

dotnet publish Voting.Host/Voting.Host.csproj -c Release -o "$work/app" --nologo -v quiet -clp:ErrorsOnly
start_redis "$work/redis" "$redis_port" --auto-aof-rewrite-percentage 0
start_postgres "$work/pg" "$pg_port"; create_database "$pg_port" voting
export ConnectionStrings__Redis="$(redis_connection "$redis_port")"
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Database=voting;Username=postgres"
export Voting__AdminToken=soak-admin-token-0123456789 ASPNETCORE_ENVIRONMENT=Production
export Voting__RateLimits__PerVoterPerMinute=0 Voting__RateLimits__PerAddressPerSecond=0 Voting__RateLimits__NewVotersPerAddressPerMinute=0
export Voting__DataProtectionKey=soak-data-protection-key-0123456789abcdef
export Logging__LogLevel__Default=Warning
"$work/app/voting" migrate >/dev/null
"$work/app/voting" polls create --id soak --question "Soak?" --option A --option B >/dev/null
declare -A port=([poll]=$(free_port 18081))
port[worker]=$(free_port $((port[poll] + 1)))
port[result]=$(free_port $((port[worker] + 1)))
for role in poll worker result; do
  ASPNETCORE_URLS="http://127.0.0.1:${port[$role]}" "$work/app/voting" --role "$role" >"$work/$role.log" 2>&1 &
  pids+=($!); eval "pid_$role=$!"
done
for role in poll worker result; do
  for i in $(seq 1 100); do curl -sf "http://127.0.0.1:${port[$role]}/readyz" >/dev/null && break; sleep 0.2; done
done

rss() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"; }
# The managed heap after the last collection, from the runtime's own metrics: a leak of objects
# shows here as a climb, while RSS also moves with how much the GC chooses to keep committed.
heap() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^dotnet_gc_last_collection_heap_size_bytes/ {s += $NF} END {printf "%.1f", s / 1048576}'; }
echo "t(s)  RSS MB: poll worker result   managed heap MB: poll worker result"
( for t in $(seq 0 10 "$duration"); do
    echo "$t  $(rss "$pid_poll") $(rss "$pid_worker") $(rss "$pid_result")   $(heap "${port[poll]}") $(heap "${port[worker]}") $(heap "${port[result]}")"
    sleep 10
  done ) &
sampler=$!
hey -z "${duration}s" -c "$workers" -q $((rate / workers)) -m POST -T application/json -d '{"optionId":"a"}' \
  "http://127.0.0.1:${port[poll]}/api/polls/soak/votes" > "$work/hey.txt"
wait "$sampler" 2>/dev/null || true
grep -E "Requests/sec|Average|Slowest|99% in|\[[0-9]+\]" "$work/hey.txt"
# hey prints one "[status] count responses" line per status, and an error distribution on failures.
sent=$(awk '$1 == "[202]" {print $2}' "$work/hey.txt")
others=$(awk '$1 ~ /^\[[0-9]+\]$/ && $1 != "[202]" && $3 == "responses" {s += $2} END {print s + 0}' "$work/hey.txt")
errors=$(awk '/Error distribution/ {e = 1} END {print e + 0}' "$work/hey.txt")
deadline=$((SECONDS + 60))
until [ "$(curl -s "http://127.0.0.1:${port[result]}/api/results/soak" | grep -o '"total":[0-9]*' | cut -d: -f2)" = "$sent" ]; do
  [ $SECONDS -lt $deadline ] || die "tally never reached $sent"
  sleep 0.5
done
echo "accepted: $sent, other statuses: $others, transport errors: $errors, counted: $sent"
[ "$others" -eq 0 ] && [ "$errors" -eq 0 ] || die "the soak saw errors"

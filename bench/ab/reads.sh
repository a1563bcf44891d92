#!/usr/bin/env bash
# Sections 5 and 5b of ./bench/run.sh, alone, for comparing builds: one fresh Redis and PostgreSQL,
# 1,000,000 votes on a single-choice poll and 1,000,000 two-word ballots on a words poll inserted
# by SQL, then for each round and each published build in APPS (space-separated directories,
# alternating) a fresh result process, a 3 s warm-up at four connections and 8 s at one.
#   APPS="/tmp/app-a /tmp/app-b" ROUNDS=3 ./bench/ab/reads.sh
# Needs wrk and jq (./bench/run.sh installs both).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"; source scripts/services.sh
: "${APPS:?APPS names the published builds to compare}"
work=$(mktemp -d /tmp/voting-reads.XXXXXX); chmod 755 "$work"
rp=$(free_port $((31379 + RANDOM % 500))); pp=$(free_port $((31932 + RANDOM % 500)))
start_redis "$work/redis" "$rp" >/dev/null; start_postgres "$work/pg" "$pp" >/dev/null; create_database "$pp" voting
trap 'kill $(jobs -p) 2>/dev/null || true; stop_postgres "$work/pg"; stop_redis "$rp"; rm -rf "$work"' EXIT
export ConnectionStrings__Redis=$(redis_connection "$rp") ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pp;Username=postgres;Database=voting"
export Voting__AdminToken=bench-admin-token-0123456789-abcdefghij ASPNETCORE_ENVIRONMENT=Production
export Voting__DataProtectionKey=bench-data-protection-key-0123456789abcdef Logging__LogLevel__Default=Warning BENCH_WRK_DIR="$root/bench/wrk"
psql_() { psql -h 127.0.0.1 -p "$pp" -U postgres -d voting -qX "$@"; }
first=${APPS%% *}
"$first/voting" migrate >/dev/null
"$first/voting" polls create --id big --question Q --option Alpha --option Beta --option Gamma --option Delta >/dev/null
"$first/voting" polls create --id bigw --question W --type words >/dev/null
psql_ -c "INSERT INTO votes (poll_id, voter_id, option_id, cast_at, version)
          SELECT 'big', gen_random_uuid(), (ARRAY['alpha','beta','gamma','delta'])[1 + i % 4], now(), i FROM generate_series(1, 1000000) AS i"
psql_ -c "INSERT INTO votes (poll_id, voter_id, words, cast_at, version)
          SELECT 'bigw', gen_random_uuid(), ARRAY['word ' || (i % 10000), 'word ' || ((i * 7 + 1) % 10000)], now(), i FROM generate_series(1, 1000000) AS i"
psql_ -c "ANALYZE"
for round in $(seq "${ROUNDS:-3}"); do
  for app in $APPS; do
    port=$(free_port $((32081 + RANDOM % 500)))
    ASPNETCORE_URLS="http://127.0.0.1:$port" "$app/voting" --role result >"$work/result.log" 2>&1 & pid=$!
    until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.2; done
    for poll in big bigw; do
      total=$(curl -sf "http://127.0.0.1:$port/api/results/$poll" | jq .total)
      [ "$total" = 1000000 ] || { echo "$app: $poll shows $total ballots, not 1000000" >&2; exit 1; }
      wrk -t1 -c4 -d3s -s bench/wrk/get.lua "http://127.0.0.1:$port/api/results/$poll" >/dev/null 2>&1
      echo "$app $poll round $round load $(cut -d' ' -f1 /proc/loadavg): $(wrk -t1 -c1 -d8s -s bench/wrk/get.lua "http://127.0.0.1:$port/api/results/$poll" 2>&1 | grep -o 'per_second=[0-9.]* p50_ms=[0-9.]* p99_ms=[0-9.]*')"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

#!/usr/bin/env bash
# The benchmark suite: measures each role against this machine's ceilings, in the same run.
#   ./bench/run.sh            the full run (about 10-15 minutes)
#   ./bench/run.sh --tiny     small counts, seconds: checks the suite still works, not the figures
#   --out DIR                 where the results table goes (default bench/results/)
# Starts its own Redis (append-only file on, rewrite off) and PostgreSQL on free loopback ports,
# publishes the app (Release) unless BENCH_APP_DIR names a published app, and runs the roles as
# separate processes. Prints the table and writes it, with the machine, to the results directory.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source scripts/services.sh

mode=full
out_dir="$root/bench/results"
while [ $# -gt 0 ]; do
  case "$1" in
    --tiny) mode=tiny ;;
    --out) out_dir=$2; shift ;;
    *) die "unknown argument $1 (use --tiny, --out DIR)" ;;
  esac
  shift
done

if [ "$mode" = full ]; then
  RUNS=3; POLL_SECONDS=12; WARMUP_SECONDS=3; WORKER_COUNT=200000
  E2E_RUNS=3; E2E_VIEWERS=1000; E2E_RATE=2000; E2E_SECONDS=20; E2E_WARMUP=3
  READS_VOTES=1000000; READS_SECONDS=10
  FANOUT_SIZES="1000 5000 10000"; FANOUT_SWITCHES=10; PUSH_INTERVALS="50 100 250"
  SBS_VIEWERS=10; SBS_RATE=20; SBS_SECONDS=30; SBS_BURST_SECONDS=10; SBS_SETTLE_SECONDS=10
else
  RUNS=1; POLL_SECONDS=2; WARMUP_SECONDS=1; WORKER_COUNT=5000
  E2E_RUNS=1; E2E_VIEWERS=20; E2E_RATE=200; E2E_SECONDS=3; E2E_WARMUP=1
  READS_VOTES=10000; READS_SECONDS=2
  FANOUT_SIZES="20 50"; FANOUT_SWITCHES=3; PUSH_INTERVALS="100"
  SBS_VIEWERS=2; SBS_RATE=20; SBS_SECONDS=2; SBS_BURST_SECONDS=1; SBS_SETTLE_SECONDS=1
fi
WRK_CONNECTIONS=64

# --- tools -------------------------------------------------------------------------------------
command -v dotnet >/dev/null || die "the .NET SDK is missing: install dotnet-sdk-10.0"
if ! command -v wrk >/dev/null; then
  log "Installing wrk (Debian package)"
  if [ "$(id -u)" -eq 0 ]; then
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; } >&2 || die "could not install wrk"
  elif command -v sudo >/dev/null; then
    { sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; } >&2 || die "could not install wrk"
  else
    die "wrk is missing: apt-get install wrk"
  fi
fi
command -v jq >/dev/null || die "jq is missing: apt-get install jq"
ensure_redis
ensure_postgres

work=$(mktemp -d /tmp/voting-bench.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/pids"
# Random starting points: two benches on one machine would race for the same ports.
redis_port=$(free_port $((17379 + RANDOM % 500)))
pg_port=$(free_port $((17932 + RANDOM % 500)))
declare -A role_pid=()
sampler_pid=""

stop_role() {
  local role=$1 pid=${role_pid[$1]:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "role_pid[$role]"
  rm -f "$work/pids/$role"
}
cleanup() {
  set +e
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null
  for role in "${!role_pid[@]}"; do stop_role "$role"; done
  stop_postgres "$work/postgres"
  stop_redis "$redis_port"
  if [ -n "${BENCH_KEEP:-}" ]; then log "Kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- build -------------------------------------------------------------------------------------
if [ -n "${BENCH_APP_DIR:-}" ]; then
  app_dir=$BENCH_APP_DIR
else
  log "Publishing the app (Release)"
  app_dir="$root/artifacts/bench-app"
  dotnet publish Voting.Host/Voting.Host.csproj -c Release -o "$app_dir" --nologo -v quiet -clp:ErrorsOnly >&2
fi
log "Building the harness (Release)"
dotnet build bench/Voting.Bench/Voting.Bench.csproj -c Release --nologo -v quiet -clp:ErrorsOnly >&2
bench_exe="$root/bench/Voting.Bench/bin/Release/net10.0/voting-bench"
export BENCH_WRK_DIR="$root/bench/wrk"

# --- servers -----------------------------------------------------------------------------------
log "Starting Redis on 127.0.0.1:$redis_port (append-only file on, rewrite off) and PostgreSQL on 127.0.0.1:$pg_port"
start_redis "$work/redis" "$redis_port" --auto-aof-rewrite-percentage 0
start_postgres "$work/postgres" "$pg_port"
create_database "$pg_port" voting
redis_conn=$(redis_connection "$redis_port")
pg_conn="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=voting;Maximum Pool Size=20"
psql_() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -d voting -tAq "$@"; }
token="bench-admin-token-$(date +%s)-0123456789"

export ConnectionStrings__Redis=$redis_conn ConnectionStrings__Postgres=$pg_conn Voting__AdminToken=$token
export ASPNETCORE_ENVIRONMENT=Production Voting__RateLimits__PerVoterPerMinute=0 Voting__RateLimits__PerAddressPerSecond=0 \
  Voting__RateLimits__NewVotersPerAddressPerMinute=0 Voting__DataProtectionKey=bench-data-protection-key-0123456789abcdef
export Logging__LogLevel__Default=Warning
"$app_dir/voting" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; die "migration failed"; }

declare -A role_port=()
# A free port at each start, not one chosen at the beginning: other processes on a shared machine
# take ports meanwhile. Each process is listening before the next port is taken.
# A random starting point too: two benches on one machine (two engineers) would race for the same ports.
take_port() { free_port $((18081 + RANDOM % 4000)); }

start_role() {
  local role=$1 log="$work/$1.log" tries=0
  role_port[$role]=$(take_port)
  : >"$log"
  ASPNETCORE_URLS="http://127.0.0.1:${role_port[$role]}" "$app_dir/voting" --role "$role" >>"$log" 2>&1 &
  role_pid[$role]=$!
  echo "${role_pid[$role]}" >"$work/pids/$role"
  local deadline=$((SECONDS + 60))
  # Ready means our process listens on its port (not some other process that took it) and answers /readyz.
  until grep -q "Now listening on: http://127.0.0.1:${role_port[$role]}" "$log" \
      && curl -sf "http://127.0.0.1:${role_port[$role]}/readyz" >/dev/null 2>&1; do
    # Another process on a shared machine took the port between its choice and the bind: choose again.
    if ! kill -0 "${role_pid[$role]}" 2>/dev/null && grep -q "address already in use" "$log" && [ $((tries += 1)) -le 3 ]; then
      role_port[$role]=$(take_port)
      ASPNETCORE_URLS="http://127.0.0.1:${role_port[$role]}" "$app_dir/voting" --role "$role" >>"$log" 2>&1 &
      role_pid[$role]=$!
      echo "${role_pid[$role]}" >"$work/pids/$role"
      continue
    fi
    kill -0 "${role_pid[$role]}" 2>/dev/null || { tail -n 20 "$log" >&2; die "the $role role exited"; }
    [ $SECONDS -lt $deadline ] || { tail -n 20 "$log" >&2; die "the $role role was not ready within 60 s"; }
    sleep 0.2
  done
}

# Waits for a background measurement while the roles it needs stay alive.
wait_alive() { # PID ROLE…
  local pid=$1; shift
  while kill -0 "$pid" 2>/dev/null; do
    for role in "$@"; do
      if ! kill -0 "${role_pid[$role]:-0}" 2>/dev/null; then
        kill "$pid" 2>/dev/null; tail -n 20 "$work/$role.log" >&2; die "the $role role exited during the measurement"
      fi
    done
    sleep 0.5
  done
  wait "$pid"
}

# Peak RSS: every role's VmRSS every 200 ms, with a timestamp, to take maxima per measurement.
# Bash builtins only: a sample that forked cat, awk, date and sleep (ten processes every 200 ms)
# cost the roles measured beside it their p99 (a results read's went from 1-2 ms to 4-6 ms).
( exec {nap}<> <(:)
  while :; do
    for f in "$work"/pids/*; do
      # A role stopped between the listing and the read leaves no file: skip it, quietly.
      { read -r pid <"$f"; } 2>/dev/null || continue
      kb=""
      # (|| true: under set -e a role gone since the listing would end the sampler.)
      { while read -r key value _; do
          [ "$key" = "VmRSS:" ] && { kb=$value; break; }
        done <"/proc/$pid/status"; } 2>/dev/null || true
      stamp=${EPOCHREALTIME//[!0-9]/}
      [ -n "$kb" ] && echo "$((stamp / 1000)) ${f##*/} $kb"
    done
    read -rt 0.2 -u "$nap" || true
  done >>"$work/rss.log" ) &
sampler_pid=$!
now_ms() { date +%s%3N; }
peak_mb() { # ROLE FROM_MS TO_MS
  awk -v r="$1" -v a="$2" -v b="$3" '$2 == r && $1 >= a && $1 <= b && $3 > m {m = $3} END {printf "%.0f", m / 1024}' "$work/rss.log"
}

# "RESULT k=v …" → the value of one key.
field() { echo "$1" | grep -o "RESULT .*" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }
# The host's own speed, to read figures of different runs against: one core hashing 256 MiB of
# zeros (sha256), in seconds. A shared host's speed drifts by a factor of two between runs.
declare -a host_probes
host_probe() {
  local t0
  t0=$(now_ms)
  head -c 268435456 /dev/zero | sha256sum >/dev/null
  host_probes+=("$(awk -v ms="$(( $(now_ms) - t0 ))" 'BEGIN {printf "%.2f", ms / 1000}')")
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f %%", (b > 0 ? 100 * a / b : 0)}'; }

create_poll() { # ID [single|multiple|words] → the option ids, comma-separated (none for words)
  local body
  case "${2:-single}" in
    single) body="{\"id\":\"$1\",\"question\":\"Benchmark $1\",\"options\":[\"alpha\",\"beta\",\"gamma\",\"delta\"]}" ;;
    multiple) body="{\"id\":\"$1\",\"question\":\"Benchmark $1\",\"type\":\"multiple\",\"options\":[\"alpha\",\"beta\",\"gamma\",\"delta\",\"epsilon\",\"zeta\"]}" ;;
    words) body="{\"id\":\"$1\",\"question\":\"Benchmark $1\",\"type\":\"words\"}" ;;
  esac
  curl -sf -X POST "http://127.0.0.1:${role_port[poll]}/api/polls" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "$body" | jq -r '[.options[].id] | join(",")'
}

start_role poll
start_role result
disturbed=()
host_probe

# --- 1. poll against a bare XADD endpoint -------------------------------------------------------
log "1. Poll: wrk -t2 -c$WRK_CONNECTIONS -d${POLL_SECONDS}s, every request a new voter; alternating with a bare XADD endpoint and a words poll, the order turning each round"
options=$(create_poll p1)
create_poll pw words >/dev/null
export BENCH_OPTION=${options%%,*}
bare_port=$(take_port)
DOTNET_gcServer=1 "$bench_exe" bare --urls "http://127.0.0.1:$bare_port" --redis "$redis_conn" >"$work/bare.log" 2>&1 &
bare_pid=$!
echo "$bare_pid" >"$work/pids/bare"
until curl -sf "http://127.0.0.1:$bare_port/healthz" >/dev/null 2>&1; do
  kill -0 "$bare_pid" 2>/dev/null || { cat "$work/bare.log" >&2; die "the bare endpoint exited"; }
  sleep 0.2
done
app_url="http://127.0.0.1:${role_port[poll]}/api/polls/p1/votes"
bare_url="http://127.0.0.1:$bare_port/api/polls/p1/votes"
words_url="http://127.0.0.1:${role_port[poll]}/api/polls/pw/votes"
wrk_vote() { wrk -t2 -c$WRK_CONNECTIONS -d"$2"s -s "$root/bench/wrk/${3:-vote}.lua" "$1" 2>&1; }
wrk_vote "$app_url" "$WARMUP_SECONDS" >/dev/null
wrk_vote "$bare_url" "$WARMUP_SECONDS" >/dev/null
wrk_vote "$words_url" "$WARMUP_SECONDS" vote-words >/dev/null
poll_from=$(now_ms)
declare -a app_rps app_p50 app_p99 bare_rps bare_p50 bare_p99 poll_loads words_rps words_p99
run_app() {
  local r
  r=$(wrk_vote "$app_url" "$POLL_SECONDS"); echo "  poll run $i: $(field "$r" per_second)/s p50 $(field "$r" p50_ms) ms p99 $(field "$r" p99_ms) ms, errors $(field "$r" status_errors)+$(field "$r" socket_errors)" >&2
  [ "$(field "$r" ok)" -gt 0 ] || die "the poll role accepted no votes: $r"
  app_rps+=("$(field "$r" per_second)"); app_p50+=("$(field "$r" p50_ms)"); app_p99+=("$(field "$r" p99_ms)")
}
run_bare() {
  local r
  r=$(wrk_vote "$bare_url" "$POLL_SECONDS"); echo "  bare run $i: $(field "$r" per_second)/s p50 $(field "$r" p50_ms) ms p99 $(field "$r" p99_ms) ms" >&2
  bare_rps+=("$(field "$r" per_second)"); bare_p50+=("$(field "$r" p50_ms)"); bare_p99+=("$(field "$r" p99_ms)")
}
run_words() {
  local r
  r=$(wrk_vote "$words_url" "$POLL_SECONDS" vote-words); echo "  words run $i: $(field "$r" per_second)/s p99 $(field "$r" p99_ms) ms, errors $(field "$r" status_errors)+$(field "$r" socket_errors)" >&2
  [ "$(field "$r" ok)" -gt 0 ] || die "the poll role accepted no words ballots: $r"
  words_rps+=("$(field "$r" per_second)"); words_p99+=("$(field "$r" p99_ms)")
}
# The order turns each round (app, bare, words; then bare, words, app; …), so that no variant always
# runs in the same place: the stream and the append-only file grow through a round, and a host that
# slows down through a round would otherwise always weigh on the same variant.
order=(app bare words)
for i in $(seq "$RUNS"); do
  redis-cli -p "$redis_port" unlink votes bench:bare >/dev/null
  poll_loads+=("$(loadavg)")
  for k in 0 1 2; do "run_${order[$(( (i - 1 + k) % 3 ))]}"; done
done
poll_to=$(now_ms)
kill "$bare_pid"; wait "$bare_pid" 2>/dev/null || true; rm -f "$work/pids/bare"
accepted_total=$(redis-cli -p "$redis_port" xlen votes)
redis-cli -p "$redis_port" unlink votes bench:bare >/dev/null

# --- 2. worker against a raw upsert loop --------------------------------------------------------
host_probe
log "2. Worker: drain $WORKER_COUNT preloaded votes; alternating with raw 1,000-row unnest upserts over two connections"
declare -a worker_rps upsert_rps worker_loads
# The raw loop's table grows run by run as votes does, so both write into indexes of the same size.
psql_ -c "DROP TABLE IF EXISTS bench_votes" >/dev/null
worker_from=$(now_ms)
for i in $(seq "$RUNS"); do
  options=$(create_poll "w$i")
  pre=$("$bench_exe" preload --redis "$redis_conn" --poll "w$i" --options "$options" --count "$WORKER_COUNT" --seed "$i")
  worker_loads+=("$(loadavg)")
  "$bench_exe" drain --redis "$redis_conn" --postgres "$pg_conn" --poll "w$i" --last-id "$(field "$pre" last_id)" \
    --expected "$(field "$pre" expected)" --count "$WORKER_COUNT" >"$work/drain.out" &
  drain_pid=$!
  start_role worker
  wait_alive "$drain_pid" worker || { cat "$work/drain.out" >&2; die "the worker did not drain the stream correctly"; }
  r=$(cat "$work/drain.out")
  stop_role worker
  echo "  worker run $i: $(field "$r" per_second) votes/s ($(field "$r" seconds) s; tallies $(field "$r" counted) of $(field "$r" expected))" >&2
  worker_rps+=("$(field "$r" per_second)")
  r=$("$bench_exe" upsert --postgres "$pg_conn" --poll "u$i" --count "$WORKER_COUNT" --connections 2 --seed "$i")
  echo "  upsert run $i: $(field "$r" per_second) rows/s" >&2
  upsert_rps+=("$(field "$r" per_second)")
  redis-cli -p "$redis_port" unlink votes >/dev/null
done
# Two worker replicas on one preload, started together; timed like one worker, from the first read.
options=$(create_poll w2x)
pre=$("$bench_exe" preload --redis "$redis_conn" --poll w2x --options "$options" --count "$WORKER_COUNT" --seed 99)
"$bench_exe" drain --redis "$redis_conn" --postgres "$pg_conn" --poll w2x --last-id "$(field "$pre" last_id)" \
  --expected "$(field "$pre" expected)" --count "$WORKER_COUNT" >"$work/drain.out" &
drain_pid=$!
ASPNETCORE_URLS="http://127.0.0.1:$(take_port)" "$app_dir/voting" --role worker >>"$work/worker2.log" 2>&1 &
role_pid[worker2]=$!
echo "${role_pid[worker2]}" >"$work/pids/worker2"
start_role worker
wait_alive "$drain_pid" worker worker2 || { cat "$work/drain.out" >&2; die "two workers did not drain the stream correctly"; }
r=$(cat "$work/drain.out")
two_workers_rps=$(field "$r" per_second)
echo "  two workers: $two_workers_rps votes/s" >&2
stop_role worker2
stop_role worker
redis-cli -p "$redis_port" unlink votes >/dev/null

# Ballots of sets: multiple choice (1 to 5 of 6 options, 3 on average) and words (1 to 3 of 10,000
# words, 2 on average), each drained by one worker as above.
log "2b. Worker: drain $WORKER_COUNT multiple-choice ballots, then $WORKER_COUNT words ballots"
declare -a multiple_rps words_drain_rps
for i in $(seq "$RUNS"); do
  for kind in multiple words; do
    options=$(create_poll "$kind$i" "$kind")
    pre=$("$bench_exe" preload --redis "$redis_conn" --poll "$kind$i" --options "${options:-none}" --count "$WORKER_COUNT" --seed "$i" --kind "$kind")
    "$bench_exe" drain --redis "$redis_conn" --postgres "$pg_conn" --poll "$kind$i" --last-id "$(field "$pre" last_id)" --kind "$kind" \
      --expected "$(field "$pre" expected)" --expected-choices "$(field "$pre" expected_choices)" --count "$WORKER_COUNT" >"$work/drain.out" &
    drain_pid=$!
    start_role worker
    wait_alive "$drain_pid" worker || { cat "$work/drain.out" >&2; die "the worker did not drain the $kind ballots correctly"; }
    r=$(cat "$work/drain.out")
    stop_role worker
    echo "  $kind run $i: $(field "$r" per_second) ballots/s ($(field "$r" seconds) s; $(field "$r" ballots) ballots, $(field "$r" counted) choices counted of $(field "$r" expected))" >&2
    if [ "$kind" = multiple ]; then multiple_rps+=("$(field "$r" per_second)"); else words_drain_rps+=("$(field "$r" per_second)"); fi
    redis-cli -p "$redis_port" unlink votes >/dev/null
  done
done
worker_to=$(now_ms)

# --- 3. vote to screen --------------------------------------------------------------------------
log "3. End to end: $E2E_VIEWERS SignalR viewers (light: one WebSocket each, the hub protocol by hand), $E2E_RATE votes/s for $E2E_WARMUP s of warm-up, then $E2E_SECONDS s measured"
start_role worker
declare -a e2e_p50 e2e_p99 e2e_max e2e_pushes e2e_rate e2e_loads e2e_first99 e2e_spread99 e2e_gap99 e2e_warm99 e2e_gen
e2e_from=$(now_ms)
for i in $(seq "$E2E_RUNS"); do
  options=$(create_poll "e$i")
  e2e_loads+=("$(loadavg)")
  r=$(DOTNET_gcServer=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 "$bench_exe" e2e --poll-url "http://127.0.0.1:${role_port[poll]}" --result-url "http://127.0.0.1:${role_port[result]}" \
      --poll "e$i" --option "${options%%,*}" --viewers "$E2E_VIEWERS" --rate "$E2E_RATE" --seconds "$E2E_SECONDS" --warmup-seconds "$E2E_WARMUP") \
    || { echo "$r" >&2; die "the end-to-end run failed"; }
  echo "  e2e run $i: p50 $(field "$r" p50_ms) ms p99 $(field "$r" p99_ms) ms max $(field "$r" max_ms) ms, $(field "$r" votes_per_second) votes/s, $(field "$r" pushes_per_viewer_per_second) pushes/viewer/s (connect $(field "$r" connect_seconds) s); to the first viewer p99 $(field "$r" first_viewer_p99_ms) ms, fan-out spread p99 $(field "$r" fanout_spread_p99_ms) ms, push gap p99 $(field "$r" push_gap_p99_ms) ms; warm-up p99 $(field "$r" warmup_p99_ms) ms; generator CPU $(field "$r" generator_cpu_percent) %" >&2
  e2e_p50+=("$(field "$r" p50_ms)"); e2e_p99+=("$(field "$r" p99_ms)"); e2e_max+=("$(field "$r" max_ms)")
  e2e_first99+=("$(field "$r" first_viewer_p99_ms)"); e2e_spread99+=("$(field "$r" fanout_spread_p99_ms)"); e2e_gap99+=("$(field "$r" push_gap_p99_ms)")
  e2e_warm99+=("$(field "$r" warmup_p99_ms)"); e2e_gen+=("$(field "$r" generator_cpu_percent)")
  e2e_pushes+=("$(field "$r" pushes_per_viewer_per_second)"); e2e_rate+=("$(field "$r" votes_per_second)")
done
e2e_to=$(now_ms)
stop_role worker

# --- 5. reads at a million votes ----------------------------------------------------------------
log "5. Reads: /api/results/{id} for a poll holding $READS_VOTES votes (wrk -t1 -c1, then -c4)"
options=$(create_poll big)
psql_ -c "INSERT INTO votes (poll_id, voter_id, option_id, cast_at, version)
          SELECT 'big', gen_random_uuid(), (string_to_array('$options', ','))[1 + i % 4], now(), i
          FROM generate_series(1, $READS_VOTES) AS i" >/dev/null
psql_ -c "ANALYZE" >/dev/null
total=$(curl -sf "http://127.0.0.1:${role_port[result]}/api/results/big" | jq .total)
[ "$total" = "$READS_VOTES" ] || die "the results API shows $total votes for the big poll, not $READS_VOTES"
reads_url="http://127.0.0.1:${role_port[result]}/api/results/big"
wrk_get() { wrk -t1 -c"$1" -d"$2"s -s "$root/bench/wrk/get.lua" "$reads_url" 2>&1; }
wrk_get 4 "$WARMUP_SECONDS" >/dev/null
# One connection, requests back to back: a read's own latency. Four: the role saturated on two
# shared cores, where the tail is the wait for a core.
declare -a read_p50 read_p99 read_rps sat_p99 sat_rps
reads_from=$(now_ms)
for i in $(seq "$RUNS"); do
  r=$(wrk_get 1 "$READS_SECONDS")
  [ "$(field "$r" ok)" -gt 0 ] || die "no results read answered: $r"
  read_p50+=("$(field "$r" p50_ms)"); read_p99+=("$(field "$r" p99_ms)"); read_rps+=("$(field "$r" per_second)")
  s4=$(wrk_get 4 "$READS_SECONDS")
  sat_p99+=("$(field "$s4" p99_ms)"); sat_rps+=("$(field "$s4" per_second)")
  echo "  reads run $i: one connection $(field "$r" per_second)/s p50 $(field "$r" p50_ms) ms p99 $(field "$r" p99_ms) ms; four: $(field "$s4" per_second)/s p99 $(field "$s4" p99_ms) ms" >&2
done

# A words poll with as many ballots, two words each of 10,000: the results read the top 50 through an index.
log "5b. Reads: /api/results/{id} for a words poll holding $READS_VOTES ballots (wrk -t1 -c1)"
create_poll bigw words >/dev/null
psql_ -c "INSERT INTO votes (poll_id, voter_id, words, cast_at, version)
          SELECT 'bigw', gen_random_uuid(), ARRAY['word ' || (i % 10000), 'word ' || ((i * 7 + 1) % 10000)], now(), i
          FROM generate_series(1, $READS_VOTES) AS i" >/dev/null
psql_ -c "ANALYZE" >/dev/null
total=$(curl -sf "http://127.0.0.1:${role_port[result]}/api/results/bigw" | jq .total)
[ "$total" = "$READS_VOTES" ] || die "the results API shows $total ballots for the big words poll, not $READS_VOTES"
reads_url="http://127.0.0.1:${role_port[result]}/api/results/bigw"
wrk_get 1 "$WARMUP_SECONDS" >/dev/null
declare -a wread_p50 wread_p99 wread_rps
for i in $(seq "$RUNS"); do
  r=$(wrk_get 1 "$READS_SECONDS")
  [ "$(field "$r" ok)" -gt 0 ] || die "no words results read answered: $r"
  wread_p50+=("$(field "$r" p50_ms)"); wread_p99+=("$(field "$r" p99_ms)"); wread_rps+=("$(field "$r" per_second)")
  echo "  words reads run $i: $(field "$r" per_second)/s p50 $(field "$r" p50_ms) ms p99 $(field "$r" p99_ms) ms" >&2
done
reads_to=$(now_ms)

# --- 6. events: a large room (issue 14) ---------------------------------------------------------
# Light viewers (raw WebSockets speaking the SignalR JSON protocol) follow one event on one result
# process, as the audience page does (FollowEvent); the presenter switches the live poll. A fresh
# result process for each room size, so its memory is the room's. Then vote to screen again with
# each push interval, to show what the interval costs (result CPU, pushes) and buys (latency).
declare -a fanout_rows=() push_rows=()
# A fresh result process, on a fresh port: another process on a shared machine may take the port
# between the check and the bind, so a start that finds its port taken tries the next one.
restart_result() {
  local attempt log="$work/result.log"
  stop_role result
  for attempt in 1 2 3 4 5; do
    role_port[result]=$(free_port $((19081 + 10 * attempt)))
    : >"$log"
    ASPNETCORE_URLS="http://127.0.0.1:${role_port[result]}" "$app_dir/voting" --role result >>"$log" 2>&1 &
    role_pid[result]=$!
    echo "${role_pid[result]}" >"$work/pids/result"
    local deadline=$((SECONDS + 60))
    until grep -q "Now listening on: http://127.0.0.1:${role_port[result]}" "$log" \
        && curl -sf "http://127.0.0.1:${role_port[result]}/readyz" >/dev/null 2>&1; do
      if ! kill -0 "${role_pid[result]}" 2>/dev/null; then
        grep -q "address already in use" "$log" && continue 2
        tail -n 20 "$log" >&2; die "the result role exited"
      fi
      [ $SECONDS -lt $deadline ] || { tail -n 20 "$log" >&2; die "the result role was not ready within 60 s"; }
      sleep 0.2
    done
    return 0
  done
  die "no free port for the result role after 5 attempts"
}
bench_events() {
  local n r interval
  for n in $FANOUT_SIZES; do
    restart_result
    log "6. Events: $n viewers following one event, $FANOUT_SWITCHES switches of the live poll"
    r=$(DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 "$bench_exe" fanout --poll-url "http://127.0.0.1:${role_port[poll]}" --result-url "http://127.0.0.1:${role_port[result]}" \
        --token "$token" --connections "$n" --switches "$FANOUT_SWITCHES" --result-pid "${role_pid[result]}") \
      || { echo "$r" >&2; die "the event fan-out with $n viewers failed"; }
    echo "  $n viewers: p50 $(field "$r" p50_ms) ms p99 $(field "$r" p99_ms) ms max $(field "$r" max_ms) ms, missing $(field "$r" missing); result RSS $(field "$r" rss_before_mb) → $(field "$r" rss_connected_mb) MB, peak $(field "$r" rss_peak_mb) MB, $(field "$r" kb_per_connection) KB a connection; CPU a switch: result $(field "$r" result_cpu_ms_per_switch) ms, generator $(field "$r" generator_cpu_ms_per_switch) ms (load $(loadavg))" >&2
    fanout_rows+=("| events: switch to phone, p50 / p99 / max ms ($n viewers, $FANOUT_SWITCHES switches; every viewer got every switch) | $(field "$r" p50_ms) / $(field "$r" p99_ms) / $(field "$r" max_ms) | result CPU $(field "$r" result_cpu_ms_per_switch) ms, generator $(field "$r" generator_cpu_ms_per_switch) ms a switch | | p99 ≤ 1,000 ms | $(meets "$(awk -v a="$(field "$r" p99_ms)" -v m="$(field "$r" missing)" 'BEGIN {print (a <= 1000 && m == 0)}')") |")
    fanout_rows+=("| events: result RSS before / connected / peak MB, KB a connection ($n viewers) | $(field "$r" rss_before_mb) / $(field "$r" rss_connected_mb) / $(field "$r" rss_peak_mb), $(field "$r" kb_per_connection) | | | peak ≤ 500 MB | $(meets "$(awk -v a="$(field "$r" rss_peak_mb)" 'BEGIN {print (a <= 500)}')") |")
  done
  start_role worker
  for interval in $PUSH_INTERVALS; do
    Voting__Result__PushIntervalMilliseconds=$interval restart_result
    options=$(create_poll "push$interval")
    log "6. Vote to screen with a push interval of $interval ms: $E2E_VIEWERS light viewers, $E2E_RATE votes/s for $E2E_SECONDS s"
    r=$(DOTNET_gcServer=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 "$bench_exe" e2e --poll-url "http://127.0.0.1:${role_port[poll]}" --result-url "http://127.0.0.1:${role_port[result]}" \
        --poll "push$interval" --option "${options%%,*}" --viewers "$E2E_VIEWERS" --rate "$E2E_RATE" --seconds "$E2E_SECONDS" --warmup-seconds "$E2E_WARMUP" --result-pid "${role_pid[result]}") \
      || { echo "$r" >&2; die "the end-to-end run with a $interval ms push interval failed"; }
    echo "  push interval $interval ms: p50 $(field "$r" p50_ms) ms p99 $(field "$r" p99_ms) ms, $(field "$r" pushes_per_viewer_per_second) pushes/viewer/s, result CPU $(field "$r" result_cpu_percent) % (load $(loadavg))" >&2
    push_rows+=("| vote to screen with a $interval ms push interval: p50 / p99 ms, pushes a viewer a second, result CPU % of a core | $(field "$r" p50_ms) / $(field "$r" p99_ms), $(field "$r" pushes_per_viewer_per_second), $(field "$r" result_cpu_percent) | | | (what the interval costs and buys) | |")
  done
  stop_role worker
  restart_result
}
meets() { awk -v c="$1" 'BEGIN {print (c ? "yes" : "**no**")}'; }
events_from=$(now_ms)
bench_events
events_to=$(now_ms)
# --- 7. side by side with the classic voting app (issue 15) -------------------------------------
# The load dockersamples/example-voting-app was measured under, on this machine (its Flask front end
# as five gunicorn processes, its .NET worker on net10.0, its Node result app): 10 viewers on one
# poll, 20 votes/s for 30 s, then a 10 s `wrk -c64` intake burst. Fresh role processes, so each
# peak is this load's alone. Idle RSS after a settle; managed heap (the GC's heap size after its
# last collection, from /metrics) beside each RSS figure; its peak from a sample a second.
# Reference peaks (MiB), the targets: front end 126 (its pages counted once), worker 86, result 60.
declare -A sbs_idle_rss sbs_idle_heap sbs_peak_rss sbs_peak_heap
declare -A SBS_REFERENCE=([poll]=126 [worker]=86 [result]=60)
managed_heap_mb() { # ROLE → MiB, or empty when /metrics does not answer
  curl -sf "http://127.0.0.1:${role_port[$1]}/metrics" 2>/dev/null \
    | awk '/^dotnet_gc_last_collection_heap_size_bytes/ {s += $NF; n++} END {if (n) printf "%.1f", s / 1048576}'
}
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/${role_pid[$1]}/status"; }
side_by_side() {
  log "7. Side by side with the classic voting app: $SBS_VIEWERS viewers, $SBS_RATE votes/s for $SBS_SECONDS s, then wrk -c$WRK_CONNECTIONS for $SBS_BURST_SECONDS s"
  local role
  for role in poll result worker; do stop_role "$role"; done
  for role in poll worker result; do start_role "$role"; done
  sleep "$SBS_SETTLE_SECONDS"
  for role in poll worker result; do
    sbs_idle_rss[$role]=$(rss_mb "$role"); sbs_idle_heap[$role]=$(managed_heap_mb "$role")
  done
  local options heap_log="$work/sbs-heap.log" heap_pid from to r
  options=$(create_poll sbs)
  : >"$heap_log"
  ( while :; do
      for role in poll worker result; do echo "$role $(managed_heap_mb "$role")"; done
      sleep 1
    done >>"$heap_log" ) &
  heap_pid=$!
  from=$(now_ms)
  r=$(DOTNET_gcServer=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 "$bench_exe" e2e --poll-url "http://127.0.0.1:${role_port[poll]}" --result-url "http://127.0.0.1:${role_port[result]}" \
      --poll sbs --option "${options%%,*}" --viewers "$SBS_VIEWERS" --rate "$SBS_RATE" --seconds "$SBS_SECONDS" --warmup-seconds 0) \
    || { kill "$heap_pid"; echo "$r" >&2; die "the side-by-side run failed"; }
  echo "  side by side: $(field "$r" votes_per_second) votes/s, p50 $(field "$r" p50_ms) ms p99 $(field "$r" p99_ms) ms to $SBS_VIEWERS viewers" >&2
  r=$(BENCH_OPTION=${options%%,*} wrk -t2 -c$WRK_CONNECTIONS -d"$SBS_BURST_SECONDS"s -s "$root/bench/wrk/vote.lua" "http://127.0.0.1:${role_port[poll]}/api/polls/sbs/votes" 2>&1)
  echo "  side by side, burst: $(field "$r" per_second) votes/s accepted, p99 $(field "$r" p99_ms) ms" >&2
  sleep 2 # the worker drains the burst's tail
  to=$(now_ms)
  kill "$heap_pid" 2>/dev/null; wait "$heap_pid" 2>/dev/null || true
  for role in poll worker result; do
    sbs_peak_rss[$role]=$(peak_mb "$role" "$from" "$to")
    sbs_peak_heap[$role]=$(awk -v r="$role" '$1 == r && NF == 2 && $2 > m {m = $2} END {printf "%.1f", m}' "$heap_log")
    echo "  $role: idle ${sbs_idle_rss[$role]} MiB (managed heap ${sbs_idle_heap[$role]}), peak ${sbs_peak_rss[$role]} MiB (managed heap ${sbs_peak_heap[$role]})" >&2
  done
  stop_role worker
}
side_by_side_rows() {
  local role what
  for role in poll worker result; do
    case $role in poll) what="front end (5 gunicorn processes, pages counted once)" ;; worker) what=".NET worker (net10.0)" ;; result) what="Node result app" ;; esac
    echo "| side by side, $role: idle RSS / managed heap, peak RSS / managed heap, MiB ($SBS_VIEWERS viewers, $SBS_RATE votes/s for $SBS_SECONDS s, then wrk -c$WRK_CONNECTIONS for $SBS_BURST_SECONDS s) | ${sbs_idle_rss[$role]} / ${sbs_idle_heap[$role]}, ${sbs_peak_rss[$role]} / ${sbs_peak_heap[$role]} | classic app's $what: peak ${SBS_REFERENCE[$role]} | $(ratio "${sbs_peak_rss[$role]}" "${SBS_REFERENCE[$role]}") | peak ≤ ${SBS_REFERENCE[$role]} MiB | $(meets "$(awk -v a="${sbs_peak_rss[$role]}" -v b="${SBS_REFERENCE[$role]}" 'BEGIN {print (a <= b)}')") |"
  done
}
side_by_side
# --- end of 6 ------------------------------------------------------------------------------------

# --- the table ----------------------------------------------------------------------------------
host_probe
m_app=$(median "${app_rps[@]}"); m_bare=$(median "${bare_rps[@]}")
m_app99=$(median "${app_p99[@]}"); m_bare99=$(median "${bare_p99[@]}")
m_worker=$(median "${worker_rps[@]}"); m_upsert=$(median "${upsert_rps[@]}")
m_e2e99=$(median "${e2e_p99[@]}")
m_read99=$(median "${read_p99[@]}")
m_words=$(median "${words_rps[@]}"); m_multiple_drain=$(median "${multiple_rps[@]}"); m_words_drain=$(median "${words_drain_rps[@]}")
m_wread99=$(median "${wread_p99[@]}")
poll_mb=$(peak_mb poll "$poll_from" "$reads_to"); result_mb=$(peak_mb result "$poll_from" "$reads_to")
worker_mb=$(peak_mb worker "$worker_from" "$e2e_to")
list() { local IFS=', '; echo "$*"; }

stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
suffix=""; flag=""
[ "$mode" = tiny ] && { suffix="-tiny"; flag=" --tiny"; }
file="$out_dir/$(date -u +%Y-%m-%d-%H%M)$suffix.md"
mkdir -p "$out_dir"
pg_version=$(psql_ -c "SHOW server_version")
{
  echo "# Benchmark results ($mode run), $stamp"
  echo
  echo "| measurement | Voting | ceiling, same run | ratio | target | met |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| poll: accepted votes/s (wrk -c$WRK_CONNECTIONS, new voter each) | $m_app (runs $(list "${app_rps[@]}")) | bare XADD endpoint $m_bare (runs $(list "${bare_rps[@]}")) | $(ratio "$m_app" "$m_bare") | ≥ 60 % | $(meets "$(awk -v a="$m_app" -v b="$m_bare" 'BEGIN {print (a >= 0.6 * b)}')") |"
  echo "| poll: p50 / p99 latency, ms | $(median "${app_p50[@]}") / $m_app99 | $(median "${bare_p50[@]}") / $m_bare99 | p99 ×$(awk -v a="$m_app99" -v b="$m_bare99" 'BEGIN {printf "%.2f", a / b}') | p99 ≤ 2 × bare | $(meets "$(awk -v a="$m_app99" -v b="$m_bare99" 'BEGIN {print (a <= 2 * b)}')") |"
  echo "| worker: votes/s draining $WORKER_COUNT preloaded | $m_worker (runs $(list "${worker_rps[@]}")) | raw 1,000-row upserts, 2 connections: $m_upsert (runs $(list "${upsert_rps[@]}")) | $(ratio "$m_worker" "$m_upsert") | ≥ 30,000/s and ≥ 30 % | $(meets "$(awk -v a="$m_worker" -v b="$m_upsert" 'BEGIN {print (a >= 30000 && a >= 0.3 * b)}')") |"
  echo "| poll: words ballots accepted/s (two words to normalise, new voter each) | $m_words (runs $(list "${words_rps[@]}"), p99 $(median "${words_p99[@]}") ms) | bare XADD endpoint $m_bare | $(ratio "$m_words" "$m_bare") | ≥ 60 % | $(meets "$(awk -v a="$m_words" -v b="$m_bare" 'BEGIN {print (a >= 0.6 * b)}')") |"
  echo "| worker ×2 replicas: votes/s (one run, started together) | $two_workers_rps | | | (scaling) | |"
  echo "| worker: multiple-choice ballots/s draining $WORKER_COUNT (3 choices on average) | $m_multiple_drain (runs $(list "${multiple_rps[@]}")) | | | ≥ 25,000/s | $(meets "$(awk -v a="$m_multiple_drain" 'BEGIN {print (a >= 25000)}')") |"
  echo "| worker: words ballots/s draining $WORKER_COUNT (2 words on average of 10,000) | $m_words_drain (runs $(list "${words_drain_rps[@]}")) | | | ≥ 25,000/s | $(meets "$(awk -v a="$m_words_drain" 'BEGIN {print (a >= 25000)}')") |"
  echo "| vote to screen: p50 / p99 / max, ms ($E2E_VIEWERS viewers, $E2E_RATE votes/s, $E2E_SECONDS s) | $(median "${e2e_p50[@]}") / $m_e2e99 / $(median "${e2e_max[@]}") (p99 runs $(list "${e2e_p99[@]}")) | | | p99 ≤ 150 ms | $(meets "$(awk -v a="$m_e2e99" 'BEGIN {print (a <= 150)}')") |"
  echo "| vote to screen, where the p99 goes: 202 to the first viewer / first to last viewer of a push / between two pushes, p99 ms | $(median "${e2e_first99[@]}") / $(median "${e2e_spread99[@]}") / $(median "${e2e_gap99[@]}") | | | (the push interval is the floor) | |"
  echo "| vote to screen: the warm-up's p99 (the first $E2E_WARMUP s of each run; the first run's worker is fresh), ms; the generator's CPU, % of a core | $(median "${e2e_warm99[@]}"), $(median "${e2e_gen[@]}") | | | (not in the p99 above) | |"
  echo "| vote to screen: votes/s sent, pushes per viewer per second | $(median "${e2e_rate[@]}"), $(median "${e2e_pushes[@]}") | | | ≤ ~10 pushes/s | $(meets "$(awk -v a="$(median "${e2e_pushes[@]}")" 'BEGIN {print (a <= 10.5)}')") |"
  echo "| memory: peak RSS poll / worker / result, MB | $poll_mb / $worker_mb / $result_mb | | | ≤ 150 MB each | $(meets "$(awk -v a="$poll_mb" -v b="$worker_mb" -v c="$result_mb" 'BEGIN {print (a <= 150 && b <= 150 && c <= 150)}')") |"
  echo "| reads: words poll's /api/results at $READS_VOTES ballots (top 50 of 10,000 words), p50 / p99 ms, one connection | $(median "${wread_p50[@]}") / $m_wread99 (p99 runs $(list "${wread_p99[@]}")) at $(median "${wread_rps[@]}") reads a second | | | p99 ≤ 5 ms | $(meets "$(awk -v a="$m_wread99" 'BEGIN {print (a <= 5)}')") |"
  echo "| reads: /api/results at $READS_VOTES votes, p50 / p99 ms, one connection (wrk -t1 -c1) | $(median "${read_p50[@]}") / $m_read99 (p99 runs $(list "${read_p99[@]}")) | four connections, saturated: p99 $(median "${sat_p99[@]}") ms at $(median "${sat_rps[@]}") reads a second | | p99 ≤ 5 ms | $(meets "$(awk -v a="$m_read99" 'BEGIN {print (a <= 5)}')") |"
  for row in "${fanout_rows[@]}" "${push_rows[@]}"; do echo "$row"; done
  side_by_side_rows
  echo
  echo "Figures are medians of $RUNS alternating runs (end to end: of $E2E_RUNS). 1-minute load average before"
  echo "each run: poll $(list "${poll_loads[@]}"); worker $(list "${worker_loads[@]}"); end to end $(list "${e2e_loads[@]}")."
  echo "The poll measurement accepted $accepted_total votes in its last run's stream."
  echo "Host probe (one core hashing 256 MiB of zeros with sha256, seconds; lower is faster) before 1, before 2, at the end: $(list "${host_probes[@]}")."
  echo
  echo "- Machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB memory, kernel $(uname -r)"
  echo "- .NET $(dotnet --version) (SDK), Redis $(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-), PostgreSQL $pg_version, wrk $(wrk -v 2>&1 | head -n 1 | awk '{print $2}')"
  echo "- Redis: append-only file on (appendfsync everysec), automatic rewrite off (--auto-aof-rewrite-percentage 0). PostgreSQL: default settings, fsync on."
  echo "- Roles: Release publish, one process each (ASPNETCORE_ENVIRONMENT=Production, rate limits off); the load generators share the same cores."
  echo "- Command: \`./bench/run.sh$flag\`, $stamp"
} >"$file"
cat "$file"
log "Wrote $file"

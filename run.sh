#!/usr/bin/env bash
# Everything on one machine: local Redis and PostgreSQL under .data/, all roles in one process on
# http://localhost:8080. Ctrl-C or SIGTERM stops everything it started; data stays for next time.
#   VOTING_PORT (8080), VOTING_REDIS_PORT (6390), VOTING_POSTGRES_PORT (5440) change the ports.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/services.sh

port=${VOTING_PORT:-8080}
redis_port=${VOTING_REDIS_PORT:-6390}
pg_port=${VOTING_POSTGRES_PORT:-5440}
data="$PWD/.data"

command -v dotnet >/dev/null || die "the .NET SDK is missing: install dotnet-sdk-10.0"
ensure_redis
ensure_postgres

log "Building"
dotnet publish Voting.Host/Voting.Host.csproj -c Release -o .data/app --nologo -v quiet >/dev/null \
  || { dotnet publish Voting.Host/Voting.Host.csproj -c Release -o .data/app --nologo; exit 1; }

app_pid=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill -TERM "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
  log "Stopping PostgreSQL and Redis"
  stop_postgres "$data/postgres"
  stop_redis "$redis_port"
}
trap cleanup EXIT INT TERM

# Redis's passwords stay the same from run to run, like its data (.data/redis-passwords).
[ -f "$data/redis-passwords" ] || { mkdir -p "$data"; ( redis_passwords; umask 077; printf 'REDIS_PASSWORD=%s\nREDIS_ADMIN_PASSWORD=%s\n' "$REDIS_PASSWORD" "$REDIS_ADMIN_PASSWORD" > "$data/redis-passwords" ); }
source "$data/redis-passwords"
redis_passwords
log "Starting Redis on 127.0.0.1:$redis_port (append-only file in .data/redis, password in .data/redis-passwords)"
start_redis "$data/redis" "$redis_port"
log "Starting PostgreSQL on 127.0.0.1:$pg_port (data in .data/postgres)"
start_postgres "$data/postgres" "$pg_port"
create_database "$pg_port" voting

export ConnectionStrings__Redis="$(redis_connection "$redis_port")"
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Database=voting;Username=postgres"
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export Voting__PublicUrl=${Voting__PublicUrl:-http://localhost:$port}
if [ -z "${Voting__AdminToken:-}" ]; then
  [ -f "$data/admin-token" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$data/admin-token"
  export Voting__AdminToken=$(cat "$data/admin-token")
fi

.data/app/voting migrate
if [ -z "$(.data/app/voting polls list)" ]; then
  log "Creating a demo poll"
  .data/app/voting polls create --id demo --question "Which language should the next workshop use?" \
    --option "C#" --option "Go" --option "Rust" --option "TypeScript"
fi

log "Voting on http://localhost:$port  (admin token: $Voting__AdminToken, also in .data/admin-token)"
.data/app/voting --role all --urls "http://localhost:$port" &
app_pid=$!
wait "$app_pid" || true

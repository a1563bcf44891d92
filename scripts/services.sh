# Shared by run.sh, test.sh and bench/run.sh: install, start and stop the local Redis and
# PostgreSQL that Voting runs against. Source it; it defines functions only.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The first free TCP port on 127.0.0.1 from $1 upwards.
free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

ensure_redis() {
  command -v redis-server >/dev/null && return 0
  log "Installing redis-server (Debian package)"
  if [ "$(id -u)" -eq 0 ]; then
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server; } >&2 \
      || die "could not install redis-server with apt-get; install it yourself and run again"
  elif command -v sudo >/dev/null; then
    { sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server; } >&2 \
      || die "could not install redis-server; run: sudo apt-get install redis-server"
  else
    die "redis-server is missing; install it with: apt-get install redis-server"
  fi
}

ensure_postgres() {
  for tool in initdb pg_ctl postgres psql; do
    command -v "$tool" >/dev/null && continue
    # Debian keeps the server binaries out of PATH.
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$bin" ] && [ -x "$bin/$tool" ]; then PATH="$bin:$PATH"; continue; fi
    die "$tool is missing: install PostgreSQL (apt-get install postgresql) and run again"
  done
}

# PostgreSQL refuses to run as root: run it as the postgres user then.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Redis runs with passwords, as in the cluster (deploy/base/redis.yaml): the default user is the
# administrator (requirepass), and the app connects as the ACL user "voting", which may not flush,
# reconfigure or shut the server down. The rule below is the cluster's, word for word.
REDIS_APP_USER=voting
REDIS_APP_RULES='~* &* +@all -@dangerous +info +config|get'

# redis_passwords: makes up REDIS_PASSWORD (the app user's) and REDIS_ADMIN_PASSWORD when they are
# unset, and exports them with REDISCLI_AUTH, so redis-cli here authenticates as the administrator.
redis_passwords() {
  [ -n "${REDIS_PASSWORD:-}" ] || REDIS_PASSWORD=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  [ -n "${REDIS_ADMIN_PASSWORD:-}" ] || REDIS_ADMIN_PASSWORD=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  export REDIS_PASSWORD REDIS_ADMIN_PASSWORD REDISCLI_AUTH="$REDIS_ADMIN_PASSWORD"
}

# redis_connection PORT: the app's StackExchange.Redis connection string for a local Redis.
redis_connection() {
  redis_passwords
  echo "127.0.0.1:$1,user=$REDIS_APP_USER,password=$REDIS_PASSWORD"
}

# start_redis DIR PORT [extra redis-server arguments]
start_redis() {
  local dir=$1 port=$2; shift 2
  mkdir -p "$dir"
  redis_passwords
  # The passwords go in on standard input, not on the command line where `ps` would show them.
  redis-server - --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --appendfsync everysec \
    --save "" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --maxmemory-policy noeviction "$@" >/dev/null <<EOF || die "redis-server did not start; see $dir/redis.log"
requirepass $REDIS_ADMIN_PASSWORD
user $REDIS_APP_USER on >$REDIS_PASSWORD $REDIS_APP_RULES
EOF
  local deadline=$((SECONDS + 20))
  until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do
    [ $SECONDS -lt $deadline ] || die "Redis did not answer on port $port; see $dir/redis.log"
    sleep 0.1
  done
}

stop_redis() {
  local port=$1
  redis_passwords
  redis-cli -p "$port" shutdown >/dev/null 2>&1 || true
}

# start_postgres DIR PORT: initdb the first time, then start on 127.0.0.1 with the socket in DIR.
start_postgres() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir" 2>/dev/null || { id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres; chown postgres "$dir"; }
    chmod 700 "$dir"
    # Every directory above the data directory must let the postgres user through.
    local up
    up=$(dirname "$dir")
    while [ "$up" != "/" ]; do
      if ! runuser -u postgres -- test -x "$up"; then
        log "Letting the postgres user traverse $up (chmod o+x) so it can reach its data directory"
        chmod o+x "$up"
      fi
      up=$(dirname "$up")
    done
  fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    as_pg initdb -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C >"$dir.initdb.log" 2>&1 \
      || die "initdb failed; see $dir.initdb.log"
  fi
  as_pg pg_ctl -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-on} -c max_connections=${PG_MAX_CONNECTIONS:-100}" start >/dev/null \
    || die "PostgreSQL did not start; see $dir/server.log"
}

stop_postgres() {
  local dir=$1
  [ -f "$dir/postmaster.pid" ] && as_pg pg_ctl -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

# create_database PORT NAME: creates it when missing.
create_database() {
  local port=$1 name=$2
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" postgres | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE \"$name\"" postgres >/dev/null
  fi
}

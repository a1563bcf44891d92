#!/bin/sh
# Prints a .env for docker-compose.yml with random passwords and admin token:
#   deploy/compose/make-env.sh > .env        (git ignores .env; keep it, the volumes need it)
set -eu
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
echo "POSTGRES_PASSWORD=$(hex 24)"
echo "REDIS_PASSWORD=$(hex 24)"
echo "REDIS_ADMIN_PASSWORD=$(hex 24)"
echo "VOTING_ADMIN_TOKEN=$(hex 32)"
echo "VOTING_DATA_PROTECTION_KEY=$(hex 32)"

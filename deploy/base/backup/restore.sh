#!/bin/sh
# Restores a dump made by backup.sh: the newest in $BACKUP_DIR, or the file named by $RESTORE_FILE.
# It drops the database $PGDATABASE (closing its sessions) and creates it anew from the dump.
# Stop the roles first (README.md, "Back up and restore"); the postgres-restore CronJob's Job runs
# it in the cluster, Voting.Tests/Deploy/BackupRestoreTests on loopback.
set -eu
: "${BACKUP_DIR:?BACKUP_DIR is not set}" "${PGDATABASE:?PGDATABASE is not set}"
if [ -n "${RESTORE_FILE:-}" ]; then
  file="$BACKUP_DIR/$RESTORE_FILE"
else
  file=$(ls -1 "$BACKUP_DIR/$PGDATABASE"-*.dump 2>/dev/null | sort | tail -n 1)
fi
if [ -z "$file" ] || [ ! -f "$file" ]; then
  echo "restore: no dump ${RESTORE_FILE:-of $PGDATABASE} in $BACKUP_DIR" >&2
  exit 1
fi
# A damaged file stops here, before anything is dropped.
pg_restore --list "$file" >/dev/null
echo "restore: $file into $PGDATABASE"
psql --dbname=postgres --no-psqlrc --set=ON_ERROR_STOP=1 --quiet \
  --command="DROP DATABASE IF EXISTS \"$PGDATABASE\" WITH (FORCE)"
pg_restore --create --exit-on-error --dbname=postgres "$file"
echo "restore: done; schema version $(psql --no-psqlrc -tAc 'SELECT max("Version") FROM "VersionInfo"')"

#!/bin/sh
# Dumps the database $PGDATABASE into $BACKUP_DIR as $PGDATABASE-<UTC time>.dump (pg_dump's custom
# format) and keeps the newest $KEEP dumps (14). The postgres-backup CronJob runs it every night
# (deploy/base/backup.yaml); Voting.Tests/Deploy/BackupRestoreTests runs the same file on loopback.
# The connection comes from libpq's variables: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.
set -eu
: "${BACKUP_DIR:?BACKUP_DIR is not set}" "${PGDATABASE:?PGDATABASE is not set}"
keep=${KEEP:-14}
target="$BACKUP_DIR/$PGDATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"
# Written under another name and renamed once complete: a dump cut short never passes for a backup.
pg_dump --format=custom --file="$target.partial"
mv "$target.partial" "$target"
echo "backup: wrote $target ($(wc -c < "$target") bytes)"
ls -1 "$BACKUP_DIR/$PGDATABASE"-*.dump | sort -r | tail -n +"$((keep + 1))" | while read -r old; do
  rm -f -- "$old"
  echo "backup: removed $old"
done

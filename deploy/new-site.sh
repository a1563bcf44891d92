#!/usr/bin/env bash
# Makes a site overlay: the one kustomize directory you apply to your cluster. It sets, each in one
# place, the image, the host name and the Secrets (made up here, at random, into DIR/secrets/,
# which git ignores). The committed overlays carry none of these, so nothing example-valued can
# reach a cluster. README.md, "Install", walks through it; the deploy checks render sites made by
# this very script.
#
#   deploy/new-site.sh --overlay production --image ghcr.io/OWNER/REPO:1.2.0 --host vote.example.org deploy/sites/main
#
#   --overlay NAME        dev, production or production-cloudnativepg (deploy/overlays/NAME)
#   --image REF           the released image, with a tag or a digest (README.md, "The image")
#   --host HOST           the host name people open (dev: localhost unless given)
#   --backup-bucket URL   production-cloudnativepg only: s3://BUCKET/PATH for base backups and WAL
#   --backup-endpoint URL production-cloudnativepg only, optional: an S3-compatible endpoint
#                         (MinIO, Ceph, ...); the keys come from BACKUP_S3_ACCESS_KEY_ID and
#                         BACKUP_S3_SECRET_ACCESS_KEY in the environment.
# DIR must not exist yet: the script never overwrites a site's secrets.
set -euo pipefail

die() { printf 'new-site: %s\n' "$*" >&2; exit 2; }
# relative FROM TO: the path of directory TO seen from directory FROM (both absolute), in plain
# bash, since macOS's realpath has no --relative-to.
relative() {
  local from=$1 to=$2 up="" rest
  while [ "$from" != "/" ]; do
    case "$to/" in "$from"/*) break ;; esac
    from=$(dirname "$from"); up="../$up"
  done
  rest=${to#"$from"}; rest=${rest#/}
  up="$up$rest"; echo "${up:-.}"
}
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

overlay="" image="" host="" bucket="" endpoint="" dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --overlay) overlay=${2:-}; shift 2 ;;
    --image) image=${2:-}; shift 2 ;;
    --host) host=${2:-}; shift 2 ;;
    --backup-bucket) bucket=${2:-}; shift 2 ;;
    --backup-endpoint) endpoint=${2:-}; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) [ -z "$dir" ] || die "one directory only"; dir=$1; shift ;;
  esac
done

deploy=$(cd "$(dirname "$0")" && pwd)
[ -n "$dir" ] || die "name the directory to create (e.g. deploy/sites/main)"
[ ! -e "$dir" ] || die "$dir exists already; a site's secrets are never overwritten"
case "$overlay" in
  dev|production|production-cloudnativepg) ;;
  *) die "--overlay must be dev, production or production-cloudnativepg" ;;
esac
[ -n "$image" ] || die "--image is required: the image your release workflow pushed (ghcr.io/OWNER/REPO:VERSION)"
# A tag or a digest on the last path segment, never an implicit :latest.
last=${image##*/}
case "$last" in *@sha256:*|*:*) ;; *) die "--image needs a tag or a digest: $image" ;; esac
case "$image" in *example*|*OWNER*|*REPO*) die "--image $image is a placeholder, not a published image" ;; esac
if [ "$overlay" = dev ]; then host=${host:-localhost}; scheme=http; else scheme=https; fi
[ -n "$host" ] || die "--host is required for $overlay"
printf '%s' "$host" | grep -Eq '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$' || die "--host $host is not a host name"
if [ "$overlay" = production-cloudnativepg ]; then
  case "$bucket" in s3://?*) ;; *) die "--backup-bucket s3://BUCKET/PATH is required for $overlay" ;; esac
  [ -n "${BACKUP_S3_ACCESS_KEY_ID:-}" ] && [ -n "${BACKUP_S3_SECRET_ACCESS_KEY:-}" ] \
    || die "set BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY for the backup bucket"
fi

# The image's name and its tag or digest, as kustomize's images: wants them.
if [ "${last#*@}" != "$last" ]; then
  name=${image%@*}; pin="    digest: ${image##*@}"
else
  name=${image%:*}; pin="    newTag: \"${image##*:}\""
fi

mkdir -p "$dir/secrets"
dir=$(cd "$dir" && pwd)
base=$(relative "$dir" "$deploy/overlays/$overlay")
(
  umask 077
  # Hex only: safe inside connection strings (no ';' or ',') and shell here-documents.
  printf 'username=voting\npassword=%s\n' "$(random_hex 24)" > "$dir/secrets/db.env"
  printf 'password=%s\nadmin-password=%s\n' "$(random_hex 24)" "$(random_hex 24)" > "$dir/secrets/redis.env"
  printf 'token=%s\ndata-protection-key=%s\n' "$(random_hex 32)" "$(random_hex 32)" > "$dir/secrets/admin.env"
  if [ "$overlay" = production-cloudnativepg ]; then
    printf 'ACCESS_KEY_ID=%s\nACCESS_SECRET_KEY=%s\n' "$BACKUP_S3_ACCESS_KEY_ID" "$BACKUP_S3_SECRET_ACCESS_KEY" > "$dir/secrets/backup-s3.env"
  fi
)
printf 'secrets/\n' > "$dir/.gitignore"

{
  cat <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
# Made by deploy/new-site.sh --overlay $overlay. Change the image here to upgrade (README.md, "Upgrade").
namespace: voting

resources:
  - $base

labels:
  - pairs:
      app.kubernetes.io/part-of: voting
    includeSelectors: false
    includeTemplates: false

# The one place the image is set.
images:
  - name: voting
    newName: $name
$pin

# Made up at random by new-site.sh, kept in secrets/ (ignored by git). Rotation: README.md, "Secrets".
secretGenerator:
  - name: voting-db
    type: kubernetes.io/basic-auth
    envs: [secrets/db.env]
  - name: voting-redis
    envs: [secrets/redis.env]
  - name: voting-admin
    envs: [secrets/admin.env]
EOF
  if [ "$overlay" = production-cloudnativepg ]; then
    cat <<EOF
  - name: voting-backup-s3
    envs: [secrets/backup-s3.env]
EOF
  fi
  cat <<EOF

# The host, set once and copied where it is needed; local-config: it is not applied itself.
configMapGenerator:
  - name: voting-site
    options:
      disableNameSuffixHash: true
      annotations:
        config.kubernetes.io/local-config: "true"
    literals:
      - host=$host
      - public-url=$scheme://$host

replacements:
  - source: {kind: ConfigMap, name: voting-site, fieldPath: data.public-url}
    targets:
      - select: {kind: ConfigMap, name: voting-config}
        fieldPaths: [data.Voting__PublicUrl]
EOF
  if [ "$overlay" != dev ]; then
    cat <<EOF
  # The host is the first quoted string of each route's match: Host(\`...\`) && ...
  - source: {kind: ConfigMap, name: voting-site, fieldPath: data.host}
    targets:
      - select: {kind: IngressRoute, name: voting}
        fieldPaths: [spec.routes.*.match]
        options: {delimiter: '\`', index: 1}
EOF
  fi
  if [ "$overlay" = production-cloudnativepg ]; then
    cat <<EOF

patches:
  - target: {kind: ObjectStore, name: voting-backups}
    patch: |-
      - op: replace
        path: /spec/configuration/destinationPath
        value: $bucket
EOF
    if [ -n "$endpoint" ]; then
      cat <<EOF
      - op: add
        path: /spec/configuration/endpointURL
        value: $endpoint
EOF
    fi
  fi
} > "$dir/kustomization.yaml"

echo "new-site: wrote $dir (secrets in $dir/secrets, ignored by git)"
echo "new-site: next: kubectl apply -k $dir   (README.md, \"Install\")"

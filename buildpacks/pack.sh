#!/usr/bin/env bash
# buildpacks/pack.sh <name>: packs buildpacks/<name>/ into buildpacks/<name>.tgz, the archive the
# stack publishes (components/publicBuildpack.ts names the object after its SHA-256). The archive
# is committed: the bytes Heroku downloads are the bytes in git, and the same on every machine.
# Reproducible: names sorted, owner 0:0, mtime 0, modes as in git (755 for bin/*, 644 otherwise),
# and `gzip -n` (no name or time in the header). test/buildpack/redisTls.test.ts fails when the
# archive no longer matches the directory.
set -euo pipefail
name="${1:?usage: buildpacks/pack.sh <name>}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ -d "${here}/${name}" ]] || { echo "no buildpack directory ${here}/${name}" >&2; exit 2; }
tar --create --format=ustar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
  --mode='u+rwX,go+rX,go-w' --directory="${here}/${name}" . \
  | gzip -n -9 >"${here}/${name}.tgz"
echo "wrote buildpacks/${name}.tgz (sha256 $(sha256sum "${here}/${name}.tgz" | cut -c1-16)…)"

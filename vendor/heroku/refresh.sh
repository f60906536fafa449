#!/usr/bin/env bash
# Replaces vendor/heroku/platform-api-schema.json with heroku-go's v6/schema.json at a ref
# (default: main) and prints the values SOURCE.md records. Needs network access to GitHub.
set -euo pipefail
ref="${1:-main}"
here="$(cd "$(dirname "$0")" && pwd)"
target="$here/platform-api-schema.json"
commit="$(git ls-remote https://github.com/heroku/heroku-go "$ref" | awk 'NR==1 {print $1}')"
commit="${commit:-$ref}"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
curl -fsSL "https://raw.githubusercontent.com/heroku/heroku-go/$commit/v6/schema.json" -o "$tmp"
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$tmp"
mv "$tmp" "$target"
trap - EXIT
echo "commit   $commit"
echo "git blob $(git hash-object "$target")"
echo "SHA-256  $(sha256sum "$target" | cut -d' ' -f1)"
echo "size     $(wc -c <"$target" | tr -d ' ') bytes"
echo "Update vendor/heroku/SOURCE.md with these values, then run npm test."

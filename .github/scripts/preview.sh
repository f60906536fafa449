#!/usr/bin/env bash
# `pulumi preview` of one stack exactly as a pull request's preview runs it, from CI or a laptop:
#
#   bash .github/scripts/preview.sh <stack> [policy pack dir, default policy] [output file]
#
# - No --refresh: the preview compares the program with the state the last `up` recorded. Every
#   Heroku and GoDaddy provider's check and diff is local (test/delivery/previewWithoutCredentials
#   .test.ts), so no Heroku or GoDaddy credential is needed or given: they are unset here even if
#   the shell holds them. Comparing with the live services (drift) is `npm run drift -- <stack>`,
#   which refreshes, and runs daily from main (drift.yml).
# - The policy pack given (CI passes the base branch's copy); a mandatory violation fails it.
# - Needs: the Pulumi CLI, the state backend (PULUMI_BACKEND_URL, or a Pulumi Cloud login) and
#   read access to the stack's secrets, and Google credentials that can read its project.
set -euo pipefail

stack="${1:?usage: preview.sh <stack> [policy pack dir] [output file]}"
pack="${2:-policy}"
out="${3:-}"

unset HEROKU_API_KEY HEROKU_API_URL GODADDY_API_KEY GODADDY_API_SECRET GODADDY_API_URL

args=(preview --stack "$stack" --diff --non-interactive --policy-pack "$pack")
if [ -z "$out" ]; then
  exec pulumi "${args[@]}"
fi
set +e
pulumi "${args[@]}" 2>&1 | tee "$out"
status="${PIPESTATUS[0]}"
set -e
exit "$status"

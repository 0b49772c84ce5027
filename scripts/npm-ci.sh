#!/usr/bin/env bash
# npm-ci.sh DIR: installs DIR's npm packages from its package-lock.json (npm ci) unless
# node_modules is already up to date with it, through the ~/.npm cache (--prefer-offline: cached
# package metadata is used without asking the registry). A registry connection can stall without
# end (seen here: npm ci idle on open sockets for 17 minutes), so each attempt gets
# NPM_CI_TIMEOUT seconds (default 240) and there are three. Progress and errors go to stderr.
set -uo pipefail
dir=${1:?usage: npm-ci.sh DIR}
limit=${NPM_CI_TIMEOUT:-240}
cd "$dir" || exit 1
if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
  exit 0
fi
for attempt in 1 2 3; do
  if timeout --kill-after=10 "$limit" npm ci --no-audit --no-fund --loglevel=error --prefer-offline \
      --fetch-timeout=60000 --fetch-retries=3 >&2; then
    exit 0
  fi
  echo "npm-ci: attempt $attempt in $dir failed or ran past ${limit}s" >&2
  [ "$attempt" -lt 3 ] && sleep $((attempt * 5))
done
exit 1

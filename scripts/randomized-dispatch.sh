#!/usr/bin/env bash
# The randomized dispatcher test of issue 13 at any size: `make test` runs 200
# scenarios; `make chaos` runs this with 5000. Prints "randomized dispatcher:
# N scenarios, seed S"; a failure prints the seed to replay it with
# HOOKGATE_SEED=S (add HOOKGATE_SHRINK=1 for a smallest failing scenario).
#   scripts/randomized-dispatch.sh [SCENARIOS]
set -euo pipefail
cd "$(dirname "$0")/.."
export HOOKGATE_SCENARIOS="${1:-${HOOKGATE_SCENARIOS:-5000}}"
# scenarios side by side, each with its own gateway and file; most of a scenario is waiting
export HOOKGATE_PARALLEL="${HOOKGATE_PARALLEL:-16}"
exec node_modules/.bin/bun test test/dispatch/randomized.test.ts

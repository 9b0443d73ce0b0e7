#!/usr/bin/env bash
# Runs the whole suite and ends with the plain "N passed, N failed" line that
# CI tooling reads (bun test prints its own summary in another form).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test/artifacts
# the viewer's browser tests drive Debian's chromium; a fresh machine gets it here
if [ ! -x /usr/bin/chromium ]; then
	echo "installing chromium for the browser tests (apt-get)"
	if [ "$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium; else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi
fi
log=test/artifacts/test-output.log
node_modules/.bin/bun test --timeout 60000 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
pass=$(grep -Eo '^ *[0-9]+ pass$' "$log" | tail -1 | grep -Eo '[0-9]+')
fail=$(grep -Eo '^ *[0-9]+ fail$' "$log" | tail -1 | grep -Eo '[0-9]+')
echo "${pass:-0} passed, ${fail:-0} failed"
if [ "${pass:-0}" = "0" ]; then echo "no test ran" >&2; exit 1; fi
exit "$status"

#!/bin/sh
# `npm test` N times in a row (default 5) while the soak runs beside it in a
# loop, the way issue 16 asks the suite to hold on a loaded machine. Stops at
# the first failing run; no test is retried. Prints one line per run.
set -u
runs=${1:-5}
cd "$(dirname "$0")/.."
npm run build >/dev/null
(
  while :; do npm run soak --silent -- --max-seconds 120 >/dev/null 2>&1; done
) &
soak=$!
# The soak's own tierd (config under a tierd-soak-* directory) goes too: killing
# the soak runner alone left it serving.
trap 'kill $soak 2>/dev/null; pkill -f "scripts/soak.ts" 2>/dev/null; pkill -f "tierd-soak-" 2>/dev/null' EXIT
status=0
i=1
while [ "$i" -le "$runs" ]; do
  start=$(date +%s)
  if npx vitest run >"/tmp/loaded-run-$i.log" 2>&1; then
    echo "run $i: passed in $(( $(date +%s) - start )) s ($(grep -o '[0-9]* passed' "/tmp/loaded-run-$i.log" | tail -1))"
  else
    echo "run $i: FAILED after $(( $(date +%s) - start )) s, log in /tmp/loaded-run-$i.log"
    status=1
    break
  fi
  i=$((i + 1))
done
exit $status

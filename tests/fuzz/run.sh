#!/usr/bin/env bash
# make fuzz: runs each libFuzzer target of the fuzz preset for SECONDS on its committed corpus
# (tests/fuzz/corpus/<target>, read only) plus its working corpus (build/fuzz/corpus/<target>,
# where new inputs go). Crashes land in build/fuzz/artifacts/. Prints executions per target;
# exits 1 when any target found something.
#   tests/fuzz/run.sh SECONDS [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
seconds=${1:-60}
shift || true
bin=build/fuzz/tests/fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/*_fuzz.cc; do targets+=("$(basename "$f" .cc)"); done
fi
mkdir -p build/fuzz/artifacts build/fuzz/logs
failed=0
summary=()
for t in "${targets[@]}"; do
  mkdir -p "build/fuzz/corpus/$t"
  log="build/fuzz/logs/$t.log"
  echo "fuzz: $t for ${seconds} s"
  "$bin/$t" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="build/fuzz/artifacts/$t-" "build/fuzz/corpus/$t" "tests/fuzz/corpus/$t" \
    >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
  if [ $rc -ne 0 ]; then
    failed=1
    summary+=("$t: FOUND SOMETHING (exit $rc) after ${runs:-?} executions; see $log")
    grep -m 5 -E 'ERROR|SUMMARY|Test unit written' "$log" | sed 's/^/    /'
  else
    summary+=("$t: ${runs:-?} executions, no finding")
  fi
done
printf '%s\n' "${summary[@]}"
exit $failed

#!/usr/bin/env bash
# Runs shellcheck on every shell script the project ships (docker/, scripts/, bench/, tests/).
set -euo pipefail
cd "$(dirname "$0")/../.."
mapfile -t scripts < <(git ls-files '*.sh' 2>/dev/null || find . -name '*.sh' -not -path './build/*' -not -path '*/node_modules/*')
[ ${#scripts[@]} -gt 0 ] || { echo "scripts: no shell scripts found" >&2; exit 1; }
shellcheck --severity=warning "${scripts[@]}"
echo "scripts: shellcheck passed on ${#scripts[@]} scripts"

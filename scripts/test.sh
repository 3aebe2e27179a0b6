#!/usr/bin/env bash
# `make test`: toolchain, dependencies, then every check. Ends with one line
# `N passed, N failed` (jest and Playwright tests, plus tsc and lint as one
# check each) and exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/bootstrap.sh || exit 1
. scripts/env.sh
yarn install --immutable || { echo "0 passed, 1 failed"; exit 1; }
scripts/ensure-chromium.sh || { echo "0 passed, 1 failed"; exit 1; }

results=test-results
rm -rf "$results"
mkdir -p "$results"
passed=0
failed=0

check() { # name, command...: a check that counts as one
  local name=$1
  shift
  echo "== $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "!! $name failed"
    failed=$((failed + 1))
  fi
}

count_json() { # file, node expression giving "passed failed"
  local file=$1 expr=$2
  if [ -s "$file" ]; then
    node -e "const r=require(require('path').resolve('$file')); const [p,f]=($expr); console.log(p+' '+f)"
  else
    echo "0 1"
  fi
}

check "type-check (tsc)" yarn tsc
# API reports of every plugin package (report*.api.md) must match the code: run
# `yarn build:api-reports` and commit the reports after changing a public API.
check "API reports (backstage-repo-tools)" yarn test:api-reports
check "lint" yarn backstage-cli repo lint

echo "== jest (backstage-cli repo test)"
yarn backstage-cli repo test --watchAll=false --json --outputFile="$results/jest.json"
jest_status=$?
read -r p f < <(count_json "$results/jest.json" '[r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites]')
passed=$((passed + p))
failed=$((failed + f))
if [ "$jest_status" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
# Skipped tests name their missing prerequisite in their title ("[skipped: …]").
skipped_list=$(node -e "
  const fs = require('fs');
  const file = '$results/jest.json';
  if (!fs.existsSync(file)) process.exit(0);
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const s of r.testResults)
    for (const a of s.assertionResults)
      if (a.status === 'pending' || a.status === 'skipped' || a.status === 'todo')
        console.log('  - ' + a.fullName + '  (' + require('path').relative(process.cwd(), s.name) + ')');
")
skipped=0
[ -n "$skipped_list" ] && skipped=$(printf '%s\n' "$skipped_list" | wc -l)

echo "== end-to-end (Playwright, Chromium)"
yarn playwright test
e2e_status=$?
read -r p f < <(count_json "$results/e2e.json" '[r.stats.expected, r.stats.unexpected + r.stats.flaky]')
passed=$((passed + p))
failed=$((failed + f))
if [ "$e2e_status" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi

read -r ep _ < <(count_json "$results/e2e.json" '[r.stats.skipped, 0]')
skipped=$((skipped + ep))
if [ "$skipped" -gt 0 ]; then
  echo "== skipped tests, with the reason in their titles"
  [ -n "$skipped_list" ] && printf '%s\n' "$skipped_list"
  [ "$ep" -gt 0 ] && echo "  - $ep Playwright test(s): see $results/e2e.json"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

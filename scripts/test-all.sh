#!/usr/bin/env bash
# Every test of the project: types, unit + kernel tests (Vitest, Dawn/SwiftShader), Python
# (pytest), and browser tests (Playwright in Debian's Chromium with WebGPU). Prints how long each
# part took. The long runs (32-cloud parity, kernel and load benchmarks) are `npm run bench:*`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh
[ -d node_modules ] || npm ci

# Dawn in Node finds Chromium's SwiftShader Vulkan driver through these.
export LD_LIBRARY_PATH=/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}

timings=()
step() {
  local name=$1
  shift
  echo "== $name"
  local start=$SECONDS
  "$@"
  timings+=("$name: $((SECONDS - start)) s")
}

step typecheck npx tsc --noEmit
step 'unit (vitest)' npx vitest run
step 'python (pytest)' bash scripts/test-python.sh
step build npx vite build --logLevel warn
step 'browser (playwright)' npx playwright test
printf '== durations (load average at the end: %s)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '   %s\n' "${timings[@]}"

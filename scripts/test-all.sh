#!/usr/bin/env bash
# Every test of the project: types, unit + kernel tests (Vitest, Dawn/SwiftShader), Python
# (pytest), and browser tests (Playwright in Debian's Chromium with WebGPU).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh
[ -d node_modules ] || npm ci

# Dawn in Node finds Chromium's SwiftShader Vulkan driver through these.
export LD_LIBRARY_PATH=/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}

echo "== typecheck"; npx tsc --noEmit
echo "== unit (vitest)"; npx vitest run
echo "== python (pytest)"; bash scripts/test-python.sh
echo "== browser (playwright)"; npx vite build --logLevel warn && npx playwright test

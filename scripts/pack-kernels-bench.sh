#!/usr/bin/env bash
# Packs `npm run bench:kernels -- --no-browser` for a lent GPU machine that has no Node and no
# node_modules (docs/geometry.md, "On a real GPU"): .kb/ holds the script bundled into one file
# (only the webgpu package stays outside it), the webgpu package for linux-x64 and this machine's
# Node compressed; .gl/ the Vulkan loader and GL dispatch packages the NVIDIA driver's ICD needs.
# About 45 MiB with both; move the tracked models and checkpoints aside for the call so the tree fits.
set -euo pipefail
cd "$(dirname "$0")/.."
node --input-type=module -e "
import { build } from 'vite';
await build({ configFile: false, publicDir: false, logLevel: 'warn',
  build: { ssr: 'scripts/bench-kernels.ts', outDir: '.kb', emptyOutDir: true, target: 'node20',
    rollupOptions: { external: ['webgpu', 'playwright', 'vite', /^@playwright/, /^node:/] } },
  ssr: { noExternal: true } });
"
mkdir -p .kb/node_modules/webgpu/dist/linux-x64
cp node_modules/webgpu/index.js node_modules/webgpu/package.json .kb/node_modules/webgpu/
cp node_modules/webgpu/dist/linux-x64/dawn.node .kb/node_modules/webgpu/dist/linux-x64/
xz -T2 -6 -c "$(command -v node)" > .kb/node.xz
mkdir -p .gl /tmp/amd64/partial
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
apt-get $o update > /dev/null
(cd .gl && apt-get $o download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2)
du -sh .kb .gl

#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing (root: apt-get; otherwise
# prints the command to run). Safe to run again: it installs nothing that is already there.
set -euo pipefail

packages=(
  chromium                  # Playwright drives Debian's Chromium (SwiftShader WebGPU)
  python3-torch             # training package and its tests (Debian's torch, CPU)
  python3-numpy
  python3-pytest
  python3-onnx              # ONNX checker and external-data split in the export
  libopenblas0-pthread      # without it torch's matrix products run ~20x slower
  assimp-testmodels         # real PLY/OBJ/STL/OFF files for the loader tests
  glmark2-data              # bunny.obj
  libcgal-demo              # .off meshes, .ply and .xyz point sets
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "system-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: not root; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing (root: apt-get; otherwise
# prints the command to run). Safe to run again: it installs nothing that is already there.
# The loader tests generate their own files (tests/io/fixtures), so no example-data package is
# needed. When another apt process holds the lock (an unattended upgrade, another job), apt waits
# for it (up to 10 minutes) instead of failing.
set -euo pipefail

packages=(
  chromium                  # Playwright drives Debian's Chromium (SwiftShader WebGPU)
  python3-torch             # training package and its tests (Debian's torch, CPU)
  python3-numpy
  python3-pytest
  python3-onnx              # ONNX checker and external-data split in the export
  libopenblas0-pthread      # without it torch's matrix products run ~20x slower
  7zip                      # tests/io/archiveFormats.test.ts packs its .7z files with 7zz
  python3-h5py              # tests/io/hdf5Write.py writes the HDF5 files tests/io/hdf5.test.ts reads
  xz-utils                  # tests/io/compressed.test.ts compresses its files with xz, bzip2 and zstd
  bzip2
  zstd
  python3-meshio            # tests/io/meshioWrite.py writes the VTK, Gmsh and Abaqus test files; training reads them with it
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "system-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: not root; run: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
wait_lock=(-o DPkg::Lock::Timeout=600)
# apt 2.6 applies the timeout to dpkg's lock only; `update` takes the package lists' lock and
# fails at once when it is held, so it is retried while that lock is what stops it.
for attempt in $(seq 1 120); do
  if log=$(apt-get "${wait_lock[@]}" update -qq 2>&1); then break; fi
  if ! grep -q 'Could not get lock' <<<"$log" || [ "$attempt" -eq 120 ]; then echo "$log" >&2; exit 1; fi
  [ "$attempt" -eq 1 ] && echo 'system-deps: waiting for another apt process to release its lock'
  sleep 5
done
apt-get "${wait_lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Installs what MixupLab needs on Debian/Ubuntu if it is missing: OpenBLAS (CBLAS) + LAPACKE,
# FFTW (single precision, for spectrograms), zlib (gzip'd IDX, spectrogram cache checksums) and
# pkg-config (SwiftPM finds the libraries through it). Idempotent: does nothing when everything is
# there. Further Debian packages may be named as arguments (scripts/test.sh adds python3-venv).
set -euo pipefail
packages=(libopenblas-dev liblapacke-dev libfftw3-dev zlib1g-dev pkg-config "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null; then
    echo "MixupLab needs: ${missing[*]} (Debian package names); install them with your package manager." >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing ${missing[*]} …" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null; then
  echo "Swift 6.1 or newer is required (https://www.swift.org/install/linux/)." >&2
  exit 1
fi

#!/usr/bin/env bash
# Installs what firmsim needs from Debian (run as root, or with sudo on PATH).
# The CUDA backend additionally needs the CUDA toolkit (nvcc) in /usr/local/cuda.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libthrust-dev libcub-dev          # Thrust for the CPU (OpenMP) backend
  libeigen3-dev libboost-math-dev   # estimators
  libyaml-cpp-dev libcli11-dev libreadstat-dev
  zlib1g-dev                        # CRC-32 of the panel files (panel_manifest.yaml)
  libgtest-dev
  libpagmo-dev libnlopt-cxx-dev      # calibration: particle swarm (pagmo), BOBYQA (NLopt)
  libimgui-dev libglfw3-dev libgl-dev libstb-dev   # viewer
  xvfb xauth libgl1-mesa-dri        # viewer tests and headless screenshots
  python3-statsmodels               # regenerates the estimators' reference results
  libopenmpi-dev openmpi-bin        # MPI: work over processes and machines (parallel/), its tests
)

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
missing=()
for p in "${packages[@]}"; do
  [ -n "$p" ] || continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "firmsim: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" > /dev/null
fi

#!/usr/bin/env bash
# Runs every test: the portable tests, the simulated board, the host link end to end, the portability guard, and the
# checks of board rev B's circuit (built here from hardware/board with npm).
# The end-to-end checks use real clients from Debian (PyVISA with pyvisa-py, pyserial, numpy, sox, socat, PulseAudio, headless Chromium); they are
# installed here when missing and apt-get can run (root or sudo). Without them those checks are skipped, except under CI.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is needed (dotnet on PATH)" >&2
  exit 1
fi

if { ! /usr/bin/python3 -c 'import pyvisa, pyvisa_py, serial, numpy' >/dev/null 2>&1 || ! command -v sox >/dev/null 2>&1 || ! command -v socat >/dev/null 2>&1 || ! command -v pulseaudio >/dev/null 2>&1 || ! command -v parec >/dev/null 2>&1 || ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; } && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo -n"; fi
  echo "installing the real clients for the end-to-end checks (python3-pyvisa-py python3-serial python3-numpy sox socat pulseaudio pulseaudio-utils chromium chromium-driver)"
  if ! { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pyvisa-py python3-serial python3-numpy sox socat pulseaudio pulseaudio-utils chromium chromium-driver >/dev/null; }; then
    echo "test.sh: could not install them; the PyVISA/pyserial/numpy/sox/PulseAudio/Chromium checks will be skipped (or fail under CI)" >&2
  fi
fi

# Board rev B as code (hardware/board): npm ci when needed, then the tscircuit build BoardCircuitTests reads. A failed
# build leaves no circuit.json, and those tests then fail (under CI) or skip (elsewhere) saying so.
if command -v npm >/dev/null 2>&1; then
  hardware/board/build.sh || echo "test.sh: hardware/board/build.sh failed; BoardCircuitTests will fail under CI" >&2
else
  echo "test.sh: npm not found (Node 20 + npm build hardware/board); BoardCircuitTests will skip, or fail under CI" >&2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Two passes: first every test that runs in virtual time (processor-bound, side by side on the cores), then the checks
# that run on the wall clock (real clients against real-time simulators, a real browser; trait Category=RealTime), side
# by side and longest first: they mostly wait on real-time links, and keep their timing when nothing heavy runs beside them.
status=0
dotnet test PreampFirmware.sln --filter "Category!=RealTime" "$@" || status=1
dotnet test tests/Preamp.Tests/Preamp.Tests.csproj --no-build --filter "Category=RealTime" "$@" -- xUnit.MaxParallelThreads=4 || status=1
exit $status

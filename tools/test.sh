#!/usr/bin/env bash
# The test command (README, "Run the tests"; .ci/run runs exactly this):
#   1. installs the pinned Node tools (Azurite, apache-arrow, fzstd) from tools/node/package-lock.json,
#   2. starts Azurite in memory on 127.0.0.1:10000-10002 (or uses one already listening there), installs Debian's
#      Chromium when absent (apt-get, as root or with sudo) for the statement pages' browser tests, and starts a private
#      single-node Slurm (tools/slurm/local-slurm.sh, which installs Debian's Slurm and munge the same way) for the
#      Slurm collector's live test; where apt-get cannot install it, that test is skipped and says so,
#   3. checks the C# formatting (CSharpier) and line length, builds the solution in Release (warnings are errors) and
#      runs every test project,
#   4. stops the Azurite and the Slurm it started, whatever happened.
# Needs only the .NET SDK, Node.js and npm (and apt-get for Chromium, on Debian).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
export AZURITE_IN_MEMORY=1
AZURITE_LOCATION="$(mktemp -d "${TMPDIR:-/tmp}/metrics-azurite.XXXXXX")"
export AZURITE_LOCATION

cleanup() {
  tools/azurite/azurite.sh stop || true
  tools/slurm/local-slurm.sh stop "$AZURITE_LOCATION/slurm" >/dev/null 2>&1 || true
  rm -rf "$AZURITE_LOCATION"
}
trap cleanup EXIT
# A stopped run (Ctrl-C, kill) cleans up too: the signal becomes an exit, which runs the EXIT trap.
trap 'exit 130' INT TERM

tools/azurite/azurite.sh start

# The statement pages are tested in a real browser: Debian's Chromium, installed here when absent (PuppeteerSharp's own
# download cannot work offline). METRICS_CHROMIUM may point at another Chrome or Chromium instead.
if [[ -z "${METRICS_CHROMIUM:-}" ]] && ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo -n"
  echo "installing chromium (apt-get) for the statement pages' browser tests"
  $sudo apt-get update -qq >/dev/null && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
export METRICS_CHROMIUM="${METRICS_CHROMIUM:-$(command -v chromium)}"

# The Slurm collector is tested against a real Slurm (Debian's slurmctld, slurmd and munge), private to this run.
if tools/slurm/local-slurm.sh start "$AZURITE_LOCATION/slurm" >"$AZURITE_LOCATION/slurm.log" 2>&1; then
  export METRICS_SLURM_DIR="$AZURITE_LOCATION/slurm"
  echo "slurm: started a single-node Slurm for the collector's live test ($(slurmctld -V 2>/dev/null))"
else
  echo "slurm: could not install or start Slurm; the live Slurm test is skipped: $(tail -n 1 "$AZURITE_LOCATION/slurm.log")"
fi

# Formatting is CSharpier's (.config/dotnet-tools.json), at the style guide's 140 characters (.editorconfig); it cannot
# wrap comments and string literals, so the line length is checked as well. Fix with: dotnet csharpier format .
dotnet tool restore >/dev/null
dotnet csharpier check .
long_lines="$(git ls-files '*.cs' | xargs awk 'length > 140 { print FILENAME ":" FNR ": " length " characters" }')"
if [[ -n "$long_lines" ]]; then
  echo "lines over 140 characters (.editorconfig max_line_length):" >&2
  echo "$long_lines" >&2
  exit 1
fi

dotnet build Metrics.sln -c Release
log="$AZURITE_LOCATION/test.log"
# The fuzz suite (tests/Metrics.Core.Tests/Fuzz) writes its run count and seed here; METRICS_FUZZ_SEED=N (printed by
# a failure) reproduces a run, METRICS_FUZZ_SEED=random varies it; the default seed is fixed.
export METRICS_FUZZ_REPORT="$AZURITE_LOCATION/fuzz.txt"
set +e
dotnet test Metrics.sln -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
cat "$METRICS_FUZZ_REPORT" 2>/dev/null || echo "fuzz: no report (the fuzz suite did not run)"

# One closing line over all test projects, in the plain "N passed, N failed" form.
awk '/(Passed|Failed)! +- +Failed:/ {
       gsub(",", "");
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") failed += $(i + 1);
         if ($i == "Passed:") passed += $(i + 1);
         if ($i == "Skipped:") skipped += $(i + 1);
       }
       projects++
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped;
           if (projects == 0) exit 1 }' "$log" || { echo "tests: no test project reported results" >&2; exit 1; }
exit "$status"

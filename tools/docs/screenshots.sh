#!/usr/bin/env bash
# Regenerates the README's screenshots of the statement pages (docs/statement-institution.png and
# docs/statement-overview.png): runs the demo (its own Azurite, in .azurite-demo), which writes both pages of its closed
# month, then renders each page in headless Chromium at a fixed size. Chromium: Debian's (apt-get install chromium),
# or METRICS_CHROMIUM. Run from anywhere; rewrites the two PNGs in place.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
chromium="${METRICS_CHROMIUM:-$(command -v chromium || true)}"
[[ -x "$chromium" ]] || { echo "screenshots: no Chromium (apt-get install chromium, or set METRICS_CHROMIUM)" >&2; exit 1; }

out="$(dotnet run --project tools/Metrics.Cli -c Release -- demo)"
overview="$(sed -n "s/^pages: the centre's overview of [0-9-]*: //p" <<<"$out")"
statement="$(sed -n 's/^pages: the statement of .* for [0-9-]*: //p' <<<"$out")"
[[ -f "$overview" && -f "$statement" ]] || { echo "screenshots: the demo printed no page paths" >&2; echo "$out" | tail -5 >&2; exit 1; }

shoot() {
  "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,2900 \
    --screenshot="$repo/$2" "file://$1" 2>/dev/null
  echo "screenshots: $2 from $1"
}
shoot "$statement" docs/statement-institution.png
shoot "$overview" docs/statement-overview.png

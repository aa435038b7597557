#!/usr/bin/env bash
# Soak: ten sources on a 3-second cron against a fault-injecting loopback server (503, 429, slow answers,
# dropped connections, cut-off bodies) that revises its data every 4 s, while the service is killed (kill -9)
# or stopped (SIGTERM) and restarted every 5-12 s. Then calm, and the invariants are checked: each source's
# current figures equal the server's last ones, vintages of every key are exactly 1..n and each a change,
# every stored value is one the server published, and nothing was rejected. Prints the numbers.
#
#   tests/soak/soak.sh [seconds of faults, default 180] [seed]
#
# Needs nothing running: like the test suite, it starts a private PostgreSQL cluster.
set -euo pipefail
cd "$(dirname "$0")/../.."

export WUZHONG_SOAK_SECONDS="${1:-180}"
if [ -n "${2:-}" ]; then
  export WUZHONG_SOAK_SEED="$2"
fi

dotnet build tests/WuzhongCollector.Service.Tests --nologo -v q
dotnet test tests/WuzhongCollector.Service.Tests --no-build --nologo \
  --filter "FullyQualifiedName~Reliability.Soak.SoakTests" \
  --logger "console;verbosity=detailed" 2>&1 \
  | grep -v -E '^\s+(info|warn|fail|dbug):|^\s{6}' 

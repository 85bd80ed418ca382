#!/bin/sh
# Install what building and testing survey needs, from Debian's packages (run as root).
# Skips apt entirely when everything is already there.
set -eu
PG_MAJOR=${PG_MAJOR:-15}
PKGS="make gcc libc6-dev libreadstat-dev postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR postgresql-common r-mathlib python3 python3-psycopg2"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
fi

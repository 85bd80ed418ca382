# Local Citus cluster helpers, sourced by test/citus/run.sh and bench/citus.sh.
#
# Input (environment):
#   PG_CONFIG        pg_config of the PostgreSQL 15 install to use (default: pg_config)
#   CITUS_SRC        a Citus source tree, built and installed into that PostgreSQL when
#                    Citus is not installed there yet (test/citus/build-citus.sh)
#   CITUS_PORTS      coordinator and two workers (default "55410 55411 55412")
#   CITUS_DATA       directory for the three data directories (default: a new /tmp directory)
# Sets: PGBIN, COORD (port of the coordinator), WORKERS (ports), citus_psql PORT [psql args],
#       survey_build_install SRC

PG_CONFIG=${PG_CONFIG:-pg_config}
CITUS_PORTS=${CITUS_PORTS:-"55410 55411 55412"}
read -r COORD W1 W2 <<<"$CITUS_PORTS"
WORKERS="$W1 $W2"

# Prints why Citus cannot be used, or nothing; builds it from CITUS_SRC when needed.
citus_unavailable() {
    command -v "$PG_CONFIG" >/dev/null 2>&1 || { echo "no pg_config ($PG_CONFIG)"; return; }
    PGBIN=$("$PG_CONFIG" --bindir)
    local major
    major=$("$PG_CONFIG" --version | sed -n 's/^PostgreSQL \([0-9]*\).*/\1/p')
    [[ "$major" == 15 || "$major" == 16 || "$major" == 17 ]] ||
        { echo "Citus 13.2 needs PostgreSQL 15-17, $PG_CONFIG is $major"; return; }
    if [[ ! -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ]]; then
        if [[ -n "${CITUS_SRC:-}" && -d "$CITUS_SRC" ]]; then
            "$(dirname "${BASH_SOURCE[0]}")/build-citus.sh" "$CITUS_SRC" >"${CITUS_DATA:-/tmp}/citus-build.log" 2>&1 ||
                { echo "building Citus from $CITUS_SRC failed (see ${CITUS_DATA:-/tmp}/citus-build.log)"; return; }
        else
            echo "Citus is not installed in $("$PG_CONFIG" --pkglibdir) and CITUS_SRC is not set"; return
        fi
    fi
}

# Builds the extension in the source tree $1 and installs it into PG_CONFIG's PostgreSQL, quietly.
survey_build_install() {
    make -s -C "$1" PG_CONFIG="$PG_CONFIG" >/dev/null 2>&1 &&
        make -s -C "$1" PG_CONFIG="$PG_CONFIG" install >/dev/null 2>&1
}

# Run a command as the postgres user when we are root (initdb refuses root).
as_pg() {
    if [[ $(id -u) == 0 ]]; then su postgres -c "$(printf '%q ' "$@")"; else "$@"; fi
}

citus_psql() {
    local port=$1; shift
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$CITUS_DATA" -p "$port" -U postgres -d postgres "$@"
}

citus_start() {
    CITUS_DATA=${CITUS_DATA:-$(mktemp -d /tmp/survey-citus.XXXXXX)}
    mkdir -p "$CITUS_DATA"
    [[ $(id -u) == 0 ]] && chown postgres "$CITUS_DATA"
    for port in $CITUS_PORTS; do
        local d=$CITUS_DATA/n$port
        if [[ ! -f $d/PG_VERSION ]]; then
            as_pg "$PGBIN/initdb" -D "$d" -A trust -U postgres >/dev/null
            cat >>"$d/postgresql.conf" <<EOF
port = $port
listen_addresses = 'localhost'
unix_socket_directories = '$CITUS_DATA'
shared_preload_libraries = 'citus'
citus.node_conninfo = 'sslmode=disable'
max_worker_processes = 16
max_connections = 100
shared_buffers = ${CITUS_SHARED_BUFFERS:-256MB}
work_mem = 64MB
EOF
        fi
        as_pg "$PGBIN/pg_ctl" -D "$d" -l "$d/log" -w status >/dev/null 2>&1 ||
            as_pg "$PGBIN/pg_ctl" -D "$d" -l "$d/log" -w start >/dev/null
    done
    for port in $CITUS_PORTS; do
        citus_psql "$port" -c "CREATE EXTENSION IF NOT EXISTS citus" >/dev/null
    done
    citus_psql "$COORD" >/dev/null <<EOF
SELECT citus_set_coordinator_host('localhost', $COORD);
SELECT citus_add_node('localhost', $W1);
SELECT citus_add_node('localhost', $W2);
EOF
}

citus_stop() {
    for port in $CITUS_PORTS; do
        as_pg "$PGBIN/pg_ctl" -D "$CITUS_DATA/n$port" -m fast -w stop >/dev/null 2>&1 || true
    done
}

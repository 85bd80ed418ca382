#!/bin/sh
# Sanitizer run of the PostgreSQL layer: builds the extension with
# -fsanitize=address,undefined into a private copy of the PostgreSQL 15
# install (or the throwaway install given by SANITIZE_PG_CONFIG), starts a
# throwaway server with Debian's libasan preloaded, runs the whole pg_regress
# suite against it and greps the server log for sanitizer reports.
# Zero reports and a passing suite = pass.  Needs gcc's libasan/libubsan
# (Debian: libgcc-12-dev) and a PostgreSQL 15 server with its headers.
#     test/sanitize/run.sh            (SANITIZE_PORT, default 55499; KEEP=1 keeps the work dir)
# Never installs into the machine-wide PostgreSQL.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
port=${SANITIZE_PORT:-55499}
work=$(mktemp -d /tmp/survey_sanitize.XXXXXX)
start=$(date +%s)
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sh -c "$*"; fi; }

if [ -n "${SANITIZE_PG_CONFIG:-}" ]; then
    pgc=$SANITIZE_PG_CONFIG
else
    # a private copy of the install, so that the sanitized library never
    # replaces the one other servers load
    mkdir -p "$work/usr/lib" "$work/usr/share" "$work/usr/include"
    cp -a /usr/lib/postgresql "$work/usr/lib/"
    cp -a /usr/share/postgresql "$work/usr/share/"
    cp -a /usr/include/postgresql "$work/usr/include/"
    pgc=$work/usr/lib/postgresql/15/bin/pg_config
fi
bin=$($pgc --bindir)
asan=$(gcc -print-file-name=libasan.so)
[ -f "$asan" ] || { echo "libasan not found (install libgcc-12-dev)"; exit 1; }
asan=$(readlink -f "$asan")
# gettext stand-ins (see nonls.c), preloaded after libasan
gcc -shared -fPIC -O2 -o "$work/nonls.so" "$top/test/sanitize/nonls.c"

# build from a copy of the source tree (the worktree's objects stay as they are)
mkdir -p "$work/src"
(cd "$top" && tar cf - --exclude=./results --exclude='*.o' --exclude='*.bc' --exclude='*.so' \
     --exclude='./survey--*.sql' --exclude=.git --exclude=./regression.diffs --exclude=./regression.out .) | (cd "$work/src" && tar xf -)
flags="-fsanitize=address,undefined -fno-omit-frame-pointer"
make -s -C "$work/src" PG_CONFIG="$pgc" COPT="$flags" >"$work/build.log" 2>&1 || {
    tail -30 "$work/build.log"; echo "sanitizer build FAILED"; exit 1; }
make -s -C "$work/src" PG_CONFIG="$pgc" COPT="$flags" install >>"$work/build.log" 2>&1

# a throwaway server with the sanitizer runtime preloaded
mkdir -p "$work/data" "$work/sock"
[ "$(id -u)" = 0 ] && chown -R postgres "$work"
as_pg "$bin/initdb -D $work/data -A trust -U postgres >/dev/null"
cat >>"$work/data/postgresql.conf" <<CONF
port = $port
listen_addresses = ''
unix_socket_directories = '$work/sock'
max_worker_processes = 8
CONF
as_pg "env LD_PRELOAD='$asan $work/nonls.so' ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0:abort_on_error=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=0 \
    $bin/pg_ctl -D $work/data -l $work/server.log -w -t 120 start >/dev/null"
stop() {
    as_pg "$bin/pg_ctl -D $work/data -m fast -w stop >/dev/null" || true
    [ -n "${KEEP:-}" ] && echo "work dir kept: $work" || rm -rf "$work"
}
trap stop EXIT

suite=ok
make -s -C "$work/src" PG_CONFIG="$pgc" PGHOST="$work/sock" PGPORT="$port" PGUSER=postgres \
    installcheck >"$work/regress.log" 2>&1 || suite=FAILED
grep -E '^(not )?ok|^test |FAILED|failed' "$work/regress.log" | tail -20 || true
[ "$suite" = ok ] || cat "$work/src/regression.diffs" 2>/dev/null | head -60

reports=$(grep -cE 'ERROR: AddressSanitizer|runtime error:|SUMMARY: (Address|Undefined)' "$work/server.log" || true)
crashes=$(grep -cE 'was terminated by signal|server process .* exited with exit code [1-9]' "$work/server.log" || true)
if [ "$reports" -gt 0 ] || [ "$crashes" -gt 0 ]; then
    # the reports and their stacks, without the server's own log lines
    grep -E 'AddressSanitizer|runtime error:|^ +#[0-9]+ |^SUMMARY|terminated by signal' "$work/server.log" | head -150
fi
echo "sanitizer reports: $reports, backend crashes: $crashes, pg_regress: $suite, $(($(date +%s) - start)) s"
[ "$reports" -eq 0 ] && [ "$crashes" -eq 0 ] && [ "$suite" = ok ]

# Start a throwaway PostgreSQL server on 127.0.0.1 for the ledger's integration tests.
#
# Usage (from .ci/run, as root or as an ordinary user):   source .ci/postgres.sh
# Exports PARLEY_TEST_POSTGRES_URL=postgresql+psycopg://parley@127.0.0.1:PORT/parley and registers
# an EXIT trap that stops the server and deletes its data directory. Installs the Debian
# `postgresql` package first when `initdb` cannot be found and we are root (CI on a fresh machine).
# The cluster trusts loopback connections: it holds test data only and lives for one CI run.
# Sourced, so it must not `set -e` or `exit` in the caller's shell: failures `return 1`.

_parley_pg_bindir() {
    local candidate
    for candidate in "${PG_BINDIR:-}" /usr/lib/postgresql/*/bin; do
        if [ -n "$candidate" ] && [ -x "$candidate/initdb" ]; then
            echo "$candidate"
            return 0
        fi
    done
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return 0
    fi
    return 1
}

_parley_pg_start() {
    local bindir port datadir runas
    if ! bindir=$(_parley_pg_bindir); then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "postgres.sh: installing PostgreSQL from Debian packages" >&2
            DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null ||
                { echo "postgres.sh: apt-get install postgresql failed" >&2; return 1; }
            bindir=$(_parley_pg_bindir) || { echo "postgres.sh: no initdb after install" >&2; return 1; }
        else
            echo "postgres.sh: no PostgreSQL binaries and not root: cannot install them" >&2
            return 1
        fi
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    datadir=$(mktemp -d /tmp/parley-pg.XXXXXX)
    runas=()
    if [ "$(id -u)" = 0 ]; then  # initdb and postgres refuse to run as root
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$datadir"
        runas=(runuser -u postgres --)
    fi
    "${runas[@]}" "$bindir/initdb" -D "$datadir/data" -U parley --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$datadir/initdb.log" 2>&1 ||
        { cat "$datadir/initdb.log" >&2; return 1; }
    "${runas[@]}" "$bindir/pg_ctl" -D "$datadir/data" -l "$datadir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $datadir -c fsync=off -c max_connections=50" start >/dev/null ||
        { cat "$datadir/server.log" >&2; return 1; }
    "${runas[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U parley parley ||
        { echo "postgres.sh: createdb failed" >&2; return 1; }
    export PARLEY_TEST_POSTGRES_URL="postgresql+psycopg://parley@127.0.0.1:$port/parley"
    PARLEY_PG_STOP="${runas[*]} $bindir/pg_ctl -D $datadir/data -m immediate stop; rm -rf $datadir"
    # shellcheck disable=SC2064
    trap "$PARLEY_PG_STOP >/dev/null 2>&1" EXIT
    echo "postgres.sh: PostgreSQL ($bindir) on 127.0.0.1:$port, PARLEY_TEST_POSTGRES_URL exported" >&2
}

_parley_pg_start

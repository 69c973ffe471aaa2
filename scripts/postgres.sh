# Sourced by scripts/test and bench scripts: makes sure a PostgreSQL server answers on
# 127.0.0.1:5432 and exports PACTUM_TEST_POSTGRES_URL for it. Starts the local cluster when
# it is stopped, installs PostgreSQL from Debian's packages when it is missing.

pg_url_default="postgres://postgres@127.0.0.1:5432/postgres"
pg_url_password="postgres://postgres:pactum-test@127.0.0.1:5432/postgres"

pg_answers() {
    psql "$1" -tAc 'SELECT 1' >/dev/null 2>&1
}

ensure_postgres() {
    if [ -n "${PACTUM_TEST_POSTGRES_URL:-}" ] && pg_answers "$PACTUM_TEST_POSTGRES_URL"; then
        return 0
    fi
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        echo "PostgreSQL is not installed; installing it from Debian's packages." >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq postgresql postgresql-client >/dev/null
    fi
    if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
        version=$(ls /etc/postgresql | sort -V | tail -n1)
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
        for _ in $(seq 1 50); do
            pg_isready -q -h 127.0.0.1 -p 5432 && break
            sleep 0.2
        done
    fi
    if pg_answers "$pg_url_default"; then
        export PACTUM_TEST_POSTGRES_URL="$pg_url_default"
        return 0
    fi
    # A freshly installed cluster asks for a password over TCP: give the superuser one for tests.
    if command -v runuser >/dev/null 2>&1; then
        runuser -u postgres -- psql -qc "ALTER USER postgres PASSWORD 'pactum-test'" >/dev/null
    else
        su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'pactum-test'\"" >/dev/null
    fi
    if pg_answers "$pg_url_password"; then
        export PACTUM_TEST_POSTGRES_URL="$pg_url_password"
        return 0
    fi
    echo "PostgreSQL does not answer on 127.0.0.1:5432; set PACTUM_TEST_POSTGRES_URL." >&2
    return 1
}

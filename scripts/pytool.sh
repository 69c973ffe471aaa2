# Sourced by the scripts that run Python tools (schemathesis, the web scanners): each tool
# gets its own virtual environment under ~/.cache/pactum/venvs, so their pinned dependencies
# never change the machine's own Python packages or each other's.

# pytool NAME PIP-SPEC: prints the bin directory of NAME's environment, installing on first use.
pytool() {
    local name="$1" spec="$2"
    local venv="${XDG_CACHE_HOME:-$HOME/.cache}/pactum/venvs/$name"
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -m pip show -q "${spec%%[<>=]*}" >/dev/null 2>&1; then
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q --disable-pip-version-check "$spec" >&2
    fi
    echo "$venv/bin"
}

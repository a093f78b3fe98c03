# Shared by scripts/run, scripts/test and scripts/bench: sourced, not run.
# Makes .venv with a Python 3.10+ and installs the project into it.

find_python() {
    for candidate in python3.13 python3.12 python3.11 python3.10 python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "audioguide needs Python 3.10 or newer; none was found on PATH" >&2
    return 1
}

# ensure_venv SPEC: create .venv if needed and pip install SPEC (e.g. "." or ".[test]").
ensure_venv() {
    local python
    # A .venv without pip (made by another tool, or left by a failed
    # "python3 -m venv") gets pip; one that cannot even do that is made again.
    if ! .venv/bin/python -m pip --version >/dev/null 2>&1 &&
       ! .venv/bin/python -m ensurepip --upgrade >/dev/null 2>&1; then
        rm -rf .venv
        python=$(find_python)
        if ! "$python" -m venv .venv; then
            rm -rf .venv
            echo "could not create .venv with $python; on Debian or Ubuntu install python3-venv" >&2
            return 1
        fi
    fi
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --editable "$1"
    # An editable install leaves the package's own modules uncompiled; where
    # PYTHONDONTWRITEBYTECODE is set nothing would ever write their bytecode,
    # and every run (and every speech worker) would compile them again.
    .venv/bin/python -m compileall -q audioguide >/dev/null
}

# deb_installed PACKAGE: the package is installed (not only known to dpkg: one removed
# but not purged is "deinstall ok config-files"), and the programs it puts in
# /usr/bin are there.
deb_installed() {
    local status program
    status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
    [ "$status" = "install ok installed" ] || return 1
    for program in $(dpkg-query -L "$1" 2>/dev/null | grep '^/usr/bin/'); do
        [ -e "$program" ] || return 1
    done
    return 0
}

# apt_install PACKAGE...: install Debian packages that are missing, when apt-get is there.
apt_install() {
    local missing=() package sudo=""
    command -v apt-get >/dev/null 2>&1 || return 1
    for package in "$@"; do
        deb_installed "$package" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || return 1
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# install_validators: the EPUB validators the format tests run, where they can be installed.
#   - EPUBCheck: Debian's epubcheck with a Java runtime, when apt-get is there;
#   - DAISY Ace: @daisy/ace-cli from npm into .tools/ (never a browser download:
#     it runs with PUPPETEER_EXECUTABLE_PATH pointing at the system Chromium).
# A validator that cannot be installed is reported here, and its tests skip saying so.
install_validators() {
    apt_install epubcheck default-jre-headless ||
        echo "EPUBCheck could not be installed from Debian's packages: its tests will be skipped" >&2
    if command -v npm >/dev/null 2>&1; then
        if [ ! -x .tools/node_modules/.bin/ace-cli ]; then
            mkdir -p .tools
            PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .tools --no-audit --no-fund --silent \
                @daisy/ace-cli@1 >/dev/null ||
                echo "DAISY Ace could not be installed: its tests will be skipped" >&2
        fi
    else
        echo "no npm: DAISY Ace is not installed and its tests will be skipped" >&2
    fi
}

# Sourced by the scripts/install-*.sh scripts (they run with sh): ". scripts/debian-packages.sh".
#
# install_debian_packages PACKAGE...
#   Installs Debian's packages with apt-get: as root, or through sudo when it asks no
#   password. When neither is possible here (or there is no apt-get), it names the
#   packages on stderr and returns 1; the caller says what follows from that. A failed
#   apt-get ends the calling script (exit 1): the set-up must not go on half done.
install_debian_packages() {
    [ "$#" -gt 0 ] || return 0
    if [ "$(id -u)" = 0 ]; then
        _sl_sudo=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        _sl_sudo="sudo -n"
    else
        echo "safetylab: please install these Debian packages (as root): $*" >&2
        return 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "safetylab: there is no apt-get here; please install: $*" >&2
        return 1
    fi
    echo "safetylab: installing $*"
    # env inside sudo: sudo would drop DEBIAN_FRONTEND set outside it
    $_sl_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq || exit 1
    $_sl_sudo env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null || exit 1
}

#!/bin/sh
# Installs the Debian packages safetylab's tests and benchmarks use, when missing:
#   exiftool (libimage-exiftool-perl): the independent check of what scrub removes.
#   strace: the network test watches every process (C++ libraries too) for connections.
# Learners do not need it: `make lab` runs without it.
set -eu
need=""
command -v exiftool >/dev/null 2>&1 || need="$need libimage-exiftool-perl"
command -v strace >/dev/null 2>&1 || need="$need strace"
[ -z "$need" ] && exit 0

if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "safetylab: please install these Debian packages (as root):$need" >&2
    echo "safetylab: the tests that need them will fail under CI=true and skip otherwise." >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "safetylab: no apt-get here; please install:$need" >&2
    exit 0
fi
echo "safetylab: installing$need"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null

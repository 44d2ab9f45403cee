#!/bin/sh
# Installs the Debian packages safetylab's tests and benchmarks use, when missing:
#   exiftool (libimage-exiftool-perl): the independent check of what scrub removes.
#   strace: the network test watches every process (C++ libraries too) for connections.
# Learners do not need it: `make lab` runs without it.
set -eu
. "$(dirname "$0")/debian-packages.sh"
need=""
command -v exiftool >/dev/null 2>&1 || need="$need libimage-exiftool-perl"
command -v strace >/dev/null 2>&1 || need="$need strace"
# shellcheck disable=SC2086
if ! install_debian_packages $need; then
    echo "safetylab: the tests that need them will fail under CI=true and skip otherwise." >&2
fi

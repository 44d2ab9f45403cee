"""The one network guard of the test suite: every connection is refused and recorded.

:data:`GUARD` is Python source that, run first in a process (as ``sitecustomize``
through :meth:`NetGuard.env`, or as the first cell of a notebook kernel through
:meth:`NetGuard.kernel_source`), replaces ``socket.connect``, ``connect_ex``,
``create_connection`` and ``getaddrinfo``. An attempt raises ``OSError``, prints
``NETWORK ATTEMPT ...`` to stderr, and is appended to the file named by
``SAFETYLAB_NET_LOG``, so a test sees it even when the code under test swallows
the error. Connections to this computer (loopback) are allowed only where
``SAFETYLAB_NET_ALLOW_LOOPBACK=1`` (the learner-mode server talks to itself), and to
the addresses listed in ``SAFETYLAB_NET_ALLOW_ADDRESSES`` (a class served to a test's
own network namespace, ``tests/test_class_lan.py``).

The ``network_guard`` fixture in ``conftest.py`` hands out one :class:`NetGuard`.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["GUARD", "NetGuard", "STRACE_OPTIONS", "strace_command", "off_machine"]

GUARD = r'''
"""safetylab tests: no network. Every connection is refused and recorded."""
import ipaddress as _ip
import os as _os
import socket as _socket
import sys as _sys

_LOG = _os.environ.get("SAFETYLAB_NET_LOG")
_LOOPBACK = _os.environ.get("SAFETYLAB_NET_ALLOW_LOOPBACK") == "1"
_ALSO = set(filter(None, _os.environ.get("SAFETYLAB_NET_ALLOW_ADDRESSES", "").split(",")))
_connect, _connect_ex, _getaddrinfo = _socket.socket.connect, _socket.socket.connect_ex, _socket.getaddrinfo


def _is_local(host):
    if not _LOOPBACK:
        return False
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host in ("", "localhost", "ip6-localhost", "ip6-loopback") or str(host).split("%")[0] in _ALSO:
        return True
    try:
        return _ip.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what):
    line = f"NETWORK ATTEMPT pid {_os.getpid()} {' '.join(_sys.argv[:3])}: {what}"
    _sys.stderr.write(line + "\n")
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    raise OSError(f"network use is not allowed in safetylab (tried {what})")


def _check(sock, address):
    if sock.family in (_socket.AF_INET, _socket.AF_INET6) and isinstance(address, tuple) \
            and not _is_local(address[0]):
        _refuse(f"connect {address!r}")


def connect(self, address):
    _check(self, address)
    return _connect(self, address)


def connect_ex(self, address):
    _check(self, address)
    return _connect_ex(self, address)


def create_connection(address, *args, **kwargs):
    if not _is_local(address[0]):
        _refuse(f"create_connection {address!r}")
    return _socket._safetylab_create_connection(address, *args, **kwargs)


def getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        _refuse(f"getaddrinfo {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


_socket._safetylab_create_connection = _socket.create_connection
_socket.socket.connect = connect
_socket.socket.connect_ex = connect_ex
_socket.create_connection = create_connection
_socket.getaddrinfo = getaddrinfo
'''


class NetGuard:
    """A folder with the guard as ``sitecustomize.py`` and a log of refused attempts."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
        self.log = self.folder / "network-attempts.log"

    def env(self, base: dict | None = None, *, loopback: bool = False, also: tuple[str, ...] = ()) -> dict:
        """Environment for a child process: the guard loads before anything else runs.

        With ``loopback`` connections to this computer's loopback addresses are allowed, and
        with ``also`` to these addresses too (the address of a network namespace a test made,
        in which the process runs: nothing there leads off the computer)."""
        env = dict(os.environ if base is None else base)
        env["PYTHONPATH"] = os.pathsep.join([str(self.folder), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env["SAFETYLAB_NET_LOG"] = str(self.log)
        if loopback:
            env["SAFETYLAB_NET_ALLOW_LOOPBACK"] = "1"
        else:
            env.pop("SAFETYLAB_NET_ALLOW_LOOPBACK", None)
        env.pop("SAFETYLAB_NET_ALLOW_ADDRESSES", None)
        if also:
            env["SAFETYLAB_NET_ALLOW_ADDRESSES"] = ",".join(also)
        return env

    def kernel_source(self) -> str:
        """The guard as a notebook's first cell (a kernel is already running when it runs)."""
        return (f"import os as _os\n_os.environ['SAFETYLAB_NET_LOG'] = {str(self.log)!r}\n"
                "_os.environ.pop('SAFETYLAB_NET_ALLOW_LOOPBACK', None)\n" + GUARD)

    def mark(self) -> int:
        """How many attempts are logged so far (pass it to :meth:`attempts`)."""
        return len(self.attempts())

    def attempts(self, since: int = 0) -> list[str]:
        """The attempts refused (after the first ``since``)."""
        try:
            return self.log.read_text(encoding="utf-8").splitlines()[since:]
        except FileNotFoundError:
            return []


# --------------------------------------------------------------------------- #
# What a whole process tree did on the network, seen by strace (C and C++ too)
# --------------------------------------------------------------------------- #

import re as _re

#: ``strace`` options for :func:`strace_command`: every process and thread, and the
#: two calls through which a packet can leave (``connect`` for TCP and for UDP
#: sockets such as a DNS lookup's, ``sendto`` with an address for unconnected UDP).
STRACE_OPTIONS = ["-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-e", "signal=none"]

_ADDRESS = _re.compile(r"\{sa_family=(AF_[A-Z0-9]+)(.*?)\}")
_IPV4 = _re.compile(r'sin_addr=inet_addr\("([^"]+)"\)')
_IPV6 = _re.compile(r'inet_pton\(AF_INET6, "([^"]+)"')
_PORT = _re.compile(r"sin6?_port=htons\((\d+)\)")
_LOCAL_FAMILIES = {"AF_UNIX", "AF_LOCAL", "AF_NETLINK", "AF_UNSPEC"}


def strace_command(log, argv: list[str]) -> list[str]:
    """``argv`` run under ``strace``, writing what it saw to ``log``."""
    return ["strace", *STRACE_OPTIONS, "-o", str(log), *map(str, argv)]


def _is_loopback(ip: str) -> bool:
    import ipaddress

    try:
        addr = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(addr, "ipv4_mapped", None)
    return addr.is_loopback or bool(mapped and mapped.is_loopback)


def off_machine(strace_log: str) -> list[str]:
    """The lines of an ``strace`` log where a process addressed anything but this computer.

    A ``connect``, ``sendto`` or ``sendmsg`` that names an address counts, whether it
    succeeded or not (a DNS lookup to the network's resolver is already a leak).
    Allowed: local sockets (``AF_UNIX``, the kernel's ``AF_NETLINK``), ``AF_UNSPEC``
    (disconnecting a socket) and loopback addresses (127.0.0.0/8, ``::1``) -- except
    port 53: a DNS query to a local resolver (such as systemd-resolved's 127.0.0.53)
    is passed on to the network. Any other address family is reported too.

    Examples
    --------
    >>> off_machine('12 connect(9, {sa_family=AF_INET, sin_port=htons(53), '
    ...             'sin_addr=inet_addr("10.255.255.53")}, 16) = 0')
    ['12 connect(9, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0']
    >>> off_machine('7 connect(3, {sa_family=AF_INET, sin_port=htons(8866), sin_addr=inet_addr("127.0.0.1")}, 16) = 0\\n'
    ...             '7 connect(4, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT')
    []
    >>> len(off_machine('8 sendto(5, "...", 40, 0, {sa_family=AF_INET, sin_port=htons(53), '
    ...                 'sin_addr=inet_addr("127.0.0.53")}, 16) = 40'))
    1
    """
    bad = []
    for line in strace_log.splitlines():
        if not _re.search(r"\b(connect|sendto|sendmsg)\(", line):
            continue
        for family, rest in _ADDRESS.findall(line):
            if family in _LOCAL_FAMILIES:
                continue
            ip = (_IPV4.search(rest) or _IPV6.search(rest))
            port = _PORT.search(rest)
            if family in ("AF_INET", "AF_INET6") and ip and _is_loopback(ip.group(1)) \
                    and not (port and port.group(1) == "53"):
                continue
            bad.append(line.strip())
            break
    return bad

"""Python source that, run first in a process, refuses every network connection.

Any attempt prints ``NETWORK ATTEMPT`` to stderr (so a test can assert on it even
when the code under test swallows the error) and raises ``OSError``.
"""

REFUSE_NETWORK = """
import socket, sys
def _refuse(*a, **k):
    sys.stderr.write("NETWORK ATTEMPT\\n")
    raise OSError("network use is not allowed in safetylab")
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


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

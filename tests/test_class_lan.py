"""``safetylab class --lan``: the class served to a room over HTTPS, checked from the room's side.

A test may not send traffic to a local-network address (only to loopback, or inside a network
namespace it made itself), and this computer's own interfaces are not the test's to choose.
So the class runs in a network namespace of its own (``unshare --net``), whose only interface
(``lo``) has, besides loopback, a link-local address (which a room cannot be served on) and a
private one, ``198.18.0.1`` (the range kept for testing networks). Nothing in that namespace
leads anywhere else. The test's own checks run in a thread that joins the namespace.

There, ``--lan`` with no address picks ``198.18.0.1`` (as it picks a classroom computer's
Wi-Fi address: :func:`safetylab.classroom.tls.choose_lan_address` over the interfaces'
addresses), and the class:

- answers over HTTPS at the address it prints, with a certificate valid for that address
  (a browser that trusts only that certificate accepts the page);
- presents the certificate whose SHA-256 fingerprint the terminal printed (read from the
  server itself with ``ssl.get_server_certificate``), and the trainer's page shows the same;
- serves no plain HTTP: a plain request to the join address gets no page, and nothing else
  listens on the room's address (the hub, the proxy's API and learners' servers listen on
  loopback only).
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import http.client
import ipaddress
import os
import re
import shutil
import ssl
import subprocess
import urllib.request

import pytest

from classclient import ClassRun, require_class
from conftest import require
from safetylab.classroom import tls

pytestmark = pytest.mark.timeout(600)

ROOM_ADDRESS = "198.18.0.1"  # RFC 2544's range for testing networks (private, and not anyone's LAN)
LINK_LOCAL = "169.254.7.7"
CLONE_NEWNET = 0x40000000
NAMESPACE = (f"ip link set lo up && ip addr add {LINK_LOCAL}/32 dev lo && ip addr add {ROOM_ADDRESS}/32 dev lo "
             '&& exec "$@"')


class NamespacedClassRun(ClassRun):
    """``safetylab class`` in a network namespace of its own (see the module's docstring)."""

    def command(self) -> list[str]:
        return ["unshare", "--net", "sh", "-c", NAMESPACE, "sh", *super().command()]


def in_namespace(pid: int, fn, *args):
    """``fn(*args)`` in a thread that has joined the network namespace of process ``pid``
    (that thread alone: the rest of the test run stays where it is)."""
    libc = ctypes.CDLL(None, use_errno=True)

    def run():
        fd = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY)
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:
                err = ctypes.get_errno()
                raise OSError(err, f"setns: {os.strerror(err)}")
        finally:
            os.close(fd)
        return fn(*args)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def _namespaces_work() -> bool:
    if not (shutil.which("unshare") and shutil.which("ip") and shutil.which("nsenter") and shutil.which("ss")):
        return False
    done = subprocess.run(["unshare", "--net", "sh", "-c", NAMESPACE, "sh", "true"], capture_output=True)
    return done.returncode == 0


@pytest.fixture(scope="module")
def lan_class(tmp_path_factory, network_guard):
    require_class()
    require(_namespaces_work(), "a network namespace cannot be made here (unshare --net, ip, nsenter, ss; as root)")
    root = tmp_path_factory.mktemp("class-lan")
    env = network_guard.env(loopback=True, also=(ROOM_ADDRESS,))
    run = NamespacedClassRun(root, "--lan", "--dir", str(root / "trainer-lessons"), "--ready-servers", "0", env=env)
    mark = network_guard.mark()
    run.start()
    yield run
    run.stop()
    attempts = network_guard.attempts(since=mark)
    assert not attempts, "the class tried to reach another address:\n" + "\n".join(attempts)


def _port(url: str) -> int:
    return int(re.match(r"https?://[^/]*:(\d+)/", url).group(1))


def test_lan_picks_the_rooms_address_and_serves_https_there(lan_class):
    port = _port(lan_class.join_url)
    assert lan_class.join_url == f"https://{ROOM_ADDRESS}:{port}/", lan_class.join_url  # not link-local
    assert lan_class.trainer_url.startswith(lan_class.join_url)
    pem = in_namespace(lan_class.proc.pid, ssl.get_server_certificate, (ROOM_ADDRESS, port))

    def fetch(url: str) -> tuple[int, str]:
        # a browser that trusts this certificate, and no other, for this address (it is checked)
        context = ssl.create_default_context(cadata=pem)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                             urllib.request.HTTPSHandler(context=context),
                                             urllib.request.HTTPCookieProcessor())
        with opener.open(url, timeout=60) as r:
            return r.status, r.read().decode("utf-8", "replace")

    status, page = in_namespace(lan_class.proc.pid, fetch, lan_class.join_url)
    assert status == 200 and "Join the class" in page
    # the fingerprint the terminal printed is the one of the certificate the server presents
    printed = re.search(r"SHA-256 fingerprint with:\s+([0-9A-F:]+)", lan_class.log_text())
    assert printed, lan_class.log_tail()
    assert printed.group(1) == tls.fingerprint(pem.encode("ascii"))
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", printed.group(1))
    # ... and the trainer's page shows the same
    status, page = in_namespace(lan_class.proc.pid, fetch, lan_class.trainer_url)
    assert status == 200 and printed.group(1) in page and "Who has joined" in page


def test_lan_serves_no_plain_http(lan_class):
    port = _port(lan_class.join_url)

    def plain_get() -> str:
        conn = http.client.HTTPConnection(ROOM_ADDRESS, port, timeout=30)
        try:
            conn.request("GET", "/hub/login")
            response = conn.getresponse()
            return f"{response.status} {response.read(2000).decode('utf-8', 'replace')}"
        except (http.client.HTTPException, ConnectionError) as e:
            return f"no answer ({type(e).__name__})"
        finally:
            conn.close()

    answer = in_namespace(lan_class.proc.pid, plain_get)
    assert "Join the class" not in answer and not answer.startswith(("200", "30")), answer

    # nothing but the join address listens on the room's address: the rest is loopback only
    listening = subprocess.run(["nsenter", f"--net=/proc/{lan_class.proc.pid}/ns/net", "ss", "-Hltn"],
                               capture_output=True, text=True, check=True).stdout
    found = []
    for line in listening.splitlines():
        local = line.split()[3]
        host, _, where = local.rpartition(":")
        host = host.strip("[]").split("%")[0]
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:  # "*": every address
            loopback = False
        if not loopback:
            found.append((host, int(where)))
    assert found == [(ROOM_ADDRESS, port)], listening

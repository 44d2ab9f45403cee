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

"""HTTPS for a class across a room: the machine's address on the local network, and a certificate for it.

Learners upload their own photos, so a class that other computers reach is never
served as plain HTTP. ``safetylab class --lan`` makes a certificate for the address
(on the spot, valid for one day, its private key readable only by this user and
deleted with the class), and shows its SHA-256 fingerprint: browsers warn about a
certificate they do not know, and the fingerprint is how a trainer (or a learner)
checks that the page is really this class's.

What this does *not* do: it does not make the browser trust the certificate (there
is no certificate authority in a classroom); the warning stays, and checking the
fingerprint is what tells this class from an impostor on the same network.

Examples
--------
>>> choose_lan_address(["127.0.0.1", "169.254.3.4", "192.168.1.23", "10.0.0.5"])
'192.168.1.23'
>>> choose_lan_address(["127.0.0.1"]) is None
True
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Certificate", "make_certificate", "fingerprint", "choose_lan_address", "lan_addresses"]


@dataclass(frozen=True)
class Certificate:
    """A certificate made for a class: its files and its SHA-256 fingerprint (``AB:CD:...``)."""

    certfile: Path
    keyfile: Path
    fingerprint: str


def choose_lan_address(addresses: list[str]) -> str | None:
    """The address to offer a room: the first private IPv4 address (not loopback, not link-local).

    A private IPv6 address is the second choice; None when there is neither.
    """
    best = None
    for text in addresses:
        try:
            ip = ipaddress.ip_address(text.split("%")[0])
        except ValueError:
            continue
        if ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified or not ip.is_private:
            continue
        if ip.version == 4:
            return str(ip)
        best = best or str(ip)
    return best


def lan_addresses() -> list[str]:
    """Every address of this machine's network interfaces (read locally: nothing is sent)."""
    import socket

    import psutil

    out = []
    for addrs in psutil.net_if_addrs().values():
        out += [a.address for a in addrs if a.family in (socket.AF_INET, socket.AF_INET6)]
    return out


def fingerprint(cert_pem: bytes) -> str:
    """The SHA-256 fingerprint of a PEM certificate, as browsers show it (``AB:CD:...``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    digest = x509.load_pem_x509_certificate(cert_pem).fingerprint(hashes.SHA256())
    return ":".join(f"{b:02X}" for b in digest)


def make_certificate(folder: str | os.PathLike, address: str, *, days: int = 1) -> Certificate:
    """A self-signed certificate for ``address`` (an IP address), written into ``folder``.

    The key is written readable by this user only. ``folder`` should be private (the
    class's folder, deleted when the class ends).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"safetylab class {address}")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=10))
            .not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(address))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(key, hashes.SHA256()))
    folder = Path(folder)
    keyfile, certfile = folder / "class-key.pem", folder / "class-cert.pem"
    fd = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    pem = cert.public_bytes(serialization.Encoding.PEM)
    certfile.write_bytes(pem)
    return Certificate(certfile, keyfile, fingerprint(pem))

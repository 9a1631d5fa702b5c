"""Posting a delivery: to an address we checked, within a short timeout, no redirects.

SSRF: a receiver's URL is resolved and every address must be public (global unicast),
unless it lies in a network listed in REFUGE_WEBHOOK_ALLOWED_NETWORKS (the operator's
choice, e.g. a partner across a VPN, or 127.0.0.1/32 in tests). The check runs when the
subscription is made and again at every attempt, and the connection goes to the address
that passed the check (not to a second lookup that DNS could answer differently).
A redirect is not followed: a 3xx is a failed attempt. The reasons a URL is refused are
in the subscriber's language; an attempt's record is written by the worker, in the
default language.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_READ = 64 * 1024  # of the receiver's answer: we keep its status, not its body


class Refused(ValueError):
    """The URL is not one we send to; the message says why."""


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.REFUGE_WEBHOOK_ALLOWED_NETWORKS]


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in _allowed_networks()):
        return True
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a URL we may post to; Refused with the reason otherwise."""
    try:
        parts = urlsplit(url.strip())
        parts.hostname  # noqa: B018 (reading it checks an IPv6 literal's brackets)
    except ValueError:
        raise Refused(_("this is not a URL")) from None
    if parts.scheme not in ("http", "https"):
        raise Refused(_("the URL must start with http:// or https://"))
    if not parts.hostname:
        raise Refused(_("the URL has no host"))
    if parts.username or parts.password:
        raise Refused(_("the URL must not carry a user name or password"))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused(_("the URL's port is not a number from 1 to 65535")) from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path


def resolve(host: str, port: int) -> str:
    """The first address of `host`, every one of which must be allowed; Refused otherwise."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(_("the host %(host)s cannot be resolved") % {"host": host}) from None
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not address_allowed(address):
            raise Refused(
                _("%(host)s resolves to %(address)s, a private or reserved address; such "
                  "receivers are allowed only in REFUGE_WEBHOOK_ALLOWED_NETWORKS")
                % {"host": host, "address": address}
            )  # fmt: skip
    return addresses[0]


def validate(url: str) -> None:
    _, host, port, _ = check_url(url)
    resolve(host, port)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def accepted(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    start = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - start) * 1000)

    try:
        scheme, host, port, path = check_url(url)
        address = resolve(host, port)
    except Refused as refused:
        return Outcome(None, str(refused)[:300], took())
    cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    connection = cls(host, port, address, timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_READ)
        status = response.status
    except TimeoutError:
        return Outcome(None, f"no answer within {timeout:g} s", took())
    except (OSError, http.client.HTTPException) as error:
        return Outcome(None, f"{type(error).__name__}: {error}"[:300], took())
    finally:
        connection.close()
    error = "" if 200 <= status < 300 else f"HTTP {status}"
    if 300 <= status < 400:
        error += " (redirects are not followed)"
    return Outcome(status, error, took())

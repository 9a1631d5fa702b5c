"""The address a request came from, as far as Refuge can trust it.

Behind the TLS proxy of docs/OPERATIONS.md, REMOTE_ADDR is the proxy's address for
everyone, so a limit keyed on it held for the whole country at once. X-Forwarded-For is
read only when the request came from a proxy listed in REFUGE_TRUSTED_PROXIES, and then
from the right: each trusted proxy appends the address it saw, so the rightmost hop that is
not one of ours is the client. Anything left of it was written by the client and may be
forged.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address

from django.conf import settings
from django.http import HttpRequest

Address = IPv4Address | IPv6Address


def client_address(request: HttpRequest) -> str | None:
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    nearest = remote
    if _trusted(nearest):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed([h.strip() for h in hops if h.strip()]):
            address = _parse(hop)
            if address is None:  # not an address: our proxies write only addresses
                break
            nearest = address
            if not _trusted(address):
                break
    return str(nearest)


def _trusted(address: Address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def _parse(text: str) -> Address | None:
    try:
        return ip_address(text.strip())
    except ValueError:
        return None

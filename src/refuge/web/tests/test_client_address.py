"""Which address a request is counted against, behind our proxy and without one."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from django.test import RequestFactory, override_settings

from refuge.web.client import client_address

PROXIES = [ip_network("10.0.0.0/24"), ip_network("127.0.0.1/32")]


def _from(remote: str, forwarded: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert _from("198.51.100.4", "203.0.113.7") == "198.51.100.4"


@override_settings(TRUSTED_PROXIES=PROXIES)
@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # the documented nginx in front
        ("127.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # a forged first hop
        ("127.0.0.1", "203.0.113.7, 10.0.0.5", "203.0.113.7"),  # two of our proxies
        ("127.0.0.1", "2001:db8::17", "2001:db8::17"),
        ("127.0.0.1", None, "127.0.0.1"),  # no header: the proxy itself (a health check)
        ("127.0.0.1", "10.0.0.5", "10.0.0.5"),  # only our own hops: the leftmost
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "203.0.113.7, ;DROP TABLE", "127.0.0.1"),
        ("198.51.100.4", "203.0.113.7", "198.51.100.4"),  # not our proxy: header forged
        ("garbage", "203.0.113.7", None),
    ],
)
def test_the_rightmost_hop_that_is_not_our_proxy_is_the_client(
    remote: str, forwarded: str | None, client: str | None
) -> None:
    assert _from(remote, forwarded) == client

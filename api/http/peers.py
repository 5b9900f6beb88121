"""Who is asking: the client's address, from the TCP peer or — only when that peer is a trusted
reverse proxy (API_TRUSTED_PROXIES) — from the `X-Real-IP` header the proxy set.

Sanic's own proxy settings (REAL_IP_HEADER, PROXIES_COUNT, FORWARDED_SECRET) trust the headers
whoever the peer is; then a client reaching the api port directly could name any address. Here a
header counts only on a connection from a listed proxy, and nginx (deploy/nginx.conf) overwrites
`X-Real-IP` with the address it saw, so a client-supplied one never gets through either way.
Rate limits and the `/metrics` rule both judge this address.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from sanic import Request

REAL_IP_HEADER = "x-real-ip"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(specs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(spec, strict=False) for spec in specs)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def peer_allowed(peer: str, networks: tuple[str, ...]) -> bool:
    """Whether the address lies in one of `networks` (an IPv4-mapped IPv6 address counts as IPv4)."""
    address = _address(peer)
    return address is not None and any(address in network for network in _networks(networks))


def tcp_peer(request: Request) -> str:
    return request.conn_info.client_ip if request.conn_info else ""


def client_address(request: Request) -> str:
    """The client's address; "" when a trusted proxy relayed the request without a valid `X-Real-IP`."""
    cached = getattr(request.ctx, "client_address", None)
    if cached is not None:
        return cached
    peer = tcp_peer(request)
    client = peer
    if peer_allowed(peer, request.app.ctx.settings.api.trusted_proxies):
        forwarded = _address(request.headers.get(REAL_IP_HEADER, ""))
        client = str(forwarded) if forwarded is not None else ""
    request.ctx.client_address = client
    return client

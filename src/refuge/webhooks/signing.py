"""How a delivery is signed, the way Stripe and GitHub sign theirs.

    Refuge-Timestamp: 1796383200                 (Unix seconds when this attempt was sent)
    Refuge-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>

`body` is the request body exactly as received (UTF-8 bytes, before any JSON parsing).
Every attempt signs afresh with its own timestamp; the body and Refuge-Event-Id stay the
same, so a receiver drops a repeat by the event id and a replay by the timestamp: it
refuses a timestamp more than REPLAY_WINDOW seconds from its own clock (docs/API.md).
"""

from __future__ import annotations

import hashlib
import hmac

SCHEME = "v1"
REPLAY_WINDOW = 300  # seconds: what we tell receivers to accept


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header(secret: str, timestamp: int, body: bytes) -> str:
    return f"{SCHEME}={signature(secret, timestamp, body)}"

"""Guessing passwords: limits per account and address, per account, and per address.

Every login attempt is counted before the password is checked, in a counter that holds
under parallel requests (limits/store.py): with a check-then-write, six parallel guesses
all passed a limit of five. A successful login clears the count for its account and
address, so a user who mistypes four times and then signs in starts afresh, and gives back
the attempt to the account's and the address's counts: fifty registrars signing in at a
shift change behind one reception point's address must not lock each other out.

- one username from one address: 5 attempts in 15 minutes (the lock a user meets);
- one username from anywhere: 20 attempts in 15 minutes, against guessing spread over many
  addresses (the price: someone can keep an account locked; docs/SECURITY.md);
- one address, any usernames: 50 attempts in 15 minutes, against trying one password on
  many accounts.
"""

from __future__ import annotations

from datetime import timedelta

from refuge.limits.store import Limit, forget, give_back, take

WINDOW = timedelta(minutes=15)
PER_ACCOUNT_AND_ADDRESS = Limit("login-pair", 5, WINDOW)
PER_ACCOUNT = Limit("login-account", 20, WINDOW)
PER_ADDRESS = Limit("login-address", 50, WINDOW)


def do_take_attempt(*, username: str, ip: str | None) -> bool:
    """Count one attempt; False when any of the three limits is exceeded."""
    account, address = username.strip().lower(), ip or "unknown"
    within = [
        take(PER_ACCOUNT_AND_ADDRESS, f"{account}|{address}"),
        take(PER_ACCOUNT, account),
        take(PER_ADDRESS, address),
    ]
    return all(within)


def do_clear_attempts(*, username: str, ip: str | None) -> None:
    """After a successful sign-in."""
    account, address = username.strip().lower(), ip or "unknown"
    forget(PER_ACCOUNT_AND_ADDRESS, f"{account}|{address}")
    give_back(PER_ACCOUNT, account)
    give_back(PER_ADDRESS, address)

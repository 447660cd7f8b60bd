"""Who may do what. Without login everyone on the (localhost-bound) server may do everything.
With login on (Streamlit's st.login, configured in .streamlit/secrets.toml [auth]), an optional
roles file decides who may upload data and edit rules (risk managers); everyone else who signs in
may only view (executives)."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROLES_ENV = "MONITOR_ROLES"
DEFAULT_ROLES = Path(__file__).resolve().parent.parent / ".streamlit" / "roles.toml"


@dataclass(frozen=True)
class Roles:
    risk_managers: frozenset[str]  # e-mails (lower case) that may upload and edit rules
    configured: bool  # False: no roles file, so every signed-in user is a risk manager


def load_roles(path: str | os.PathLike | None = None) -> Roles:
    """Read `[roles] risk_managers = ["a@bank.cn", ...]` from the roles file, if there is one."""
    p = Path(path or os.environ.get(ROLES_ENV) or DEFAULT_ROLES)
    if not p.exists():
        return Roles(frozenset(), False)
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    managers = data.get("roles", {}).get("risk_managers", [])
    return Roles(frozenset(str(e).strip().lower() for e in managers), True)


def can_edit(login_enabled: bool, signed_in: bool, email: str | None, roles: Roles) -> bool:
    """May this user upload data and edit rules?"""
    if not login_enabled:
        return True
    if not signed_in:
        return False
    if not roles.configured:
        return True
    return (email or "").strip().lower() in roles.risk_managers

"""Who may upload data and edit rules (monitor.access, README "Login"): without login everyone on
the localhost-bound server; with login (an [auth] section for st.login) only signed-in users, and,
when a roles file exists, only its risk managers. The pure function, the roles file present and
absent, and the app under AppTest with login on and off: the Data page's upload and the Alerts
page's rules editor appear exactly for those who may edit."""
from __future__ import annotations

import os

import pytest
from helpers import APP, SAMPLE

from monitor import access

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-secret",
        "client_id": "monitor", "client_secret": "s3cret",
        "server_metadata_url": "https://login.bank.example/.well-known/openid-configuration"}


def _roles(tmp_path, *emails) -> str:
    path = tmp_path / "roles.toml"
    path.write_text("[roles]\nrisk_managers = [" + ", ".join(f'"{e}"' for e in emails) + "]\n", encoding="utf-8")
    return str(path)


def test_can_edit_without_login_everyone_may():
    none = access.Roles(frozenset(), False)
    some = access.Roles(frozenset({"li.wei@bank.example"}), True)
    for roles in (none, some):
        assert access.can_edit(False, False, None, roles)
        assert access.can_edit(False, True, "anyone@bank.example", roles)


def test_can_edit_with_login():
    none = access.Roles(frozenset(), False)
    some = access.Roles(frozenset({"li.wei@bank.example"}), True)
    assert not access.can_edit(True, False, None, none)  # not signed in: never
    assert not access.can_edit(True, False, "li.wei@bank.example", some)
    assert access.can_edit(True, True, "boss@bank.example", none)  # no roles file: every signed-in user
    assert access.can_edit(True, True, " Li.Wei@Bank.Example ", some)  # case and spaces do not matter
    assert not access.can_edit(True, True, "boss@bank.example", some)  # an executive: view only
    assert not access.can_edit(True, True, None, some)


def test_roles_file_present_absent_and_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(access.ROLES_ENV, raising=False)
    assert access.load_roles(tmp_path / "none.toml") == access.Roles(frozenset(), False)
    path = _roles(tmp_path, "Li.Wei@bank.example", "zhang.min@bank.example")
    assert access.load_roles(path) == access.Roles(frozenset({"li.wei@bank.example", "zhang.min@bank.example"}),
                                                   True)
    monkeypatch.setenv(access.ROLES_ENV, path)
    assert access.load_roles().configured
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    assert access.load_roles(tmp_path / "empty.toml") == access.Roles(frozenset(), True)  # nobody may edit


def _run(page: str, login: bool, user: dict | None = None):
    from streamlit.testing.v1 import AppTest
    os.environ["MONITOR_DATA"] = str(SAMPLE)
    at = AppTest.from_file(APP, default_timeout=120)
    if login:
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    at.run()
    if page and not at.exception and (not login or (user or {}).get("is_logged_in")):
        at.switch_page(page)
        at.run()
    assert not at.exception
    return at


def _may_upload(at) -> bool:
    return len(at.file_uploader) == 1


def _may_edit_rules(at) -> bool:
    return any(t.key == "alerts_rules_text" for t in at.text_area)


@pytest.fixture
def roles_file(tmp_path, monkeypatch):
    monkeypatch.setenv(access.ROLES_ENV, _roles(tmp_path, "li.wei@bank.example"))


@pytest.fixture
def no_roles_file(tmp_path, monkeypatch):
    monkeypatch.setenv(access.ROLES_ENV, str(tmp_path / "absent.toml"))


def test_login_off_everyone_uploads_and_edits(roles_file):
    assert _may_upload(_run("pages/data.py", login=False))
    assert _may_edit_rules(_run("pages/alerts.py", login=False))


def test_login_on_signed_out_sees_only_the_login_button(roles_file):
    at = _run("", login=True, user={"is_logged_in": False})
    assert [b.label for b in at.button] == ["登录"]
    assert not at.metric and not at.sidebar.multiselect  # no data and no filters before signing in


def test_login_on_risk_manager_uploads_and_edits(roles_file):
    manager = {"is_logged_in": True, "email": "Li.Wei@bank.example"}
    assert _may_upload(_run("pages/data.py", login=True, user=manager))
    assert _may_edit_rules(_run("pages/alerts.py", login=True, user=manager))


def test_login_on_executive_only_views(roles_file):
    executive = {"is_logged_in": True, "email": "boss@bank.example"}
    data = _run("pages/data.py", login=True, user=executive)
    assert not _may_upload(data) and not any(b.key == "data_validate" for b in data.button)
    assert "只有风险经理可以上传数据。" in [i.value for i in data.info]
    assert data.metric  # the data itself is shown
    alerts = _run("pages/alerts.py", login=True, user=executive)
    assert not _may_edit_rules(alerts)
    assert "只有风险经理可以编辑规则。" in [i.value for i in alerts.info]


def test_login_on_without_a_roles_file_every_signed_in_user_edits(no_roles_file):
    user = {"is_logged_in": True, "email": "boss@bank.example"}
    assert _may_upload(_run("pages/data.py", login=True, user=user))

import pytest

from core import settings

BASE = {
    "DATABASE_URL": "postgresql://u@127.0.0.1:5432/db",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "JWT_SECRET": "s" * 40,
}


def test_minimal_environment_loads_with_defaults():
    config = settings.load(BASE)
    assert config.api.port == 8000
    assert config.ingest.source == "kissim"
    assert config.kis.max_registrations == 41


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("API_PORT", "eighty", "API_PORT: expected an integer"),
        ("API_PORT", "70000", "API_PORT: expected an integer between 1 and 65535"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL: expected a URL with scheme postgresql/postgres"),
        ("KIS_APP_KEYS", "keywithoutsecret", "KIS_APP_KEYS: expected key:secret pairs"),
        ("SUBSCRIBE_SYMBOLS", "005930,12", "SUBSCRIBE_SYMBOLS: '12' is not a 6-character stock code"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: expected one of DEBUG, INFO, WARNING, ERROR"),
        ("JWT_SECRET", "short", "JWT_SECRET: must be at least 32 characters"),
    ],
)
def test_bad_value_is_refused_with_the_variable_named(name, value, reason):
    with pytest.raises(settings.SettingsError) as err:
        settings.load({**BASE, name: value})
    assert str(err.value).startswith(reason)
    assert "\n" not in str(err.value)


def test_missing_required_variable_is_named():
    env = dict(BASE)
    del env["REDIS_URL"]
    with pytest.raises(settings.SettingsError, match="REDIS_URL is not set"):
        settings.load(env)


def test_keys_switch_ingest_to_the_broker_and_secrets_are_masked():
    config = settings.load(
        {
            **BASE,
            "KIS_APP_KEYS": "appkey123456:topsecretvalue",
            "NAVER_CLIENT_SECRET": "naver-pw",
            "DATABASE_URL": "postgresql://u:dbpass@h:5432/db",
        }
    )
    assert config.ingest.source == "kis"
    shown = repr(config.public())
    for secret in ("topsecretvalue", "naver-pw", "dbpass", "s" * 40):
        assert secret not in shown
    assert secret not in repr(config)


def test_process_exits_with_one_line_reason(monkeypatch):
    with pytest.raises(SystemExit) as exit_info:
        settings.load_or_exit({**BASE, "API_WORKERS": "0"})
    assert "API_WORKERS: expected an integer between 1 and 64" in str(exit_info.value)


def test_readme_shows_the_declared_settings():
    """README's table is `python -m core.settings` output: declared once, shown as declared."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    start, end = "<!-- settings:start -->\n", "\n<!-- settings:end -->"
    assert start in readme and end in readme
    shown = readme[readme.index(start) + len(start) : readme.index(end)]
    assert shown == settings.markdown_table(), "run: .venv/bin/python -m core.settings and paste into README.md"


def test_every_setting_names_a_distinct_variable():
    names = [f.metadata["env"] for _, f in settings.declared()]
    assert len(names) == len(set(names)) and all(name.isupper() for name in names)


def test_a_process_may_need_fewer_settings():
    config = settings.load({}, require=())
    assert config.database_url == "" and config.kissim.port == 21000

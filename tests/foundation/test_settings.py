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


def test_secrets_from_files_as_docker_secrets_give_them(tmp_path):
    (tmp_path / "jwt").write_text("f" * 40 + "\n")
    (tmp_path / "pg").write_text("p@ss/word:1\n")
    env = {k: v for k, v in BASE.items() if k != "JWT_SECRET"}
    config = settings.load(
        {
            **env,
            "DATABASE_URL": "postgresql://krx@db:5432/krx",
            "JWT_SECRET_FILE": str(tmp_path / "jwt"),
            "DATABASE_PASSWORD_FILE": str(tmp_path / "pg"),
        }
    )
    assert config.api.jwt_secret == "f" * 40  # the final newline of the file is not part of it
    # the password goes into the URL, quoted; asyncpg reads it back unquoted
    assert config.database_url == "postgresql://krx:p%40ss%2Fword%3A1@db:5432/krx"
    assert "p%40ss" not in repr(config.public()) and "p@ss" not in repr(config.public())


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"JWT_SECRET_FILE": "/nonexistent/jwt"}, "JWT_SECRET_FILE: cannot read /nonexistent/jwt (No such file"),
        ({"JWT_SECRET_FILE": "EMPTY"}, "JWT_SECRET_FILE: EMPTY is empty"),
        ({"JWT_SECRET_FILE": "JWT", "JWT_SECRET": "s" * 40}, "JWT_SECRET and JWT_SECRET_FILE are both set"),
        ({"DATABASE_PASSWORD": "pw", "DATABASE_URL": "postgresql://u:other@h/db"}, "DATABASE_PASSWORD: DATABASE_URL"),
        ({"DATABASE_PASSWORD": "pw", "DATABASE_URL": "postgresql://h/db"}, "DATABASE_PASSWORD: DATABASE_URL names no"),
    ],
)
def test_secret_files_fail_clearly(tmp_path, extra, reason):
    (tmp_path / "empty").write_text("\n")
    (tmp_path / "jwt").write_text("j" * 40)
    paths = {"EMPTY": str(tmp_path / "empty"), "JWT": str(tmp_path / "jwt")}
    extra = {k: paths.get(v, v) for k, v in extra.items()}
    env = {**{k: v for k, v in BASE.items() if k != "JWT_SECRET" or "JWT_SECRET_FILE" not in extra}, **extra}
    with pytest.raises(settings.SettingsError) as err:
        settings.load(env)
    assert str(err.value).replace(str(tmp_path / "empty"), "EMPTY").startswith(reason)


def test_a_missing_secret_names_its_file_variable_too():
    env = {k: v for k, v in BASE.items() if k != "JWT_SECRET"}
    with pytest.raises(settings.SettingsError, match=r"JWT_SECRET is not set \(nor JWT_SECRET_FILE\)"):
        settings.load(env)

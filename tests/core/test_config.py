"""Bad settings fail at start with a message that names the variable."""

import pytest

from helpmesh import config


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("HELPMESH_DATABASE_URL", "mysql://x/y", "HELPMESH_DATABASE_URL"),
        ("HELPMESH_BROKER_URL", "kafka://x", "HELPMESH_BROKER_URL"),
        ("HELPMESH_EMAIL_URL", "pop3://x", "HELPMESH_EMAIL_URL"),
        ("HELPMESH_SECRET_KEY", "short", "HELPMESH_SECRET_KEY"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch, tmp_path, name, value, message):
    monkeypatch.setenv(name, value)
    calls = {
        "HELPMESH_DATABASE_URL": lambda: config.database(tmp_path),
        "HELPMESH_BROKER_URL": config.broker_url,
        "HELPMESH_EMAIL_URL": lambda: config.email(tmp_path),
        "HELPMESH_SECRET_KEY": lambda: config.secret_key(tmp_path),
    }
    with pytest.raises(config.ConfigError, match=message):
        calls[name]()


def test_secrets_can_come_from_files(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s" * 40 + "\n")
    monkeypatch.setenv("HELPMESH_SECRET_KEY_FILE", str(secret))
    assert config.secret_key(tmp_path) == "s" * 40


def test_the_demo_secret_is_generated_once(monkeypatch, tmp_path):
    monkeypatch.delenv("HELPMESH_SECRET_KEY", raising=False)
    first = config.secret_key(tmp_path)
    assert config.secret_key(tmp_path) == first and len(first) >= 40


def test_postgres_and_smtp_urls_parse(monkeypatch, tmp_path):
    monkeypatch.setenv("HELPMESH_DATABASE_URL", "postgres://u:p@db.example:5433/helpmesh")
    monkeypatch.setenv(
        "HELPMESH_EMAIL_URL", "smtp://bot%40example.com:pw@mail.example:587?starttls=1"
    )
    db = config.database(tmp_path)
    assert (db["ENGINE"], db["HOST"], db["PORT"], db["NAME"]) == (
        "django.db.backends.postgresql",
        "db.example",
        5433,
        "helpmesh",
    )
    mail = config.email(tmp_path)
    assert (mail.host, mail.port, mail.user, mail.use_tls) == (
        "mail.example",
        587,
        "bot@example.com",
        True,
    )


def test_serve_refuses_a_generated_secret(monkeypatch):
    from helpmesh.web.server import check_production_settings

    monkeypatch.delenv("HELPMESH_SECRET_KEY", raising=False)
    with pytest.raises(config.ConfigError, match="HELPMESH_SECRET_KEY"):
        check_production_settings()

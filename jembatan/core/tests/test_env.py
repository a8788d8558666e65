"""Unit tests of the typed environment readers in jembatan.env."""

from __future__ import annotations

import pytest

from jembatan.env import (
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_str,
    env_timezone,
    parse_database_url,
    parse_redis_url,
)

SECRET = "s3cr3t-PassW0rd"


def one_line(exc: pytest.ExceptionInfo[ConfigError]) -> str:
    message = str(exc.value)
    assert "\n" not in message, message
    return message


class TestEnvStr:
    def test_value_is_returned(self):
        assert (
            env_str("SITE_NAME", "x", environ={"SITE_NAME": "KIM Bengkayang"}) == "KIM Bengkayang"
        )

    def test_default_when_unset(self):
        assert env_str("SITE_NAME", "Jembatan", environ={}) == "Jembatan"

    def test_empty_value_is_kept(self):
        assert env_str("SITE_NAME", "Jembatan", environ={"SITE_NAME": ""}) == ""

    def test_required_without_default(self):
        with pytest.raises(ConfigError) as exc:
            env_str("HUB_REGION_CODE", environ={})
        assert "HUB_REGION_CODE" in one_line(exc)


class TestEnvBool:
    @pytest.mark.parametrize("raw", ["1", "true", "TRUE", "Yes", "on", " on "])
    def test_true_values(self, raw):
        assert env_bool("DEBUG", False, environ={"DEBUG": raw}) is True

    @pytest.mark.parametrize("raw", ["0", "false", "False", "no", "OFF", ""])
    def test_false_values(self, raw):
        assert env_bool("DEBUG", True, environ={"DEBUG": raw}) is False

    @pytest.mark.parametrize("default", [True, False])
    def test_default_when_unset(self, default):
        assert env_bool("DEBUG", default, environ={}) is default

    @pytest.mark.parametrize("raw", ["2", "ya", "enabled", "truee", "-1"])
    def test_bad_value_names_variable_and_value(self, raw):
        with pytest.raises(ConfigError) as exc:
            env_bool("EMAIL_USE_TLS", False, environ={"EMAIL_USE_TLS": raw})
        message = one_line(exc)
        assert message.startswith("EMAIL_USE_TLS ")
        assert repr(raw) in message


class TestEnvInt:
    def test_value(self):
        assert env_int("EMAIL_PORT", 587, environ={"EMAIL_PORT": " 2525 "}) == 2525

    @pytest.mark.parametrize("environ", [{}, {"EMAIL_PORT": ""}, {"EMAIL_PORT": "  "}])
    def test_default_when_unset_or_blank(self, environ):
        assert env_int("EMAIL_PORT", 587, environ=environ) == 587

    @pytest.mark.parametrize("raw", ["abc", "5.5", "1e3", "25 25"])
    def test_not_a_number(self, raw):
        with pytest.raises(ConfigError) as exc:
            env_int("EMAIL_PORT", 587, environ={"EMAIL_PORT": raw})
        message = one_line(exc)
        assert "EMAIL_PORT" in message
        assert "whole number" in message

    def test_bounds_are_inclusive(self):
        env = {"N": "1"}
        assert env_int("N", 5, minimum=1, maximum=1, environ=env) == 1

    def test_below_minimum(self):
        with pytest.raises(ConfigError) as exc:
            env_int(
                "LOGIN_FAILURE_LIMIT",
                5,
                minimum=1,
                maximum=100,
                environ={"LOGIN_FAILURE_LIMIT": "0"},
            )
        message = one_line(exc)
        assert "LOGIN_FAILURE_LIMIT" in message
        assert "at least 1" in message

    def test_above_maximum(self):
        with pytest.raises(ConfigError) as exc:
            env_int("EMAIL_PORT", 587, minimum=1, maximum=65535, environ={"EMAIL_PORT": "70000"})
        message = one_line(exc)
        assert "EMAIL_PORT" in message
        assert "at most 65535" in message

    def test_default_is_not_range_checked_against_env(self):
        # An unset variable yields the default even if the bounds would reject "0".
        assert env_int("PROXY_COUNT", 0, minimum=0, maximum=5, environ={}) == 0


class TestEnvList:
    def test_comma_separated_and_trimmed(self):
        environ = {"ALLOWED_HOSTS": " jembatan.example.id, ,www.example.id ,"}
        assert env_list("ALLOWED_HOSTS", [], environ=environ) == [
            "jembatan.example.id",
            "www.example.id",
        ]

    def test_default_is_a_copy(self):
        default = ["localhost"]
        result = env_list("ALLOWED_HOSTS", default, environ={})
        assert result == ["localhost"]
        result.append("evil.example")
        assert default == ["localhost"]

    def test_empty_value_is_empty_list(self):
        assert env_list("ALLOWED_HOSTS", ["localhost"], environ={"ALLOWED_HOSTS": ""}) == []


class TestEnvTimezone:
    @pytest.mark.parametrize("tz", ["Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "UTC"])
    def test_known_zones(self, tz):
        assert env_timezone("TIME_ZONE", "UTC", environ={"TIME_ZONE": tz}) == tz

    def test_default(self):
        assert env_timezone("TIME_ZONE", "Asia/Jakarta", environ={}) == "Asia/Jakarta"
        assert (
            env_timezone("TIME_ZONE", "Asia/Jakarta", environ={"TIME_ZONE": ""}) == "Asia/Jakarta"
        )

    @pytest.mark.parametrize(
        "tz", ["Asia/Bengkayang", "WIB", "GMT+7x", "../../etc/passwd", "/etc/localtime", "Asia"]
    )
    def test_unknown_zone(self, tz):
        with pytest.raises(ConfigError) as exc:
            env_timezone("TIME_ZONE", "Asia/Jakarta", environ={"TIME_ZONE": tz})
        message = one_line(exc)
        assert message.startswith("TIME_ZONE ")
        assert "time zone" in message


class TestParseDatabaseUrl:
    def test_sqlite_file_gets_wal_and_immediate_transactions(self, tmp_path):
        config = parse_database_url(f"sqlite:///{tmp_path}/db.sqlite3")
        assert config["ENGINE"] == "django.db.backends.sqlite3"
        assert config["NAME"] == f"{tmp_path}/db.sqlite3"
        init = config["OPTIONS"]["init_command"]
        assert "journal_mode=WAL" in init
        assert "busy_timeout=" in init
        assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"

    def test_sqlite_options_work_in_django(self, tmp_path, django_db_blocker):
        """Django's SQLite backend accepts the options and WAL is really switched on."""
        from django.db.backends.sqlite3.base import DatabaseWrapper

        config = parse_database_url(f"sqlite:///{tmp_path}/db.sqlite3")
        config.setdefault("TIME_ZONE", None)
        config.setdefault("AUTOCOMMIT", True)
        config.setdefault("ATOMIC_REQUESTS", False)
        wrapper = DatabaseWrapper(config, alias="env-test")
        with django_db_blocker.unblock():
            try:
                with wrapper.cursor() as cursor:
                    cursor.execute("PRAGMA journal_mode")
                    assert cursor.fetchone()[0] == "wal"
                    cursor.execute("PRAGMA busy_timeout")
                    assert cursor.fetchone()[0] == 5000
            finally:
                wrapper.close()

    def test_explicit_memory_database_is_allowed(self):
        assert parse_database_url("sqlite:///:memory:")["NAME"] == ":memory:"

    @pytest.mark.parametrize("url", ["sqlite://", "sqlite:///"])
    def test_sqlite_without_file_is_refused(self, url):
        # dj-database-url silently maps these to an in-memory database: data would vanish.
        with pytest.raises(ConfigError) as exc:
            parse_database_url(url)
        message = one_line(exc)
        assert "DATABASE_URL" in message
        assert "SQLite file" in message

    @pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
    def test_postgres(self, scheme):
        config = parse_database_url(f"{scheme}://jembatan:{SECRET}@db.internal:5433/jembatan")
        assert config["ENGINE"] == "jembatan.core.postgresql"  # Django's, checked by poll
        assert config["NAME"] == "jembatan"
        assert config["USER"] == "jembatan"
        assert config["PASSWORD"] == SECRET
        assert config["HOST"] == "db.internal"
        assert int(config["PORT"]) == 5433
        assert config["CONN_MAX_AGE"] == 60
        assert config["CONN_HEALTH_CHECKS"] is True
        assert "OPTIONS" not in config or "init_command" not in config["OPTIONS"]

    def test_postgres_query_options(self):
        config = parse_database_url("postgres://u@h/db?sslmode=require")
        assert config["OPTIONS"] == {"sslmode": "require"}

    @pytest.mark.parametrize(
        "url", ["mysql://u:{pw}@h/db", "http://u:{pw}@h/db", "h/db", "", "postgress://h/db"]
    )
    def test_unknown_scheme(self, url):
        with pytest.raises(ConfigError) as exc:
            parse_database_url(url.format(pw=SECRET))
        message = one_line(exc)
        assert message.startswith("DATABASE_URL ")
        assert "sqlite:///" in message
        assert "postgres://" in message
        assert SECRET not in message

    def test_name_parameter_is_used_in_messages(self):
        with pytest.raises(ConfigError) as exc:
            parse_database_url("mysql://h/db", name="REPLICA_URL")
        assert one_line(exc).startswith("REPLICA_URL ")

    @pytest.mark.parametrize("url", ["postgres://u:{pw}@h", "postgres://u:{pw}@h:5432/"])
    def test_postgres_without_database_name(self, url):
        with pytest.raises(ConfigError) as exc:
            parse_database_url(url.format(pw=SECRET))
        message = one_line(exc)
        assert "DATABASE_URL" in message
        assert "no database" in message
        assert SECRET not in message

    @pytest.mark.parametrize(
        "url",
        [
            "postgres://u:{pw}@h:99999/db",
            "postgres://u:{pw}@h:abc/db",
            "postgres://u:{pw}@h:-1/db",
            "postgres://u:{pw}@h:0/db",
            "postgres://u:{pw}@[::1/db",
        ],
    )
    def test_bad_port_or_host(self, url):
        with pytest.raises(ConfigError) as exc:
            parse_database_url(url.format(pw=SECRET))
        message = one_line(exc)
        assert message.startswith("DATABASE_URL ")
        assert SECRET not in message


class TestParseRedisUrl:
    @pytest.mark.parametrize(
        "url",
        [
            "redis://127.0.0.1:6379/0",
            f"redis://:{SECRET}@cache.internal:6379/1",
            "rediss://cache.internal:6380/2",
            "unix:///run/redis/redis.sock",
        ],
    )
    def test_good_urls_are_returned_unchanged(self, url):
        assert parse_redis_url(url) == url

    @pytest.mark.parametrize(
        "url", ["http://h:6379/0", "memcached://h", "127.0.0.1:6379", "", "redis+tls://h"]
    )
    def test_bad_scheme(self, url):
        with pytest.raises(ConfigError) as exc:
            parse_redis_url(url)
        message = one_line(exc)
        assert message.startswith("REDIS_URL ")
        assert "redis://" in message

    @pytest.mark.parametrize("url", ["redis:///0", "redis://:{pw}@/0", "rediss://"])
    def test_no_host(self, url):
        with pytest.raises(ConfigError) as exc:
            parse_redis_url(url.format(pw=SECRET))
        message = one_line(exc)
        assert message.startswith("REDIS_URL ")
        assert "no host" in message
        assert SECRET not in message

    @pytest.mark.parametrize(
        "url", ["redis://:{pw}@h:99999/0", "redis://:{pw}@h:port/0", "redis://:{pw}@h:0/0"]
    )
    def test_bad_port(self, url):
        with pytest.raises(ConfigError) as exc:
            parse_redis_url(url.format(pw=SECRET))
        message = one_line(exc)
        assert message.startswith("REDIS_URL ")
        assert "port" in message
        assert SECRET not in message

    def test_name_parameter_is_used_in_messages(self):
        with pytest.raises(ConfigError) as exc:
            parse_redis_url("http://h", name="CELERY_BROKER_URL")
        assert one_line(exc).startswith("CELERY_BROKER_URL ")

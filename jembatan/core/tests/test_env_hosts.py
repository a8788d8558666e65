"""env_host_map (KIM_HOSTS) and how the settings check it against ALLOWED_HOSTS."""

from __future__ import annotations

import pytest

from jembatan.core.tests.test_settings import (
    assert_one_line_config_error,
    production_env,
    run_manage,
)
from jembatan.env import ConfigError, env_host_map


def one_line(exc: pytest.ExceptionInfo[ConfigError]) -> str:
    message = str(exc.value)
    assert "\n" not in message, message
    return message


class TestEnvHostMap:
    def test_unset_or_empty_is_no_mapping(self):
        assert env_host_map("KIM_HOSTS", environ={}) == {}
        assert env_host_map("KIM_HOSTS", environ={"KIM_HOSTS": ""}) == {}
        assert env_host_map("KIM_HOSTS", environ={"KIM_HOSTS": " , "}) == {}

    def test_one_pair(self):
        environ = {"KIM_HOSTS": "sebalo.kim.bengkayangkab.go.id=sebalo"}
        assert env_host_map("KIM_HOSTS", environ=environ) == {
            "sebalo.kim.bengkayangkab.go.id": "sebalo"
        }

    def test_pairs_are_trimmed_and_hosts_lowercased_slugs_kept(self):
        environ = {"KIM_HOSTS": " Sebalo.KIM.Example.ID. = kim-Sebalo_1 ,kim-b.id=kim-b, "}
        assert env_host_map("KIM_HOSTS", environ=environ) == {
            "sebalo.kim.example.id": "kim-Sebalo_1",
            "kim-b.id": "kim-b",
        }

    def test_several_hosts_may_serve_one_kim(self):
        environ = {"KIM_HOSTS": "kim-sebalo.id=sebalo,www.kim-sebalo.id=sebalo"}
        assert set(env_host_map("KIM_HOSTS", environ=environ).values()) == {"sebalo"}

    @pytest.mark.parametrize(
        "value",
        [
            "sebalo.example.id",  # no "="
            "=sebalo",  # no host
            "sebalo.example.id=",  # no slug
            "sebalo.example.id=a=b",  # not a slug
            "sebalo.example.id=kim sebalo",  # not a slug
            "sebalo example.id=sebalo",  # space in the host
            "sebalo.example.id:8000=sebalo",  # a port
            "https://sebalo.example.id=sebalo",  # a URL, not a host
            "-sebalo.example.id=sebalo",  # label starting with a hyphen
            "sebalo..example.id=sebalo",  # empty label
            "*.example.id=sebalo",  # wildcard
            "a.example.id=a;b.example.id=b",  # wrong separator
        ],
    )
    def test_malformed_pairs_are_refused_in_one_line_naming_the_variable(self, value):
        with pytest.raises(ConfigError) as exc:
            env_host_map("KIM_HOSTS", environ={"KIM_HOSTS": value})
        message = one_line(exc)
        assert message.startswith("KIM_HOSTS ")
        assert "host=kim-slug" in message

    def test_a_host_named_twice_is_refused(self):
        with pytest.raises(ConfigError) as exc:
            env_host_map("KIM_HOSTS", environ={"KIM_HOSTS": "a.example.id=a,A.example.id=b"})
        message = one_line(exc)
        assert "KIM_HOSTS" in message
        assert "a.example.id" in message


class TestSettings:
    def test_mapped_host_must_be_allowed(self, tmp_path):
        env = production_env(tmp_path, KIM_HOSTS="sebalo.kim.example.id=sebalo")
        line = assert_one_line_config_error(run_manage(env, "check"))
        assert "KIM_HOSTS" in line
        assert "ALLOWED_HOSTS" in line
        assert "sebalo.kim.example.id" in line

    def test_malformed_kim_hosts_stops_the_server(self, tmp_path):
        env = production_env(tmp_path, KIM_HOSTS="sebalo.kim.example.id")
        line = assert_one_line_config_error(run_manage(env, "check"))
        assert "KIM_HOSTS" in line

    def test_mapped_hosts_accepted_by_allowed_hosts(self, tmp_path):
        env = production_env(
            tmp_path,
            ALLOWED_HOSTS="jembatan.example.id,.kim.example.id,kim-b.id",
            KIM_HOSTS="Sebalo.KIM.example.id=sebalo,kim-b.id=kim-b",
        )
        result = run_manage(
            env, "shell", "-c", "from django.conf import settings; print(settings.KIM_HOSTS)"
        )
        assert result.returncode == 0, result.stderr
        expected = "{'sebalo.kim.example.id': 'sebalo', 'kim-b.id': 'kim-b'}"
        assert result.stdout.strip().splitlines()[-1] == expected

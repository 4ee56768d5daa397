"""Settings fail closed outside dev, and never echo secrets in their errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from madoguchi.shared.settings import InsecureSettingsError, ServiceSettings, settings_config

pytestmark = pytest.mark.fast


class DemoSettings(ServiceSettings):
    model_config = settings_config("demo")


def test_prod_refuses_missing_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MADOGUCHI_ENV", "prod")
    with pytest.raises(InsecureSettingsError, match=r"nats\.password") as err:
        DemoSettings().require_secure()
    assert "TLS" in str(err.value)


def test_prod_refuses_default_password_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MADOGUCHI_ENV", "prod")
    monkeypatch.setenv("MADOGUCHI_DEMO_NATS__USER", "demo")
    monkeypatch.setenv("MADOGUCHI_DEMO_NATS__PASSWORD", "changeme")
    monkeypatch.setenv("MADOGUCHI_DEMO_NATS__URL", "tls://nats:4222")
    with pytest.raises(InsecureSettingsError) as err:
        DemoSettings().require_secure()
    assert "changeme" not in str(err.value)


def test_prod_accepts_real_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MADOGUCHI_ENV", "prod")
    monkeypatch.setenv("MADOGUCHI_DEMO_NATS__USER", "demo")
    monkeypatch.setenv("MADOGUCHI_DEMO_NATS__PASSWORD", "a-long-generated-secret")
    monkeypatch.setenv("MADOGUCHI_DEMO_NATS__URL", "tls://nats:4222")
    settings = DemoSettings().require_secure()
    assert settings.nats.user == "demo"


def test_dev_allows_local_shortcuts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MADOGUCHI_ENV", "dev")
    assert DemoSettings().require_secure().nats.password is None


@pytest.mark.parametrize("service", ["ingest", "recognition", "translation", "redaction", "audit"])
def test_every_service_refuses_to_start_insecure(service: str) -> None:
    env = {"MADOGUCHI_ENV": "prod", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", f"madoguchi.{service}"], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "refusing to start" in result.stderr

"""Every service as a real process (`python -m madoguchi.<service>`), for whole-stack tests.

Each process runs as deployed (TLS, its own NATS user; prod mode except translation, whose
labelled test-fixture model is refused in prod) and exports its spans over OTLP/HTTP to
`otlp_endpoint`. Model folders are passed in: shared code never imports a service.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.embedded.services import ServiceProcess

TOKEN_SECRET = "observability-test-token-secret-0123456789"


@functools.cache
def test_signer_public_key() -> str:
    """A checkpoint signer's public key (hex) for audit processes run in prod mode, which
    refuse to start without one to pin. Its private half is never used."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def audit_env(postgres_dsn: str) -> dict[str, str]:
    """What an audit process needs besides NATS: its database and the pinned signer key."""
    return {"DATABASE__DSN": postgres_dsn, "CHECKPOINT_PUBLIC_KEY": test_signer_public_key()}
START_ORDER = ("audit", "redaction", "translation", "synthesis", "recognition", "ingest")


@dataclass(frozen=True)
class StackModels:
    whisper_models_dir: Path  # a ModelStore folder holding whisper-base
    translation_model_dir: Path  # a converted CTranslate2 model folder


@contextlib.contextmanager
def running_stack(secure: SecureNats, log_dir: Path, *, postgres_dsn: str, models: StackModels,
                  otlp_endpoint: str, extra: Mapping[str, Mapping[str, str]] | None = None,
                  ) -> Iterator[dict[str, ServiceProcess]]:
    env: dict[str, dict[str, str]] = {
        "audit": audit_env(postgres_dsn),
        "redaction": {},
        "translation": {"MODEL_DIR": str(models.translation_model_dir),
                        "ALLOW_TEST_FIXTURE": "true"},
        "recognition": {"MODELS_DIR": str(models.whisper_models_dir)},
        "synthesis": {"MODELS_DIR": str(models.whisper_models_dir)},  # no imported voices
        "ingest": {"AUTH__TOKEN_SECRET": TOKEN_SECRET},
    }
    processes: dict[str, ServiceProcess] = {}
    try:
        for name in START_ORDER:  # started together: model loads overlap
            values = env[name] | {"OTEL__ENDPOINT": otlp_endpoint} | dict((extra or {}).get(
                name, {}))
            processes[name] = ServiceProcess(
                name, secure.settings_for(name), log_dir, values,
                mode="test" if name == "translation" else "prod").start(wait_ready=0)
        for process in processes.values():
            process.wait_ready(240)
        yield processes
    finally:
        for process in processes.values():
            process.stop()  # SIGTERM: the span processors flush on a clean exit

"""`python -m madoguchi.recognition`"""

from __future__ import annotations

import logging

from madoguchi.recognition.service import StartupError, attach, load_engines
from madoguchi.recognition.settings import RecognitionSettings
from madoguchi.shared.runtime import run_service
from madoguchi.shared.runtime.logs import configure_logging
from madoguchi.shared.settings import InsecureSettingsError
from madoguchi.shared.telemetry import configure_telemetry

log = logging.getLogger("madoguchi.recognition")


def main() -> None:
    settings = RecognitionSettings()
    configure_logging("recognition", settings.log_level, settings.log_format)
    try:
        settings.require_secure()
    except InsecureSettingsError:
        run_service("recognition", settings)  # reports which settings are unsafe, exits 2
        return
    configure_telemetry("recognition", settings.otel)  # before the model load it times
    try:
        # Before connecting: a missing or corrupt model is a start-up error, not a consumer
        # that takes messages it cannot process.
        engines = load_engines(settings)
    except StartupError as exc:
        log.error("refusing to start: %s", exc)
        raise SystemExit(2) from None
    run_service("recognition", settings, lambda runtime: attach(runtime, engines, settings))


if __name__ == "__main__":
    main()

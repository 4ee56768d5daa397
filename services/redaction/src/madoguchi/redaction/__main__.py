"""`python -m madoguchi.redaction`"""

from __future__ import annotations

import logging
from collections.abc import Callable

from madoguchi.redaction.settings import RedactionSettings
from madoguchi.redaction.worker import RedactionHandler, SourceEvent
from madoguchi.shared.runtime import ServiceRuntime, Stage, run

log = logging.getLogger(__name__)


def setup(settings: RedactionSettings) -> Callable[[ServiceRuntime], None]:
    def _setup(runtime: ServiceRuntime) -> None:
        from madoguchi.redaction.detector import Detector

        # Loading GiNZA and the English pipeline takes seconds; it happens before the consumer
        # binds, so no message waits on a half-loaded analyzer.
        detector = Detector()
        log.info("detector loaded", extra={"model_id": detector.version[:200]})
        handler = RedactionHandler(detector)
        # Several in hand: the next event is decoded while the analyzer works on this one.
        runtime.consume(Stage(SourceEvent, handler.handle, concurrency=settings.concurrency,
                              drop_after_close=True))
    return _setup


def main() -> None:
    settings = RedactionSettings()
    run("redaction", settings, setup(settings))


if __name__ == "__main__":
    main()

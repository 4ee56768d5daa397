"""`python -m madoguchi.redaction`"""

from __future__ import annotations

import logging

from madoguchi.redaction.detector import Detector
from madoguchi.redaction.settings import RedactionSettings
from madoguchi.redaction.worker import RedactionWorker
from madoguchi.shared.contracts import UtteranceTranscribed, UtteranceTranslated
from madoguchi.shared.runtime import ServiceRuntime, run_service

log = logging.getLogger(__name__)


def setup(runtime: ServiceRuntime) -> None:
    # Loading GiNZA and the English pipeline takes seconds; it happens before the consumer
    # binds, so no message waits on a half-loaded analyzer.
    detector = Detector()
    log.info("detector loaded", extra={"model_id": detector.version[:200]})
    worker = RedactionWorker(lambda: runtime.js, detector)
    runtime.consume(UtteranceTranscribed | UtteranceTranslated, worker.handle)


def main() -> None:
    run_service("redaction", RedactionSettings(), setup)


if __name__ == "__main__":
    main()

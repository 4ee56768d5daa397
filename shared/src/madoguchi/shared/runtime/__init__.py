"""How every service process starts, consumes, reports health and stops: `run()`."""

from madoguchi.shared.runtime.outcome import NOTHING, Context, Outcome, Refusal, Stage
from madoguchi.shared.runtime.service import ServiceRuntime, StartupError, run

__all__ = ["NOTHING", "Context", "Outcome", "Refusal", "ServiceRuntime", "Stage",
           "StartupError", "run"]

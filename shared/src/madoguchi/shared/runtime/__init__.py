"""How every service process starts, reports health, consumes and stops."""

from madoguchi.shared.runtime.service import ServiceRuntime, run_service

__all__ = ["ServiceRuntime", "run_service"]

"""The meaning check (issue 19): warn when a translation may have changed what was said."""

from madoguchi.translation.meaning.check import CheckResult, Terms, Warning, check, negated
from madoguchi.translation.meaning.values import Value, extract

__all__ = ["CheckResult", "Terms", "Value", "Warning", "check", "extract", "negated"]

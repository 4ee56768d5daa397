"""Render the chart's NATS users from `madoguchi.shared.permissions` (the one source of truth).

The users list lives in charts/madoguchi/values.yaml between the GENERATED markers, because the
official NATS subchart only takes configuration through values. `test_nats_users.py` fails when
that block drifts from the Python table; after a deliberate permissions change run:

    .venv/bin/python tests/chart/nats_users.py --write
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from madoguchi.shared.permissions import all_permissions

VALUES = Path(__file__).resolve().parents[2] / "charts" / "madoguchi" / "values.yaml"
BEGIN = "# BEGIN GENERATED nats-users"
END = "# END GENERATED nats-users"


def password_env(user: str) -> str:
    """The NATS container env var holding `user`'s password (from Secret madoguchi-nats-users)."""
    return f"MADOGUCHI_NATS_PASSWORD_{user.upper()}"


def expected_users() -> list[dict[str, Any]]:
    # `<< $VAR >>` is the NATS chart's syntax for an unquoted NATS-config variable reference:
    # nats-server resolves it from its environment, so no password is ever in values or config.
    return [
        {
            "user": name,
            "password": f"<< ${password_env(name)} >>",
            "permissions": perms.as_config(),
        }
        for name, perms in sorted(all_permissions().items())
    ]


def render_block(indent: str) -> str:
    body = yaml.safe_dump({"users": expected_users()}, sort_keys=False, width=1000)
    return "".join(f"{indent}{line}\n" for line in body.splitlines())


def rewrite(text: str) -> str:
    start = text.index(BEGIN)
    line_start = text.rindex("\n", 0, start) + 1
    indent = text[line_start:start]
    end = text.index(END)
    end_line_start = text.rindex("\n", 0, end) + 1
    return text[: start + len(BEGIN)] + "\n" + render_block(indent) + text[end_line_start:]


def main(argv: list[str]) -> int:
    current = VALUES.read_text(encoding="utf-8")
    wanted = rewrite(current)
    if "--write" in argv:
        VALUES.write_text(wanted, encoding="utf-8")
        return 0
    if wanted != current:
        print("charts/madoguchi/values.yaml NATS users drifted; run with --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

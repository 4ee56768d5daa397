"""`python -m madoguchi.ingest`"""

from __future__ import annotations

from madoguchi.ingest.service import main

if __name__ == "__main__":
    main()

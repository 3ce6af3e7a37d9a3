"""Write the platform's OpenAPI document (embedded app, all five services) without starting a server.

Used by ``console/scripts/gen-client.sh`` to regenerate ``src/api/schema.d.ts`` with openapi-typescript.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from fupin.embedded import create_app
from shared.settings import FupinSettings


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("console/openapi.json")
    with tempfile.TemporaryDirectory() as tmp:
        # env=test so the development routes the console calls (the sign-in picker's token) are described.
        app = create_app(FupinSettings(env="test", data_dir=Path(tmp), run_consumers=False))
        out.write_text(json.dumps(app.openapi(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

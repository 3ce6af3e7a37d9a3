"""What the import routes return: the report of a file's problems."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ImportProblem(BaseModel):
    row: int = Field(description="spreadsheet row number (the header is row 1)")
    column: str | None = Field(description="the Chinese column header")
    value: str | None = Field(description="the cell as given (identity numbers masked)")
    reason: str


class ImportReport(BaseModel):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "dry_run": True,
                    "valid": False,
                    "applied": False,
                    "rows": 3,
                    "villages_new": 1,
                    "households": 1,
                    "members": 3,
                    "errors": [{"row": 3, "column": "身份证号", "value": "440232********0011", "reason": "身份证号重复（第 2 行）"}],
                }
            ]
        }
    }

    dry_run: bool
    valid: bool
    applied: bool
    rows: int
    villages_new: int
    households: int
    members: int
    errors: list[ImportProblem] = Field(description="the first 100 problems found (``error_count`` counts them all)")
    error_count: int = Field(0, description="how many problems the file has in all")

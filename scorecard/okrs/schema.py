"""The published JSON Schema of the OKR spec format (okrs/okr-spec.schema.json), made from the pydantic models.

Regenerate with `python -m scorecard.okrs.schema > okrs/okr-spec.schema.json`; a test keeps the two in sync.
"""

from __future__ import annotations

import json

from scorecard.okrs.model import OkrFile

SCHEMA_ID = "https://scorecard.dev/schemas/okr-spec.schema.json"


def okr_json_schema() -> dict:
    schema = OkrFile.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render() -> str:
    return json.dumps(okr_json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render(), end="")

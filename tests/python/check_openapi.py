"""Validates the sync server's OpenAPI document, and real responses against
the schemas it gives for them.

    check_openapi.py INPUT.json

INPUT holds {"document": <the OpenAPI document>, "samples": [{"label", "schema",
"instance"}]}. Exit 0 when the document is a valid OpenAPI 3.1 document and
every instance validates; otherwise exit 1 and print one line per failure.
"""

import json
import sys

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate


def main(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    document = data["document"]
    failures = []
    try:
        validate(document)
    except Exception as e:  # the validator raises its own error types
        # The first line names the problem; the rest dumps the meta-schema.
        failures.append(f"the document is not valid OpenAPI: {str(e).splitlines()[0]}")
    for sample in data["samples"]:
        schema = dict(sample["schema"])
        schema["components"] = document["components"]
        errors = sorted(Draft202012Validator(schema).iter_errors(sample["instance"]), key=lambda e: list(e.absolute_path))
        for error in errors[:3]:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            failures.append(f"{sample['label']}: {where}: {error.message}")
    for line in failures:
        print(line)
    print(f"checked the document and {len(data['samples'])} responses: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

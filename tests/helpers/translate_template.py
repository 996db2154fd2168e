"""Run by the SAM CLI's own Python (see sam.py), never imported: prints the translated template.

usage: python translate_template.py TEMPLATE PARAMETERS_JSON
"""

import json
import sys
from typing import Any

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class _NoManagedPolicies:
    """Offline: SAM asks IAM for managed policy ARNs only when a template names them."""

    def load(self) -> dict[str, str]:
        return {}


def _with_packaged_code(template: dict[str, Any]) -> dict[str, Any]:
    """As `sam validate` does: the translator wants S3 code locations, not the local folder."""
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties") or {}
        code = properties.get("CodeUri")
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(code, str):
            properties["CodeUri"] = code if code.startswith("s3://") else "s3://bucket/code.zip"
    return template


def main() -> int:
    template_path, parameters = sys.argv[1], json.loads(sys.argv[2])
    with open(template_path, encoding="utf-8") as source:
        template = _with_packaged_code(yaml_parse(source.read()))
    try:
        translated = transform(template, parameters, _NoManagedPolicies())
    except InvalidDocumentException as exc:
        for cause in exc.causes:
            print(cause.message, file=sys.stderr)
        return 1
    print(json.dumps(translated, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The local stack behind `make dev` and the tests: DynamoDB Local, moto's Cognito, uvicorn.

Development only: nothing here is imported by the app, and the Lambda build leaves it out.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]

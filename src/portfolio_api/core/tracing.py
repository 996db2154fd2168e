"""X-Ray through the Powertools Tracer: the invocation, and a subsegment per AWS call.

It patches botocore alone, so each DynamoDB and Cognito call is a subsegment, recording the
operation and, for DynamoDB, the table: never keys, bodies or Cognito's parameters (a password,
a session). The handler is traced without its response or errors (a sign-in's response holds
tokens). Outside Lambda the Tracer turns itself off, and the X-Ray SDK is never imported.
"""

from aws_lambda_powertools import Tracer

from portfolio_api.core.metrics import SERVICE

tracer = Tracer(service=SERVICE, patch_modules=("botocore",))

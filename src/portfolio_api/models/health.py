from typing import Literal

from portfolio_api.models.base import ResponseSchema


class HealthResponse(ResponseSchema):
    status: Literal["ok"]
    dynamodb: Literal["ok"]
    environment: str
    version: str

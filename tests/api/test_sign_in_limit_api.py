"""Failed sign-ins limited per client over HTTP: one guessing client locks out itself alone.

The clients are told apart by X-Forwarded-For, which the app reads here because the settings
trust one proxy hop (API Gateway's sourceIp plays that part on AWS).
"""

from collections.abc import Iterator

import httpx
import pytest

from portfolio_api.config import Settings
from portfolio_api.factory import create_app
from tests.helpers.app import serve
from tests.helpers.cognito import UserPoolFixture
from tests.helpers.concurrency import at_once

LOGIN = "/v1/auth/login"
LIMIT = 3
GUESSER = {"X-Forwarded-For": "198.51.100.66"}
OWNER_ADDRESS = {"X-Forwarded-For": "203.0.113.5"}


@pytest.fixture
def limited_api(settings: Settings) -> Iterator[httpx.Client]:
    behind_a_proxy = settings.model_copy(
        update={"trusted_proxy_hops": 1, "login_failures_per_client": LIMIT}
    )
    with serve(create_app(settings=behind_a_proxy)) as client:
        yield client


def _login(
    api: httpx.Client, *, email: str, password: str, client: dict[str, str]
) -> httpx.Response:
    return api.post(LOGIN, json={"email": email, "password": password}, headers=client)


def test_a_client_that_keeps_guessing_gets_a_429_and_the_owner_still_signs_in(
    limited_api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    owner = user_pool.owner
    # GIVEN a client that guessed the owner's password wrong three times
    guesses = [
        _login(limited_api, email=owner.email, password=f"Wrong-{n}!", client=GUESSER)
        for n in range(LIMIT)
    ]
    assert [guess.status_code for guess in guesses] == [401] * LIMIT
    # WHEN it tries again, even with the right password
    refused = _login(limited_api, email=owner.email, password=owner.password, client=GUESSER)
    # THEN it alone waits, told for how long, in the error envelope
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 900
    body = refused.json()
    assert body["statusCode"] == 429
    assert body["details"]["retryAfterSeconds"] == int(refused.headers["Retry-After"])
    # AND the owner, from another address, signs in
    signed_in = _login(
        limited_api, email=owner.email, password=owner.password, client=OWNER_ADDRESS
    )
    assert signed_in.status_code == 200


def test_successful_sign_ins_use_up_nothing(
    limited_api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    owner = user_pool.owner
    for _ in range(LIMIT + 2):
        ok = _login(limited_api, email=owner.email, password=owner.password, client=GUESSER)
        assert ok.status_code == 200
    wrong = _login(limited_api, email=owner.email, password="Wrong-Passw0rd!", client=GUESSER)
    assert wrong.status_code == 401


def test_racing_guesses_never_pass_the_limit_together(
    limited_api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    # WHEN ten wrong guesses from one client arrive at once
    def guess(number: int) -> int:
        with httpx.Client(base_url=str(limited_api.base_url), timeout=30) as client:
            response = _login(
                client, email=user_pool.owner.email, password=f"Wrong-{number}!", client=GUESSER
            )
            return response.status_code

    statuses = at_once(10, guess)
    # THEN DynamoDB let exactly the limit reach Cognito, and refused the rest
    assert sorted(statuses) == [401] * LIMIT + [429] * (10 - LIMIT)

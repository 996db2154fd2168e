"""Sign-in end to end over HTTP: the real app, moto's Cognito, a DynamoDB Local table."""

import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest
from botocore.stub import Stubber
from fastapi import FastAPI
from jose import jwt

from portfolio_api.api.deps import OptionalUser, Owner
from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.devstack.cognito import cognito_client, create_user
from portfolio_api.devstack.processes import free_port
from portfolio_api.factory import create_app
from portfolio_api.models.auth import UserPublic
from portfolio_api.repositories.sessions import SessionRepository
from tests.helpers.app import serve
from tests.helpers.aws import REGION
from tests.helpers.clock import FastForwardClock
from tests.helpers.cognito import Account, UserPoolFixture, bearer, login
from tests.helpers.logs import captured_logs

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

INVALID_TOKEN = 'Bearer error="invalid_token"'
PASSWORD = "Mixed-Case-Passw0rd!"


def test_the_owner_signs_in_and_is_the_owner(api: httpx.Client, user_pool: UserPoolFixture) -> None:
    # WHEN the owner signs in
    body = login(api, user_pool.owner)
    # THEN the contract's fields and the additions are there
    assert set(body) == {"user", "token", "accessToken", "refreshToken", "expiresIn"}
    assert body["user"]["email"] == user_pool.owner.email
    assert body["user"]["name"] == "Test Owner"
    assert body["user"]["role"] == "owner"
    assert body["expiresIn"] > 0
    # AND the ID token identifies the same user on /me
    me = api.get("/v1/auth/me", headers=bearer(body["token"]))
    assert me.status_code == 200
    assert me.json() == body["user"]


def test_a_user_outside_the_owner_group_is_public(
    api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    body = login(api, user_pool.reader)
    assert body["user"]["role"] == "public"
    assert api.get("/v1/auth/me", headers=bearer(body["token"])).json()["role"] == "public"


def test_wrong_password_and_unknown_user_look_the_same(
    api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    wrong_password = api.post(
        "/v1/auth/login", json={"email": user_pool.owner.email, "password": "Wrong-Passw0rd!"}
    )
    unknown_user = api.post(
        "/v1/auth/login", json={"email": "nobody@example.com", "password": "Wrong-Passw0rd!"}
    )
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json() == unknown_user.json()
    assert wrong_password.json()["message"] == "Invalid email or password"


@pytest.mark.usefixtures("own_user_pool")
def test_a_cognito_challenge_is_a_clear_4xx(api: httpx.Client, user_pool: UserPoolFixture) -> None:
    # GIVEN a user created with a temporary password, who must set a new one
    client = cognito_client(endpoint_url=user_pool.pool.endpoint_url, region=REGION)
    client.admin_create_user(
        UserPoolId=user_pool.pool.user_pool_id,
        Username="new@example.com",
        TemporaryPassword="Temporary-Passw0rd!",
        MessageAction="SUPPRESS",
    )
    # WHEN they sign in
    response = api.post(
        "/v1/auth/login", json={"email": "new@example.com", "password": "Temporary-Passw0rd!"}
    )
    # THEN the answer names the step, not a 500, with the session that answers it
    assert response.status_code == 403
    details = response.json()["details"]
    assert set(details) == {"challenge", "session"}
    assert details["challenge"] == "NEW_PASSWORD_REQUIRED"
    assert len(details["session"]) >= 20


def test_a_challenge_the_api_does_not_finish_is_named_without_a_session(settings: Settings) -> None:
    # GIVEN Cognito answering a login with SMS MFA, a step this API does not perform
    cognito = cognito_client(endpoint_url="http://127.0.0.1:1", region=REGION)
    stubber = Stubber(cognito)
    stubber.add_response(
        "initiate_auth",
        {"ChallengeName": "SMS_MFA", "Session": "s" * 40, "ChallengeParameters": {}},
    )
    stubber.activate()
    app = create_app(settings=settings, container=build_container(settings, cognito=cognito))
    # WHEN the owner signs in
    with serve(app) as api:
        response = api.post("/v1/auth/login", json={"email": "a@b.co", "password": "whatever"})
    # THEN the 403 names the step and hands out no session
    assert response.status_code == 403
    assert response.json()["details"] == {"challenge": "SMS_MFA"}
    assert "Complete it in Cognito" in response.json()["message"]


def test_an_email_in_any_case_signs_in_as_the_lowercase_user(
    api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    # WHEN the owner types the address with capitals and spaces around it
    response = api.post(
        "/v1/auth/login",
        json={"email": "  Owner@Example.COM ", "password": user_pool.owner.password},
    )
    # THEN it is the owner, under the address as stored
    assert response.status_code == 200, response.text
    assert response.json()["user"]["email"] == "owner@example.com"
    assert response.json()["user"]["role"] == "owner"


@pytest.mark.usefixtures("own_user_pool")
def test_the_local_stack_creates_users_lowercase(
    api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    # GIVEN a local user created from a mixed-case address (OWNER_EMAIL, say)
    client = cognito_client(endpoint_url=user_pool.pool.endpoint_url, region=REGION)
    create_user(
        client, pool=user_pool.pool, email="Mixed.Case@Example.com", password=PASSWORD, name="M"
    )
    # WHEN they sign in, in either case THEN they are the lowercase user
    for typed in ("Mixed.Case@Example.com", "mixed.case@example.com"):
        body = login(api, Account(email=typed, password=PASSWORD))
        assert body["user"]["email"] == "mixed.case@example.com"


def _app_with_cognito_error(settings: Settings, code: str) -> FastAPI:
    cognito = cognito_client(endpoint_url="http://127.0.0.1:1", region=REGION)
    stubber = Stubber(cognito)
    stubber.add_client_error("initiate_auth", service_error_code=code, http_status_code=400)
    stubber.activate()
    return create_app(settings=settings, container=build_container(settings, cognito=cognito))


def test_cognito_throttling_is_429(settings: Settings) -> None:
    app = _app_with_cognito_error(settings, "TooManyRequestsException")
    with serve(app) as api:
        response = api.post("/v1/auth/login", json={"email": "a@b.co", "password": "whatever"})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "5"


def test_unreachable_cognito_is_503(settings: Settings) -> None:
    dead = settings.model_copy(update={"cognito_endpoint_url": f"http://127.0.0.1:{free_port()}"})
    with serve(create_app(settings=dead)) as api:
        response = api.post("/v1/auth/login", json={"email": "a@b.co", "password": "whatever"})
    assert response.status_code == 503
    assert response.json()["message"] == "Cognito cannot be reached"


def test_unreachable_jwks_is_503(settings: Settings, user_pool: UserPoolFixture) -> None:
    # GIVEN an app whose JWKS URL goes nowhere, and a genuine token
    with serve(create_app(settings=settings)) as api:
        token = login(api, user_pool.owner)["token"]
    dead = settings.model_copy(update={"cognito_jwks_url": f"http://127.0.0.1:{free_port()}/jwks"})
    # WHEN the token is presented
    with serve(create_app(settings=dead)) as api:
        response = api.get("/v1/auth/me", headers=bearer(token))
    # THEN it is the provider's fault, not the token's
    assert response.status_code == 503


def test_me_needs_a_token(api: httpx.Client) -> None:
    response = api.get("/v1/auth/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization", ["Bearer", "Bearer not-a-jwt", "Basic b3duZXI6cGFzcw==", "Token abc"]
)
def test_a_bad_authorization_header_is_invalid_token(api: httpx.Client, authorization: str) -> None:
    response = api.get("/v1/auth/me", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == INVALID_TOKEN
    assert set(response.json()) == {"error", "message", "statusCode", "details"}


def test_the_access_token_is_not_an_id_token(api: httpx.Client, user_pool: UserPoolFixture) -> None:
    access_token = login(api, user_pool.owner)["accessToken"]
    response = api.get("/v1/auth/me", headers=bearer(access_token))
    assert response.status_code == 401
    assert response.json()["message"] == "An ID token is required"


def test_a_token_from_another_pool_is_refused(
    api: httpx.Client, settings: Settings, user_pool: UserPoolFixture
) -> None:
    # GIVEN a token from a second pool on the same moto server, signed with the same static key
    other = user_pool.pool.user_pool_id.replace("_", "_x", 1)
    app = create_app(settings=settings.model_copy(update={"cognito_user_pool_id": other}))
    token = login(api, user_pool.owner)["token"]
    # WHEN it reaches an API configured for another pool
    with serve(app) as other_api:
        response = other_api.get("/v1/auth/me", headers=bearer(token))
    # THEN the issuer check refuses it
    assert response.status_code == 401
    assert "issuer" in response.json()["message"]


def test_refresh_gives_a_working_id_token(api: httpx.Client, user_pool: UserPoolFixture) -> None:
    refresh_token = login(api, user_pool.owner)["refreshToken"]
    response = api.post("/v1/auth/refresh", json={"refreshToken": refresh_token})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "accessToken", "expiresIn"}
    assert api.get("/v1/auth/me", headers=bearer(body["token"])).json()["role"] == "owner"


def test_an_invalid_refresh_token_is_401(api: httpx.Client) -> None:
    response = api.post("/v1/auth/refresh", json={"refreshToken": "not-a-refresh-token"})
    assert response.status_code == 401


@pytest.mark.usefixtures("own_user_pool")
def test_logout_revokes_every_earlier_token(api: httpx.Client, user_pool: UserPoolFixture) -> None:
    # GIVEN two sessions of the owner, and the reader signed in too
    first = login(api, user_pool.owner)
    second = login(api, user_pool.owner)
    reader = login(api, user_pool.reader)
    # WHEN the owner logs out from the first
    response = api.post("/v1/auth/logout", headers=bearer(first["token"]))
    assert response.status_code == 200
    assert response.json() == {"message": "Successfully logged out"}
    # THEN neither ID token works, nor either refresh token
    for session in (first, second):
        refused = api.get("/v1/auth/me", headers=bearer(session["token"]))
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == INVALID_TOKEN
        refresh = api.post("/v1/auth/refresh", json={"refreshToken": session["refreshToken"]})
        assert refresh.status_code == 401
    # AND the reader is untouched
    assert api.get("/v1/auth/me", headers=bearer(reader["token"])).status_code == 200


@pytest.mark.usefixtures("own_user_pool")
def test_signing_in_again_right_after_logout_works(
    api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    # GIVEN a logout
    old = login(api, user_pool.owner)
    assert api.post("/v1/auth/logout", headers=bearer(old["token"])).status_code == 200
    # WHEN the owner signs in again at once, likely within the same second
    new = login(api, user_pool.owner)
    # THEN the new token works while the old one stays refused
    assert api.get("/v1/auth/me", headers=bearer(new["token"])).status_code == 200
    assert api.get("/v1/auth/me", headers=bearer(old["token"])).status_code == 401


def test_logout_needs_a_token(api: httpx.Client) -> None:
    assert api.post("/v1/auth/logout").status_code == 401


@pytest.mark.usefixtures("own_user_pool")
def test_no_token_or_password_reaches_the_log_even_at_debug(
    settings: Settings, user_pool: UserPoolFixture, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN the app at LOG_LEVEL=DEBUG, with its own log and every library's captured
    app = create_app(settings=settings.model_copy(update={"log_level": "DEBUG"}))
    caplog.set_level(logging.DEBUG)
    # WHEN the owner fails to sign in, signs in, calls, refreshes, logs out and tries again
    with captured_logs() as logs, serve(app) as api:
        wrong = {"email": user_pool.owner.email, "password": "Wrong-password-1"}
        assert api.post("/v1/auth/login", json=wrong).status_code == 401
        body = login(api, user_pool.owner)
        api.get("/v1/auth/me", headers=bearer(body["token"]))
        api.post("/v1/auth/refresh", json={"refreshToken": body["refreshToken"]})
        api.post("/v1/auth/logout", headers=bearer(body["token"]))
        api.get("/v1/auth/me", headers=bearer(body["token"]))
    # THEN the app logged both sign-ins, each with its request's correlation id
    messages = [line["message"] for line in logs.lines]
    assert "sign-in refused: wrong email or password" in messages
    assert "signed in" in messages
    assert all(line.get("correlation_id") for line in logs.lines)
    # AND no line, the app's or a library's, holds the password or a token
    logged = logs.text + "\n".join(record.getMessage() for record in caplog.records)
    for secret in (user_pool.owner.password, body["token"], body["refreshToken"]):
        assert secret not in logged


@pytest.fixture
def guarded_api(settings: Settings) -> Iterator[httpx.Client]:
    """The app plus two probe routes, one owner-only, one where a token is optional."""
    app = create_app(settings=settings)

    async def owner_only(user: Owner) -> UserPublic:
        return UserPublic.of(user)

    async def optional(user: OptionalUser) -> dict[str, str | None]:
        return {"user": user.email if user else None}

    app.add_api_route("/test/owner-only", owner_only, methods=["GET"])
    app.add_api_route("/test/optional", optional, methods=["GET"])
    with serve(app) as client:
        yield client


def test_owner_routes_refuse_anonymous_401_and_others_403(
    guarded_api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    owner = login(guarded_api, user_pool.owner)["token"]
    reader = login(guarded_api, user_pool.reader)["token"]
    assert guarded_api.get("/test/owner-only").status_code == 401
    forbidden = guarded_api.get("/test/owner-only", headers=bearer(reader))
    assert forbidden.status_code == 403
    assert forbidden.json()["error"] == "Forbidden"
    assert guarded_api.get("/test/owner-only", headers=bearer(owner)).status_code == 200


def test_optional_routes_pass_anonymous_and_read_bad_tokens_as_anonymous(
    guarded_api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    reader = login(guarded_api, user_pool.reader)["token"]
    assert guarded_api.get("/test/optional").json() == {"user": None}
    assert guarded_api.get("/test/optional", headers=bearer(reader)).json() == {
        "user": user_pool.reader.email
    }
    bad = guarded_api.get("/test/optional", headers=bearer(reader[:-4] + "AAAA"))
    assert bad.json() == {"user": None}
    assert bad.headers["www-authenticate"] == INVALID_TOKEN


def test_a_token_minted_in_the_second_of_a_logout_is_replaced(
    api: httpx.Client, settings: Settings, user_pool: UserPoolFixture, dynamodb: "DynamoDBClient"
) -> None:
    # GIVEN the owner's cut-off recorded early in the current second
    user_id = login(api, user_pool.owner)["user"]["id"]
    while time.time() % 1 > 0.3:
        time.sleep(0.05)
    cut_off = int(time.time())
    sessions = SessionRepository(client=dynamodb, table_name=settings.dynamodb_table_name)
    sessions.revoke_tokens_issued_until(
        user_id=user_id, revoked_at=cut_off, expires_at=cut_off + 60
    )
    # WHEN the owner signs in within that same second
    body = login(api, user_pool.owner)
    # THEN the API handed out a token from the next second, which works
    assert jwt.get_unverified_claims(body["token"])["iat"] > cut_off
    assert api.get("/v1/auth/me", headers=bearer(body["token"])).status_code == 200


def test_a_cut_off_that_no_fresh_token_can_pass_is_503_not_a_dead_token(
    settings: Settings, user_pool: UserPoolFixture, dynamodb: "DynamoDBClient"
) -> None:
    # GIVEN a cut-off a minute ahead (a skewed clock), and an app whose waits take no time
    clock = FastForwardClock()
    app = create_app(settings=settings, container=build_container(settings, clock=clock))
    with serve(app) as api:
        user_id = login(api, user_pool.owner)["user"]["id"]
        ahead = int(time.time()) + 60
        SessionRepository(
            client=dynamodb, table_name=settings.dynamodb_table_name
        ).revoke_tokens_issued_until(user_id=user_id, revoked_at=ahead, expires_at=ahead + 60)
        # WHEN the owner signs in
        response = api.post(
            "/v1/auth/login",
            json={"email": user_pool.owner.email, "password": user_pool.owner.password},
        )
    # THEN the API says to retry rather than hand out a token it would refuse
    assert response.status_code == 503
    assert "retry" in response.json()["message"]

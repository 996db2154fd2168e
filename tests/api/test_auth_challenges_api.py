"""Cognito's challenges finished through the API: a first sign-in's new password, TOTP enrolment
and TOTP sign-in, over HTTP on moto's Cognito; the shapes only AWS gives, through Stubber."""

import json
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from botocore.stub import Stubber
from jose import jwt
from mangum import Mangum

from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.core.metrics import metrics
from portfolio_api.devstack.cognito import cognito_client
from portfolio_api.devstack.processes import free_port
from portfolio_api.factory import create_app
from portfolio_api.repositories.sessions import SessionRepository
from tests.helpers.app import serve
from tests.helpers.aws import REGION
from tests.helpers.cognito import (
    Account,
    UserPoolFixture,
    admin_created_user,
    bearer,
    challenge_of,
    login,
)
from tests.helpers.lambda_events import Handler, LambdaContext, at, load_event, with_body
from tests.helpers.logs import captured_logs
from tests.helpers.totp import another_code, current_code

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient

CHALLENGE = "/v1/auth/challenge"
TOTP = "/v1/auth/mfa/totp"
TOTP_VERIFY = "/v1/auth/mfa/totp/verify"
LOGIN_FIELDS = {"user", "token", "accessToken", "refreshToken", "expiresIn"}
ENVELOPE = {"error", "message", "statusCode", "details"}
REFUSED = "The answer to the sign-in challenge was refused"
NEWCOMER = Account(email="new.owner@example.com", password="Temporary-Passw0rd!")
NEW_PASSWORD = "Chosen-Passw0rd!-2026"
# Cognito's sessions are opaque strings of 20 to 2048 characters.
AWS_SESSION = "AYABeEXAMPLEsessionFROMcognito-0123456789"
NEXT_SESSION = "AYABeEXAMPLEnextSESSIONfromCOGNITO-9876543210"


@pytest.fixture
def cognito(user_pool: UserPoolFixture) -> "CognitoIdentityProviderClient":
    return cognito_client(endpoint_url=user_pool.pool.endpoint_url, region=REGION)


@pytest.fixture
def newcomer(
    cognito: "CognitoIdentityProviderClient",
    user_pool: UserPoolFixture,
    own_user_pool: UserPoolFixture,
) -> str:
    """An owner an administrator created, whose first sign-in must set a password; the `sub`."""
    return admin_created_user(cognito, pool=user_pool.pool, account=NEWCOMER, groups=("owner",))


@pytest.fixture
def totp_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto checks TOTP codes against its secret only when told to; it reads this at each call."""
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")


def _login(api: httpx.Client, account: Account) -> httpx.Response:
    return api.post("/v1/auth/login", json={"email": account.email, "password": account.password})


def _answer(
    api: httpx.Client, *, email: str, session: str, challenge: str, **answer: str
) -> httpx.Response:
    body = {"email": email, "session": session, "challenge": challenge, **answer}
    return api.post(CHALLENGE, json=body)


def _enrol_totp(api: httpx.Client, account: Account) -> str:
    """TOTP enrolment as the owner's frontend does it; returns the authenticator's secret."""
    signed_in = login(api, account)
    headers, access = bearer(signed_in["token"]), {"accessToken": signed_in["accessToken"]}
    setup = api.post(TOTP, headers=headers, json=access)
    assert setup.status_code == 200, setup.text
    secret: str = setup.json()["secretCode"]
    verified = api.post(TOTP_VERIFY, headers=headers, json=access | {"code": current_code(secret)})
    assert verified.status_code == 200, verified.text
    return secret


def test_a_first_sign_in_sets_the_new_password_and_signs_in(
    api: httpx.Client, newcomer: str
) -> None:
    # GIVEN an owner created by an administrator, signing in with the temporary password
    pending = challenge_of(_login(api, NEWCOMER))
    assert pending["challenge"] == "NEW_PASSWORD_REQUIRED"
    # WHEN the new password answers the challenge
    response = _answer(api, email=NEWCOMER.email, **pending, newPassword=NEW_PASSWORD)
    # THEN the answer is a sign-in, the same body as a login's
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == LOGIN_FIELDS
    assert body["user"] == {
        "id": newcomer,
        "email": NEWCOMER.email,
        "name": "New Owner",
        "role": "owner",
    }
    assert api.get("/v1/auth/me", headers=bearer(body["token"])).json() == body["user"]
    # AND the new password signs in from now on, the temporary one no longer
    assert login(api, Account(NEWCOMER.email, NEW_PASSWORD))["user"]["id"] == newcomer
    assert _login(api, NEWCOMER).status_code == 401


def test_the_login_names_the_route_that_finishes_the_challenge(
    api: httpx.Client, newcomer: str
) -> None:
    response = _login(api, NEWCOMER)
    assert response.status_code == 403
    assert response.json()["error"] == "Forbidden"
    assert "POST /v1/auth/challenge" in response.json()["message"]


def test_the_challenge_takes_the_email_in_any_case(api: httpx.Client, newcomer: str) -> None:
    # GIVEN a pending first sign-in, started with the address typed in mixed case
    shouted = Account(email="  New.Owner@Example.COM ", password=NEWCOMER.password)
    pending = challenge_of(_login(api, shouted))
    # WHEN it is answered with the address in yet another case
    response = _answer(api, email="NEW.owner@example.com", **pending, newPassword=NEW_PASSWORD)
    # THEN Cognito got the one lowercase address each time
    assert response.status_code == 200, response.text
    assert response.json()["user"]["email"] == NEWCOMER.email


def test_a_new_password_the_policy_refuses_is_400_naming_the_problem(
    api: httpx.Client, newcomer: str
) -> None:
    pending = challenge_of(_login(api, NEWCOMER))
    weak = "no-digits-or-capitals"
    response = _answer(api, email=NEWCOMER.email, **pending, newPassword=weak)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == ENVELOPE
    assert body["message"].startswith("The new password was refused by the password policy")
    assert body["details"]["field"] == "newPassword"
    assert weak not in response.text


def test_an_unknown_session_is_a_401_that_says_to_sign_in_again(
    api: httpx.Client, newcomer: str
) -> None:
    response = _answer(
        api,
        email=NEWCOMER.email,
        session="made-up-session-0123456789",
        challenge="NEW_PASSWORD_REQUIRED",
        newPassword=NEW_PASSWORD,
    )
    assert response.status_code == 401
    message = response.json()["message"]
    assert "expired or is not valid" in message
    assert "Sign in again" in message


def test_a_session_answers_once(api: httpx.Client, newcomer: str) -> None:
    # GIVEN a challenge answered
    pending = challenge_of(_login(api, NEWCOMER))
    first = _answer(api, email=NEWCOMER.email, **pending, newPassword=NEW_PASSWORD)
    assert first.status_code == 200
    # WHEN the same session is sent again THEN it is refused
    again = _answer(api, email=NEWCOMER.email, **pending, newPassword="Another-Passw0rd!-2026")
    assert again.status_code == 401
    assert login(api, Account(NEWCOMER.email, NEW_PASSWORD))["user"]["role"] == "owner"


def test_a_challenge_finished_in_the_second_of_a_logout_gets_a_working_token(
    api: httpx.Client, settings: Settings, newcomer: str, dynamodb: "DynamoDBClient"
) -> None:
    # GIVEN a pending first sign-in, and a logout's cut-off early in the current second
    pending = challenge_of(_login(api, NEWCOMER))
    while time.time() % 1 > 0.3:
        time.sleep(0.05)
    cut_off = int(time.time())
    SessionRepository(
        client=dynamodb, table_name=settings.dynamodb_table_name
    ).revoke_tokens_issued_until(user_id=newcomer, revoked_at=cut_off, expires_at=cut_off + 60)
    # WHEN the challenge is answered within that second
    response = _answer(api, email=NEWCOMER.email, **pending, newPassword=NEW_PASSWORD)
    # THEN the API handed out a token of a later second (refreshed: the session is spent)
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    assert jwt.get_unverified_claims(token)["iat"] > cut_off
    assert api.get("/v1/auth/me", headers=bearer(token)).status_code == 200


@pytest.mark.usefixtures("own_user_pool", "totp_checked")
def test_the_owner_enrols_totp_with_their_access_token(
    api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    # GIVEN the owner signed in
    signed_in = login(api, user_pool.owner)
    headers, access = bearer(signed_in["token"]), {"accessToken": signed_in["accessToken"]}
    # WHEN they start TOTP enrolment with their access token
    setup = api.post(TOTP, headers=headers, json=access)
    # THEN they get the secret, and the same as a URI for an authenticator app's QR code
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secretCode"]
    assert setup.json()["otpauthUri"] == (
        f"otpauth://totp/Portfolio%20API:{user_pool.owner.email}"
        f"?secret={secret}&issuer=Portfolio%20API"
    )
    # WHEN a wrong code is sent to confirm THEN it is a 401
    code = current_code(secret)
    wrong = api.post(TOTP_VERIFY, headers=headers, json=access | {"code": another_code(code)})
    assert wrong.status_code == 401
    assert "does not match the authenticator" in wrong.json()["message"]
    # AND a password still signs in alone
    assert login(api, user_pool.owner)["user"]["role"] == "owner"
    # WHEN the app's current code is sent THEN TOTP is the owner's MFA
    verified = api.post(TOTP_VERIFY, headers=headers, json=access | {"code": code})
    assert verified.status_code == 200, verified.text
    assert verified.json()["mfa"] == "SOFTWARE_TOKEN_MFA"


@pytest.mark.usefixtures("own_user_pool", "totp_checked")
def test_after_enrolment_a_sign_in_asks_for_the_code_and_the_code_finishes_it(
    api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    # GIVEN an owner who enrolled TOTP
    secret = _enrol_totp(api, user_pool.owner)
    # WHEN they sign in with their password THEN they get the TOTP challenge
    pending = challenge_of(_login(api, user_pool.owner))
    assert pending["challenge"] == "SOFTWARE_TOKEN_MFA"
    # WHEN the app's code answers it THEN the owner is signed in, as by a login
    response = _answer(api, email=user_pool.owner.email, **pending, code=current_code(secret))
    assert response.status_code == 200, response.text
    assert set(response.json()) == LOGIN_FIELDS
    assert response.json()["user"]["role"] == "owner"
    assert api.get("/v1/auth/me", headers=bearer(response.json()["token"])).status_code == 200


@pytest.mark.usefixtures("own_user_pool", "totp_checked")
def test_a_wrong_code_and_a_wrong_email_get_the_same_401(
    api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    # GIVEN an owner with TOTP, holding a fresh sign-in session for each attempt
    secret = _enrol_totp(api, user_pool.owner)
    owner = user_pool.owner.email
    # WHEN one answer has the wrong code, another the right code with a stranger's email
    code = current_code(secret)
    wrong_code = _answer(
        api, email=owner, **challenge_of(_login(api, user_pool.owner)), code=another_code(code)
    )
    wrong_email = _answer(
        api,
        email="someone.else@example.com",
        **challenge_of(_login(api, user_pool.owner)),
        code=code,
    )
    # THEN both are the same 401, which does not say which part was wrong
    assert wrong_code.status_code == wrong_email.status_code == 401
    assert wrong_code.json() == wrong_email.json()
    assert wrong_code.json()["message"].startswith(REFUSED)
    assert "www-authenticate" not in wrong_code.headers


@pytest.mark.parametrize("path", [TOTP, TOTP_VERIFY])
def test_the_mfa_routes_refuse_anonymous_401_and_readers_403(
    api: httpx.Client, user_pool: UserPoolFixture, path: str
) -> None:
    reader = login(api, user_pool.reader)
    body = {"accessToken": reader["accessToken"], "code": "123456"}
    if path == TOTP:
        body.pop("code")
    assert api.post(path, json=body).status_code == 401
    forbidden = api.post(path, headers=bearer(reader["token"]), json=body)
    assert forbidden.status_code == 403
    assert set(forbidden.json()) == ENVELOPE


@pytest.mark.parametrize("path", [TOTP, TOTP_VERIFY])
@pytest.mark.parametrize(
    ("access_token", "reason"),
    [
        ("reader", "belongs to another user"),
        ("id-token", "An access token is required"),
        ("not-a-jwt", "malformed"),
        ("eyJhbGciOiJub25lIn0.e30.", "RS256"),
    ],
)
def test_an_access_token_that_is_not_the_callers_own_is_401(
    api: httpx.Client, user_pool: UserPoolFixture, path: str, access_token: str, reason: str
) -> None:
    # GIVEN the owner's ID token as bearer, and in the body another user's access token,
    # the owner's ID token, or garbage
    owner, reader = login(api, user_pool.owner), login(api, user_pool.reader)
    sent = {"reader": reader["accessToken"], "id-token": owner["token"]}.get(
        access_token, access_token
    )
    body = {"accessToken": sent} | ({"code": "123456"} if path == TOTP_VERIFY else {})
    # WHEN the route is called
    response = api.post(path, headers=bearer(owner["token"]), json=body)
    # THEN it is a 401 about the access token; the bearer itself was fine
    assert response.status_code == 401
    assert reason in response.json()["message"]
    assert response.json()["details"] == {"field": "accessToken"}
    assert "www-authenticate" not in response.headers


@pytest.mark.usefixtures("own_user_pool")
def test_an_access_token_revoked_by_a_logout_is_401(
    api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    # GIVEN a session logged out, and a fresh one
    old = login(api, user_pool.owner)
    assert api.post("/v1/auth/logout", headers=bearer(old["token"])).status_code == 200
    new = login(api, user_pool.owner)
    # WHEN enrolment is started with the old session's access token, still unexpired
    response = api.post(
        TOTP, headers=bearer(new["token"]), json={"accessToken": old["accessToken"]}
    )
    # THEN Cognito's refusal is a 401 about the access token
    assert response.status_code == 401
    assert "revoked" in response.json()["message"]


BASE_ANSWER: dict[str, Any] = {
    "email": "owner@example.com",
    "session": AWS_SESSION,
    "challenge": "NEW_PASSWORD_REQUIRED",
    "newPassword": NEW_PASSWORD,
}
MFA_ANSWER: dict[str, Any] = BASE_ANSWER | {"challenge": "SOFTWARE_TOKEN_MFA", "newPassword": None}


def _without_nones(body: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if value is not None}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (BASE_ANSWER | {"code": "123456"}, "newPassword"),
        (BASE_ANSWER | {"newPassword": None}, "newPassword"),
        (MFA_ANSWER | {"newPassword": NEW_PASSWORD}, "code"),
        (MFA_ANSWER | {"code": "123456", "newPassword": NEW_PASSWORD}, "code"),
        (MFA_ANSWER, "code"),
        (MFA_ANSWER | {"code": "12345"}, "code"),
        (MFA_ANSWER | {"code": "1234567"}, "code"),
        (MFA_ANSWER | {"code": "12345a"}, "code"),
        (MFA_ANSWER | {"code": "١٢٣٤٥٦"}, "code"),  # Arabic-Indic digits
        (MFA_ANSWER | {"code": 123456}, "code"),
        (BASE_ANSWER | {"challenge": "MFA_SETUP"}, "challenge"),
        (BASE_ANSWER | {"challenge": "new_password_required"}, "challenge"),
        (BASE_ANSWER | {"session": "too-short"}, "session"),
        (BASE_ANSWER | {"session": "s" * 2049}, "session"),
        (BASE_ANSWER | {"newPassword": "P" * 257}, "newPassword"),
        (BASE_ANSWER | {"newPassword": ""}, "newPassword"),
        (BASE_ANSWER | {"email": "a" * 250 + "@example.com"}, "email"),
        (BASE_ANSWER | {"email": "owner"}, "email"),
        (BASE_ANSWER | {"email": None}, "email"),
        (BASE_ANSWER | {"username": "owner"}, "username"),
    ],
)
def test_bad_challenge_bodies_are_400_in_the_envelope(
    api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    response = api.post(CHALLENGE, json=_without_nones(body))
    assert response.status_code == 400
    assert set(response.json()) == ENVELOPE
    assert response.json()["details"]["field"] == field
    assert NEW_PASSWORD not in response.text


@pytest.mark.parametrize(
    ("path", "change"),
    [
        (TOTP, {"accessToken": ""}),
        (TOTP, {"accessToken": "x" * 16_385}),
        (TOTP, {"accessToken": None}),
        (TOTP, {"code": "123456"}),
        (TOTP_VERIFY, {"accessToken": ""}),
        (TOTP_VERIFY, {"accessToken": None}),
        (TOTP_VERIFY, {"code": None}),
        (TOTP_VERIFY, {"code": "12 456"}),
        (TOTP_VERIFY, {"code": "1234567"}),
        (TOTP_VERIFY, {"unexpected": True}),
    ],
)
def test_bad_mfa_bodies_are_400_in_the_envelope(
    api: httpx.Client, user_pool: UserPoolFixture, path: str, change: dict[str, Any]
) -> None:
    # GIVEN the owner's own tokens, so that only the body can be wrong
    owner = login(api, user_pool.owner)
    body = {"accessToken": owner["accessToken"]}
    if path == TOTP_VERIFY:
        body["code"] = "123456"
    # WHEN the body is changed THEN it is a 400 in the envelope
    response = api.post(path, headers=bearer(owner["token"]), json=_without_nones(body | change))
    assert response.status_code == 400
    assert set(response.json()) == ENVELOPE


@pytest.mark.usefixtures("mangum_loop")
def test_a_wrong_answer_counts_as_a_failed_login_and_a_weak_password_does_not(
    settings: Settings,
    newcomer: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN the app as Lambda runs it, whose metrics leave at the end of each invocation
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", LambdaContext.function_name)
    metrics.clear_metrics()
    handler: Handler = metrics.log_metrics(Mangum(create_app(settings=settings), lifespan="off"))
    sample = load_event("post-auth-login.json")
    started = handler(
        with_body(sample, body={"email": NEWCOMER.email, "password": NEWCOMER.password}),
        LambdaContext(),
    )
    pending = json.loads(started["body"])["details"]
    challenge = at(sample, method="POST", path=CHALLENGE)
    capsys.readouterr()
    # WHEN a password the policy refuses is sent, then the right password with a wrong email
    weak = with_body(challenge, body={"email": NEWCOMER.email, **pending, "newPassword": "weak"})
    stranger = with_body(
        challenge, body={"email": "nobody@example.com", **pending, "newPassword": NEW_PASSWORD}
    )
    statuses = [handler(event, LambdaContext())["statusCode"] for event in (weak, stranger)]
    # THEN only the refused answer went to CloudWatch, as one failed login
    assert statuses == [400, 401]
    emitted = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    assert [line.get("LoginsFailed") for line in emitted] == [[1.0]]


def _standalone(value: str, *, text: str) -> bool:
    """`value` in `text` other than inside a longer run of letters and digits (ids, timestamps)."""
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", text) is not None


def _first_sign_in_after_a_refused_password(api: httpx.Client) -> list[str]:
    """The newcomer's first sign-in, finished; every secret it sent or got."""
    pending = challenge_of(_login(api, NEWCOMER))
    _answer(api, email=NEWCOMER.email, **pending, newPassword="Weak-password")
    done = _answer(api, email=NEWCOMER.email, **pending, newPassword=NEW_PASSWORD).json()
    tokens = [done[name] for name in ("token", "accessToken", "refreshToken")]
    return [NEWCOMER.password, "Weak-password", NEW_PASSWORD, pending["session"], *tokens]


def _totp_enrolment_and_sign_in(api: httpx.Client, account: Account) -> tuple[list[str], list[str]]:
    """Enrolment, then a sign-in with a wrong code before the right one; (secrets, codes)."""
    owner = login(api, account)
    headers, access = bearer(owner["token"]), {"accessToken": owner["accessToken"]}
    setup = api.post(TOTP, headers=headers, json=access).json()
    codes = [current_code(setup["secretCode"])]
    api.post(TOTP_VERIFY, headers=headers, json=access | {"code": codes[0]})
    pending = challenge_of(_login(api, account))
    codes.append(another_code(current_code(setup["secretCode"])))
    _answer(api, email=account.email, **pending, code=codes[-1])
    codes.append(current_code(setup["secretCode"]))
    final = _answer(api, email=account.email, **pending, code=codes[-1]).json()
    secrets = [setup["secretCode"], setup["otpauthUri"], pending["session"]]
    secrets += [body[name] for body in (owner, final) for name in ("token", "accessToken")]
    return [*secrets, final["refreshToken"]], codes


@pytest.mark.usefixtures("own_user_pool", "totp_checked", "newcomer")
def test_no_password_code_session_token_or_secret_reaches_the_log(
    settings: Settings, user_pool: UserPoolFixture, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN the app at LOG_LEVEL=DEBUG, with its own log and every library's captured
    app = create_app(settings=settings.model_copy(update={"log_level": "DEBUG"}))
    caplog.set_level(logging.DEBUG)
    # WHEN a first sign-in sets a password, and the owner enrols TOTP and signs in with it
    with captured_logs() as logs, serve(app) as api:
        secrets = _first_sign_in_after_a_refused_password(api)
        totp_secrets, codes = _totp_enrolment_and_sign_in(api, user_pool.owner)
    # THEN the app said what happened, each line with its request's correlation id
    messages = {line["message"] for line in logs.lines}
    assert {
        "sign-in awaits a challenge",
        "challenge answer refused",
        "TOTP MFA enabled",
    } <= messages
    assert all(line.get("correlation_id") for line in logs.lines)
    # AND no line, the app's or a library's, holds a password, code, session, token or secret
    logged = logs.text + "\n".join(record.getMessage() for record in caplog.records)
    for secret in secrets + totp_secrets:
        assert secret not in logged
    for code in codes:
        assert not _standalone(code, text=logged)


@dataclass(frozen=True)
class StubbedCognito:
    """The app over HTTP with a botocore Stubber in place of Cognito: AWS's own shapes."""

    stubber: Stubber
    api: httpx.Client


@pytest.fixture
def aws(settings: Settings) -> Iterator[StubbedCognito]:
    cognito = cognito_client(endpoint_url="http://127.0.0.1:1", region=REGION)
    app = create_app(settings=settings, container=build_container(settings, cognito=cognito))
    with Stubber(cognito) as stubber, serve(app) as api:
        yield StubbedCognito(stubber=stubber, api=api)
        stubber.assert_no_pending_responses()


def _expected_answer(settings: Settings, *, challenge: str, **responses: str) -> dict[str, Any]:
    return {
        "ClientId": settings.cognito_client_id,
        "ChallengeName": challenge,
        "Session": AWS_SESSION,
        "ChallengeResponses": {"USERNAME": "new.owner@example.com", **responses},
    }


def test_a_new_password_is_awss_request_and_a_further_challenge_is_403_with_its_session(
    aws: StubbedCognito, settings: Settings
) -> None:
    # GIVEN Cognito asking for the TOTP code once the new password is set, as AWS does
    aws.stubber.add_response(
        "respond_to_auth_challenge",
        {"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": NEXT_SESSION, "ChallengeParameters": {}},
        _expected_answer(settings, challenge="NEW_PASSWORD_REQUIRED", NEW_PASSWORD=NEW_PASSWORD),
    )
    # WHEN the new password is sent, the email in mixed case
    response = _answer(
        aws.api,
        email="New.Owner@Example.com",
        session=AWS_SESSION,
        challenge="NEW_PASSWORD_REQUIRED",
        newPassword=NEW_PASSWORD,
    )
    # THEN the next step comes back like a login's, with the new session
    assert response.status_code == 403
    assert response.json()["details"] == {
        "challenge": "SOFTWARE_TOKEN_MFA",
        "session": NEXT_SESSION,
    }


def test_a_code_is_sent_as_awss_software_token_mfa_code(
    aws: StubbedCognito, settings: Settings
) -> None:
    aws.stubber.add_client_error(
        "respond_to_auth_challenge",
        service_error_code="CodeMismatchException",
        service_message="Invalid code received for user",
        http_status_code=400,
        expected_params=_expected_answer(
            settings, challenge="SOFTWARE_TOKEN_MFA", SOFTWARE_TOKEN_MFA_CODE="654321"
        ),
    )
    response = _answer(
        aws.api,
        email=NEWCOMER.email,
        session=AWS_SESSION,
        challenge="SOFTWARE_TOKEN_MFA",
        code="654321",
    )
    assert response.status_code == 401
    assert response.json()["message"].startswith(REFUSED)


def test_a_further_challenge_the_api_does_not_finish_is_403_naming_it(
    aws: StubbedCognito,
) -> None:
    aws.stubber.add_response(
        "respond_to_auth_challenge",
        {
            "ChallengeName": "MFA_SETUP",
            "Session": NEXT_SESSION,
            "ChallengeParameters": {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'},
        },
    )
    response = _answer(aws.api, **BASE_ANSWER)
    assert response.status_code == 403
    assert response.json()["details"] == {"challenge": "MFA_SETUP"}


def test_an_expired_session_is_401_saying_to_sign_in_again(aws: StubbedCognito) -> None:
    aws.stubber.add_client_error(
        "respond_to_auth_challenge",
        service_error_code="NotAuthorizedException",
        service_message="Invalid session for the user, session is expired.",
        http_status_code=400,
    )
    response = _answer(aws.api, **BASE_ANSWER)
    assert response.status_code == 401
    assert response.json()["message"] == (
        "The sign-in session has expired or is not valid. Sign in again with your email and "
        "password."
    )


def test_a_wrong_email_a_wrong_code_and_a_mismatched_session_look_the_same(
    aws: StubbedCognito,
) -> None:
    # GIVEN AWS's refusals for an email that is not the session's, a wrong code, and a session
    # of another user or challenge
    for code, message in [
        ("NotAuthorizedException", "Invalid session provided for the user."),
        ("CodeMismatchException", "Invalid code received for user"),
        ("NotAuthorizedException", "Invalid session for the user."),
        ("UserNotFoundException", "User does not exist."),
    ]:
        aws.stubber.add_client_error(
            "respond_to_auth_challenge",
            service_error_code=code,
            service_message=message,
            http_status_code=400,
        )
    # WHEN each is answered
    answer = _without_nones(MFA_ANSWER | {"code": "123456"})
    responses = [_answer(aws.api, **answer) for _ in range(4)]
    # THEN all four are one and the same 401
    assert {response.status_code for response in responses} == {401}
    assert all(response.json() == responses[0].json() for response in responses)
    assert responses[0].json()["message"].startswith(REFUSED)


def test_the_pools_password_policy_is_a_400_naming_the_rule(aws: StubbedCognito) -> None:
    rule = "Password does not conform to policy: Password must have symbol characters"
    aws.stubber.add_client_error(
        "respond_to_auth_challenge",
        service_error_code="InvalidPasswordException",
        service_message=rule,
        http_status_code=400,
    )
    response = _answer(aws.api, **BASE_ANSWER)
    assert response.status_code == 400
    assert response.json()["details"] == {"field": "newPassword", "issue": rule}
    assert rule in response.json()["message"]


@pytest.mark.parametrize(
    ("code", "http_status", "expected"),
    [
        ("TooManyRequestsException", 400, 429),
        ("TooManyFailedAttemptsException", 400, 429),
        ("LimitExceededException", 400, 429),
        ("InternalErrorException", 500, 503),
    ],
)
def test_throttling_is_429_and_a_failing_cognito_503_on_the_challenge(
    aws: StubbedCognito, code: str, http_status: int, expected: int
) -> None:
    aws.stubber.add_client_error(
        "respond_to_auth_challenge", service_error_code=code, http_status_code=http_status
    )
    response = _answer(aws.api, **BASE_ANSWER)
    assert response.status_code == expected
    assert response.headers["retry-after"] == "5"


def test_unreachable_cognito_is_503_on_the_challenge(settings: Settings) -> None:
    dead = settings.model_copy(update={"cognito_endpoint_url": f"http://127.0.0.1:{free_port()}"})
    with serve(create_app(settings=dead)) as api:
        response = _answer(api, **BASE_ANSWER)
    assert response.status_code == 503
    assert response.json()["message"] == "Cognito cannot be reached"


def test_enrolment_sends_aws_the_access_token_and_makes_totp_preferred(
    aws: StubbedCognito, api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    # GIVEN the owner's genuine tokens, and Cognito's answers as AWS gives them
    owner = login(api, user_pool.owner)
    access = owner["accessToken"]
    aws.stubber.add_response(
        "associate_software_token", {"SecretCode": "JBSWY3DPEHPK3PXP"}, {"AccessToken": access}
    )
    aws.stubber.add_response(
        "verify_software_token",
        {"Status": "SUCCESS"},
        {"AccessToken": access, "UserCode": "123456"},
    )
    aws.stubber.add_response(
        "set_user_mfa_preference",
        {},
        {
            "AccessToken": access,
            "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True},
        },
    )
    headers = bearer(owner["token"])
    # WHEN enrolment is started and confirmed
    setup = aws.api.post(TOTP, headers=headers, json={"accessToken": access})
    verify = aws.api.post(
        TOTP_VERIFY, headers=headers, json={"accessToken": access, "code": "123456"}
    )
    # THEN each call went to Cognito as above, and the answers say so
    assert setup.status_code == 200
    assert setup.json()["secretCode"] == "JBSWY3DPEHPK3PXP"
    assert verify.status_code == 200
    assert verify.json() == {
        "message": "TOTP MFA is on: sign-ins now ask for a code",
        "mfa": "SOFTWARE_TOKEN_MFA",
    }


@pytest.mark.parametrize(
    "failure",
    [
        {"response": {"Status": "ERROR"}},
        {"error": "EnableSoftwareTokenMFAException"},
        {"error": "CodeMismatchException"},
    ],
)
def test_a_code_aws_does_not_verify_is_401_and_mfa_stays_off(
    aws: StubbedCognito, api: httpx.Client, user_pool: UserPoolFixture, failure: dict[str, Any]
) -> None:
    # GIVEN Cognito refusing the code, by status or by error (and no preference change stubbed)
    owner = login(api, user_pool.owner)
    if "response" in failure:
        aws.stubber.add_response("verify_software_token", failure["response"])
    else:
        aws.stubber.add_client_error(
            "verify_software_token", service_error_code=failure["error"], http_status_code=400
        )
    # WHEN the owner confirms
    response = aws.api.post(
        TOTP_VERIFY,
        headers=bearer(owner["token"]),
        json={"accessToken": owner["accessToken"], "code": "123456"},
    )
    # THEN it is a 401 about the code, and SetUserMFAPreference was never called
    assert response.status_code == 401
    assert "does not match the authenticator" in response.json()["message"]

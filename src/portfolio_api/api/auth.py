from fastapi import APIRouter, Response

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.caching import NOT_MODIFIED, IfNoneMatch, digested
from portfolio_api.api.deps import AuthServiceDep, ClientIp, CurrentUser, Owner
from portfolio_api.api.errors import error_responses
from portfolio_api.models.auth import (
    ChallengeRequest,
    LoginRequest,
    LoginResponse,
    MessageResponse,
    MfaResponse,
    RefreshRequest,
    RefreshResponse,
    TotpSetupRequest,
    TotpSetupResponse,
    TotpVerifyRequest,
    UserPublic,
)

router = APIRouter(prefix="/auth", tags=["Authentication"])


@router.post("/login", operation_id="login", responses=error_responses(400, 401, 403, 429, 503))
async def login(body: LoginRequest, auth: AuthServiceDep, client: ClientIp) -> LoginResponse:
    """Sign in with email and password; send the returned `token` as `Authorization: Bearer`."""
    signed_in = await run_blocking(
        auth.login, email=body.email, password=body.password, client_ip=client
    )
    return LoginResponse.of_sign_in(signed_in)


@router.post(
    "/challenge",
    operation_id="answerSignInChallenge",
    responses=error_responses(400, 401, 403, 429, 503),
)
async def answer_challenge(
    body: ChallengeRequest, auth: AuthServiceDep, client: ClientIp
) -> LoginResponse:
    """Answer the challenge a login's 403 named (new password or TOTP code) to finish signing in."""
    signed_in = await run_blocking(auth.answer_challenge, answer=body.answer(), client_ip=client)
    return LoginResponse.of_sign_in(signed_in)


@router.post("/refresh", operation_id="refreshToken", responses=error_responses(400, 401, 429, 503))
async def refresh(body: RefreshRequest, auth: AuthServiceDep) -> RefreshResponse:
    """Trade the refresh token for a new ID token and access token."""
    return RefreshResponse.of(await run_blocking(auth.refresh, refresh_token=body.refresh_token))


@router.post("/logout", operation_id="logout", responses=error_responses(401, 503))
async def logout(user: CurrentUser, auth: AuthServiceDep) -> MessageResponse:
    """Sign out everywhere: refresh tokens stop working and earlier ID tokens are refused."""
    await run_blocking(auth.logout, principal=user)
    return MessageResponse(message="Successfully logged out")


@router.get(
    "/me",
    operation_id="getCurrentUser",
    responses={**NOT_MODIFIED, **error_responses(401, 503)},
)
async def me(user: CurrentUser, known: IfNoneMatch, response: Response) -> UserPublic:
    """The signed-in user, with `role` set to `owner` for members of the owner group."""
    return digested(UserPublic.of(user), known=known, viewer=user, response=response)


@router.post(
    "/mfa/totp",
    operation_id="startTotpEnrolment",
    responses=error_responses(400, 401, 403, 429, 503),
)
async def start_totp_enrolment(
    body: TotpSetupRequest, owner: Owner, auth: AuthServiceDep
) -> TotpSetupResponse:
    """Start TOTP enrolment with the owner's own access token; show the URI as a QR code."""
    enrolment = await run_blocking(
        auth.start_totp_enrolment, principal=owner, access_token=body.access_token
    )
    return TotpSetupResponse(secret_code=enrolment.secret, otpauth_uri=enrolment.uri)


@router.post(
    "/mfa/totp/verify",
    operation_id="confirmTotpEnrolment",
    responses=error_responses(400, 401, 403, 429, 503),
)
async def confirm_totp_enrolment(
    body: TotpVerifyRequest, owner: Owner, auth: AuthServiceDep
) -> MfaResponse:
    """Confirm TOTP enrolment with the app's current code; later sign-ins then ask for a code."""
    await run_blocking(
        auth.confirm_totp, principal=owner, access_token=body.access_token, code=body.code
    )
    return MfaResponse(
        message="TOTP MFA is on: sign-ins now ask for a code", mfa="SOFTWARE_TOKEN_MFA"
    )

"""The caller's IP address, from the one source this deployment can vouch for."""

from starlette.types import Scope


def client_ip(scope: Scope, *, forwarded_for: str | None, trusted_hops: int) -> str:
    """With N trusted proxies, the Nth address from the right of X-Forwarded-For.

    Nearer the left, a client can write anything it likes. Otherwise the address API Gateway
    saw (`requestContext.identity.sourceIp`) under Lambda, or the socket's peer under uvicorn.
    """
    if trusted_hops and forwarded_for:
        hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if len(hops) >= trusted_hops:
            return hops[-trusted_hops]
    event = scope.get("aws.event")
    if isinstance(event, dict):
        source = event.get("requestContext", {}).get("identity", {}).get("sourceIp")
        if isinstance(source, str) and source:
            return source
    client = scope.get("client")
    return str(client[0]) if client else ""

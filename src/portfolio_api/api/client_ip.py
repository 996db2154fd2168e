"""The caller's IP address, from the one source this deployment can vouch for."""

from starlette.datastructures import Address


def client_ip(client: Address | None, *, forwarded_for: str | None, trusted_hops: int) -> str:
    """With N trusted proxies, the Nth address from the right of X-Forwarded-For.

    Nearer the left, a client can write anything it likes. Otherwise the peer: API Gateway's
    `requestContext.identity.sourceIp` under Lambda (Mangum puts it in the ASGI scope), the
    socket's peer under uvicorn.
    """
    if trusted_hops and forwarded_for:
        hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if len(hops) >= trusted_hops:
            return hops[-trusted_hops]
    return client.host if client else ""

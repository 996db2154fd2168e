"""The revocation record, the same tests against moto and against DynamoDB Local."""

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from portfolio_api.core.errors import DependencyUnavailable
from portfolio_api.devstack.processes import free_port
from portfolio_api.repositories.sessions import SessionRepository
from tests.helpers.aws import Backend, dynamodb_client

if TYPE_CHECKING:
    pass


@pytest.fixture
def sessions(any_dynamodb: Backend) -> SessionRepository:
    client, table, _ = any_dynamodb
    return SessionRepository(client=client, table_name=table)


def test_a_user_never_signed_out_has_no_cut_off(sessions: SessionRepository) -> None:
    assert sessions.revoked_at(user_id="never-signed-out") is None


def test_the_cut_off_is_stored_with_its_expiry(
    sessions: SessionRepository, any_dynamodb: Backend
) -> None:
    # GIVEN a logout at t=1000
    sessions.revoke_tokens_issued_until(user_id="u1", revoked_at=1000, expires_at=87_400)
    # WHEN it is read back
    # THEN the cut-off is there, and the item carries the table's TTL attribute
    assert sessions.revoked_at(user_id="u1") == 1000
    client, table, _ = any_dynamodb
    item = client.get_item(TableName=table, Key={"PK": {"S": "USER#u1"}, "SK": {"S": "REVOCATION"}})
    assert item["Item"]["expiresAt"] == {"N": "87400"}


def test_the_cut_off_only_moves_forward(sessions: SessionRepository) -> None:
    # GIVEN a logout at t=2000
    sessions.revoke_tokens_issued_until(user_id="u2", revoked_at=2000, expires_at=9000)
    # WHEN a slower request records an earlier logout
    sessions.revoke_tokens_issued_until(user_id="u2", revoked_at=1500, expires_at=8500)
    # THEN the later cut-off stands
    assert sessions.revoked_at(user_id="u2") == 2000
    sessions.revoke_tokens_issued_until(user_id="u2", revoked_at=2500, expires_at=9500)
    assert sessions.revoked_at(user_id="u2") == 2500


def test_racing_logouts_keep_the_latest(sessions: SessionRepository) -> None:
    # GIVEN 30 logouts of one user racing, with cut-offs 100..129
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(
            pool.map(
                lambda at: sessions.revoke_tokens_issued_until(
                    user_id="u3", revoked_at=at, expires_at=at + 10
                ),
                range(100, 130),
            )
        )
    # THEN the stored cut-off is the greatest, whatever order they landed in
    assert sessions.revoked_at(user_id="u3") == 129


def test_users_do_not_share_cut_offs(sessions: SessionRepository) -> None:
    sessions.revoke_tokens_issued_until(user_id="alice", revoked_at=10, expires_at=20)
    assert sessions.revoked_at(user_id="bob") is None


def test_an_unreachable_table_is_a_domain_error() -> None:
    # GIVEN DynamoDB that does not answer
    client = dynamodb_client(f"http://127.0.0.1:{free_port()}")
    sessions = SessionRepository(client=client, table_name="whatever")
    # WHEN / THEN the repository says so in domain terms
    with pytest.raises(DependencyUnavailable, match="cannot be reached"):
        sessions.revoked_at(user_id="u")

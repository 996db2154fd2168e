from portfolio_api.core.errors import DependencyUnavailable
from portfolio_api.repositories.health import TableProbe


class HealthService:
    def __init__(self, *, probe: TableProbe) -> None:
        self._probe = probe

    def check(self) -> None:
        """Return when every dependency answers; raise naming the first that does not."""
        if not self._probe.table_answers():
            raise DependencyUnavailable(
                "DynamoDB is not answering", details={"dynamodb": "unreachable"}
            )

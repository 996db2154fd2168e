from datetime import date

from portfolio_api.models.certifications import (
    Certification,
    CertificationCreate,
    CertificationQuery,
    CertificationSummary,
    CertificationUpdate,
)
from portfolio_api.services.content import ContentService


class CertificationService(
    ContentService[
        Certification,
        CertificationSummary,
        CertificationCreate,
        CertificationUpdate,
        CertificationQuery,
    ]
):
    NOUN = "Certification"

    def _matches(self, summary: CertificationSummary, query: CertificationQuery) -> bool:
        return (query.type is None or summary.type is query.type) and (
            query.featured is None or summary.featured is query.featured
        )

    def _order(self, summary: CertificationSummary) -> tuple[date, str]:
        """The most recently earned first."""
        return summary.date_earned, summary.id

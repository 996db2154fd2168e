from portfolio_api.models.projects import (
    Project,
    ProjectCreate,
    ProjectQuery,
    ProjectSummary,
    ProjectUpdate,
)
from portfolio_api.services.content import ContentService


class ProjectService(
    ContentService[Project, ProjectSummary, ProjectCreate, ProjectUpdate, ProjectQuery]
):
    NOUN = "Project"

    def _matches(self, summary: ProjectSummary, query: ProjectQuery) -> bool:
        return query.featured is None or summary.featured is query.featured

    def _order(self, summary: ProjectSummary) -> tuple[bool, str, str]:
        """Featured first, then the newest."""
        return summary.featured, summary.created_at, summary.id

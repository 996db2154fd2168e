from portfolio_api.api.content import ContentApi, content_router
from portfolio_api.dependencies import get_project_service
from portfolio_api.models.projects import (
    ProjectCreate,
    ProjectList,
    ProjectPublic,
    ProjectQuery,
    ProjectUpdate,
)

router = content_router(
    ContentApi(
        prefix="/projects",
        tag="Projects",
        id_name="projectId",
        singular="Project",
        plural="Projects",
        noun="project",
        items_field="projects",
        service=get_project_service,
        create_schema=ProjectCreate,
        update_schema=ProjectUpdate,
        public_schema=ProjectPublic,
        list_schema=ProjectList,
        query_schema=ProjectQuery,
    )
)

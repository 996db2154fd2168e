"""The site's public URLs of each item, from the settings' origin and patterns."""

from dataclasses import dataclass

from portfolio_api.models.certifications import Certification
from portfolio_api.models.posts import Post
from portfolio_api.models.projects import Project


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteLinks:
    """`site_url` has no trailing slash; each pattern is a path with `{id}` (a post's may use
    `{slug}` too), checked when the settings are read."""

    site_url: str
    post: str
    project: str
    certification: str

    @property
    def home(self) -> str:
        return f"{self.site_url}/"

    def of_post(self, post: Post) -> str:
        return self.site_url + self.post.format(id=post.id, slug=post.slug)

    def of_project(self, project: Project) -> str:
        return self.site_url + self.project.format(id=project.id)

    def of_certification(self, certification: Certification) -> str:
        return self.site_url + self.certification.format(id=certification.id)

"""The content kinds the table holds. Each entity's key prefix is named here and nowhere else."""

from portfolio_api.core.errors import SlugTaken
from portfolio_api.models.certifications import Certification
from portfolio_api.models.posts import Post
from portfolio_api.models.projects import Project
from portfolio_api.repositories.content import ContentKind, Unique


def _slug_taken() -> SlugTaken:
    return SlugTaken("Another post already has this slug", details={"field": "slug"})


POSTS = ContentKind(
    entity="POST",
    model=Post,
    unique=Unique(field="slug", prefix="POSTSLUG", holder="postId", taken=_slug_taken),
)
PROJECTS = ContentKind(entity="PROJECT", model=Project)
CERTIFICATIONS = ContentKind(entity="CERTIFICATION", model=Certification)

"""The content kinds the table holds. Each entity's key prefix is named here and nowhere else."""

from portfolio_api.models.certifications import Certification, CertificationSummary
from portfolio_api.models.posts import Post, PostSummary
from portfolio_api.models.projects import Project, ProjectSummary
from portfolio_api.repositories.content import ContentKind

POSTS = ContentKind(entity="POST", model=Post, summary=PostSummary)
PROJECTS = ContentKind(entity="PROJECT", model=Project, summary=ProjectSummary)
CERTIFICATIONS = ContentKind(
    entity="CERTIFICATION", model=Certification, summary=CertificationSummary
)

from portfolio_api.api.content import ContentApi, content_router
from portfolio_api.dependencies import get_certification_service
from portfolio_api.models.certifications import (
    CertificationCreate,
    CertificationList,
    CertificationPublic,
    CertificationQuery,
    CertificationUpdate,
)

router = content_router(
    ContentApi(
        prefix="/certifications",
        tag="Certifications",
        id_name="certificationId",
        singular="Certification",
        plural="Certifications",
        noun="certification",
        items_field="certifications",
        service=get_certification_service,
        create_schema=CertificationCreate,
        update_schema=CertificationUpdate,
        public_schema=CertificationPublic,
        list_schema=CertificationList,
        query_schema=CertificationQuery,
    )
)

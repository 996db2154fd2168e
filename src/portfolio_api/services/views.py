"""Content views: counted once per visitor, item and UTC day; ranked by the index that counts."""

from collections.abc import Mapping

from portfolio_api.core.logging import logger
from portfolio_api.core.metrics import BusinessMetric, MetricsSink
from portfolio_api.models.analytics import (
    ContentType,
    ContentViews,
    ContentViewStat,
    Counter,
    Outcome,
    TopContent,
    View,
    ViewStats,
    ViewTracked,
    VisitorSignal,
)
from portfolio_api.models.identity import Principal
from portfolio_api.repositories.analytics import AnalyticsRepository
from portfolio_api.repositories.views import ViewCounters
from portfolio_api.services.bots import is_automated
from portfolio_api.services.content import ContentReader, is_item_id
from portfolio_api.services.identities import VisitorIdentities

# Ranked counters read beyond `limit`, for items deleted a moment ago that the index still holds.
TOP_SLACK = 5


class ViewService:
    def __init__(
        self,
        *,
        counts: AnalyticsRepository,
        counters: ViewCounters,
        identities: VisitorIdentities,
        content: Mapping[ContentType, ContentReader],
        entities: Mapping[ContentType, str],
        metrics: MetricsSink,
    ) -> None:
        self._counts = counts
        self._counters = counters
        self._entities = entities
        self._identities = identities
        self._content = content
        self._metrics = metrics

    def track(
        self, *, signal: VisitorSignal, content_type: ContentType, content_id: str
    ) -> ViewTracked:
        """Counts a view of a published item; anything else is a 404 that writes nothing."""
        service = self._content[content_type]
        if is_automated(signal.user_agent):
            service.get(item_id=content_id, viewer=None)
            return ViewTracked(views=self._views(content_type, content_id), tracked=False)
        if not is_item_id(content_id):
            raise service.not_found()
        today = self._identities.today()
        view = View(
            visitor=self._identities.of(signal=signal, today=today),
            client=self._identities.client_of(ip=signal.ip, today=today),
            content_type=content_type,
            content_id=content_id,
            day=today.key,
            now=today.now,
            expires_at=today.midnight,
        )
        outcome = self._counts.record_view(view=view)
        if outcome is Outcome.NO_CONTENT:
            raise service.not_found()
        counted = outcome is Outcome.COUNTED
        if counted:
            self._metrics.count(BusinessMetric.VIEWS_COUNTED)
        logger.info("view tracked", extra={"contentType": content_type, "counted": counted})
        return ViewTracked(views=self._views(content_type, content_id), tracked=counted)

    def views_of(
        self, *, content_type: ContentType, content_id: str, viewer: Principal | None
    ) -> ContentViews:
        self._content[content_type].get(item_id=content_id, viewer=viewer)
        return ContentViews(
            content_id=content_id,
            content_type=content_type,
            views=self._views(content_type, content_id),
        )

    def stats(self, *, content_type: ContentType, viewer: Principal | None) -> ViewStats:
        """Every item the viewer may see, most viewed first; items never viewed show 0."""
        visible = self._content[content_type].visible_ids(viewer=viewer)
        ranking = self._counters.ranked(entity=self._entities[content_type])
        stats = {item_id: views for item_id, views in ranking if item_id in visible}
        stats.update(dict.fromkeys(sorted(visible - stats.keys()), 0))
        return ViewStats(content_type=content_type, stats=stats)

    def top(self, *, limit: int) -> TopContent:
        return TopContent(
            blogs=self._top(ContentType.BLOG, limit),
            projects=self._top(ContentType.PROJECT, limit),
            certifications=self._top(ContentType.CERTIFICATION, limit),
        )

    def total(self) -> int:
        return self._counts.total(counter=Counter.VIEWS)

    def _top(self, content_type: ContentType, limit: int) -> list[ContentViewStat]:
        ranking = self._counters.ranked(
            entity=self._entities[content_type], limit=limit + TOP_SLACK
        )
        found = self._content[content_type].find(ids=[item_id for item_id, _ in ranking])
        headings = {item.id: item.heading for item in found}
        return [
            ContentViewStat(content_id=item_id, views=views, title=headings[item_id])
            for item_id, views in ranking
            if item_id in headings
        ][:limit]

    def _views(self, content_type: ContentType, content_id: str) -> int:
        return self._counters.views(entity=self._entities[content_type], item_id=content_id)

"""The routes an app serves, each with its full path, methods and dependencies.

FastAPI keeps an included router as one entry of `app.routes` and builds each of its routes
under the prefix on demand; this walks those too.
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Route


@dataclass(frozen=True, slots=True, kw_only=True)
class Served:
    path: str  # as OpenAPI writes it: /v1/blog/posts/{postId}
    pattern: re.Pattern[str]
    methods: frozenset[str]
    dependant: Dependant | None


def served(routes: Sequence[BaseRoute]) -> Iterator[Served]:
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if callable(contexts):
            for context in contexts():
                yield Served(
                    path=context.path_format,
                    pattern=context.path_regex,
                    methods=frozenset(context.methods),
                    dependant=context.dependant,
                )
        elif isinstance(route, APIRoute | Route):
            yield Served(
                path=route.path_format,
                pattern=route.path_regex,
                methods=frozenset(route.methods or ()),
                dependant=route.dependant if isinstance(route, APIRoute) else None,
            )


def calls(dependant: Dependant | None, wanted: object) -> bool:
    """Whether `wanted` is among the dependencies, however deep."""
    if dependant is None:
        return False
    return any(sub.call is wanted or calls(sub, wanted) for sub in dependant.dependencies)

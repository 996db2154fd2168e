"""Blog posts: published ones for everyone, drafts and changes for the owner."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.caching import NOT_MODIFIED, IfNoneMatch, fresh, tagged
from portfolio_api.api.deps import IfMatch, OptionalUser, Owner, PostServiceDep
from portfolio_api.api.errors import error_responses
from portfolio_api.api.params import PostId, Slug
from portfolio_api.models.content import PublishRequest, etag_of
from portfolio_api.models.posts import (
    CategoryList,
    Post,
    PostCreate,
    PostList,
    PostPublic,
    PostQuery,
    PostUpdate,
)

router = APIRouter(prefix="/blog", tags=["Blog Posts"])

CHANGE_ERRORS = (401, 403, 404, 409, 412, 503)


def _with_etag(post: Post, response: Response) -> Post:
    response.headers["ETag"] = etag_of(post.version)
    return post


@router.get(
    "/posts",
    operation_id="listBlogPosts",
    responses={**NOT_MODIFIED, **error_responses(400, 401, 403, 503)},
)
async def list_blog_posts(
    query: Annotated[PostQuery, Query()],
    posts: PostServiceDep,
    viewer: OptionalUser,
    known: IfNoneMatch,
    response: Response,
) -> PostList:
    """Published posts, newest first; drafts (`status=draft|all`) for the owner only."""
    answer = await run_blocking(posts.list, query=query, viewer=viewer, known=known)
    page = fresh(answer, viewer=viewer, response=response)
    return PostList(
        posts=page.items,
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        next_offset=page.next_offset,
    )


@router.post(
    "/posts",
    operation_id="createBlogPost",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 401, 403, 409, 413, 503),
)
async def create_blog_post(
    body: PostCreate, posts: PostServiceDep, _: Owner, response: Response
) -> PostPublic:
    """Create a draft (owner only); the server sets its id, slug, reading time, timestamps."""
    return _with_etag(await run_blocking(posts.create, data=body), response)


@router.get(
    "/posts/slug/{slug}",
    operation_id="getBlogPostBySlug",
    responses={**NOT_MODIFIED, **error_responses(404, 503)},
)
async def get_blog_post_by_slug(
    slug: Slug, posts: PostServiceDep, viewer: OptionalUser, known: IfNoneMatch, response: Response
) -> PostPublic:
    """Get a post by its slug, with the same visibility as by id."""
    post = await run_blocking(posts.get_by_slug, slug=slug, viewer=viewer)
    return tagged(post, etag=etag_of(post.version), known=known, viewer=viewer, response=response)


@router.get(
    "/posts/{postId}",
    operation_id="getBlogPost",
    responses={**NOT_MODIFIED, **error_responses(404, 503)},
)
async def get_blog_post(
    post_id: PostId,
    posts: PostServiceDep,
    viewer: OptionalUser,
    known: IfNoneMatch,
    response: Response,
) -> PostPublic:
    """Get a post by id; a draft exists only for the owner. `ETag` is its version."""
    post = await run_blocking(posts.get, item_id=post_id, viewer=viewer)
    return tagged(post, etag=etag_of(post.version), known=known, viewer=viewer, response=response)


@router.put(
    "/posts/{postId}",
    operation_id="updateBlogPost",
    responses=error_responses(400, *CHANGE_ERRORS, 413),
)
async def update_blog_post(
    post_id: PostId,
    body: PostUpdate,
    posts: PostServiceDep,
    _: Owner,
    precondition: IfMatch,
    response: Response,
) -> PostPublic:
    """Change the fields sent (owner only); with a stale `If-Match`, 412."""
    post = await run_blocking(
        posts.update, item_id=post_id, changes=body, precondition=precondition
    )
    return _with_etag(post, response)


@router.delete(
    "/posts/{postId}",
    operation_id="deleteBlogPost",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(*CHANGE_ERRORS),
)
async def delete_blog_post(
    post_id: PostId, posts: PostServiceDep, _: Owner, precondition: IfMatch
) -> None:
    """Delete a post and free its slug (owner only); honours `If-Match`."""
    await run_blocking(posts.delete, item_id=post_id, precondition=precondition)


@router.post(
    "/posts/{postId}/publish",
    operation_id="publishBlogPost",
    responses=error_responses(400, *CHANGE_ERRORS, 413),
)
async def publish_blog_post(
    post_id: PostId,
    posts: PostServiceDep,
    _: Owner,
    precondition: IfMatch,
    response: Response,
    body: PublishRequest | None = None,
) -> PostPublic:
    """Publish now, or at `publishAt` (owner only); a live post gives 409."""
    return _with_etag(
        await run_blocking(
            posts.publish,
            item_id=post_id,
            precondition=precondition,
            at=body.publish_at if body else None,
        ),
        response,
    )


@router.post(
    "/posts/{postId}/unpublish",
    operation_id="unpublishBlogPost",
    responses=error_responses(*CHANGE_ERRORS),
)
async def unpublish_blog_post(
    post_id: PostId, posts: PostServiceDep, _: Owner, precondition: IfMatch, response: Response
) -> PostPublic:
    """Turn a published post back into a draft (owner only); a draft already gives 409."""
    return _with_etag(
        await run_blocking(posts.unpublish, item_id=post_id, precondition=precondition), response
    )


@router.get(
    "/categories",
    operation_id="listBlogCategories",
    responses={**NOT_MODIFIED, **error_responses(503)},
)
async def list_blog_categories(
    posts: PostServiceDep, known: IfNoneMatch, response: Response
) -> CategoryList:
    """The categories of published posts, each once, sorted."""
    answer = await run_blocking(posts.categories, known=known)
    return CategoryList(categories=fresh(answer, viewer=None, response=response))

from fastapi import APIRouter, Response

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.content import ContentApi, content_router, item_response
from portfolio_api.api.errors import error_responses
from portfolio_api.dependencies import OptionalUser, PostServiceDep, get_post_service
from portfolio_api.models.posts import (
    CategoryList,
    PostCreate,
    PostList,
    PostPublic,
    PostQuery,
    PostUpdate,
)

router = content_router(
    ContentApi(
        prefix="/blog/posts",
        tag="Blog Posts",
        id_name="postId",
        singular="BlogPost",
        plural="BlogPosts",
        noun="blog post",
        items_field="posts",
        service=get_post_service,
        create_schema=PostCreate,
        update_schema=PostUpdate,
        public_schema=PostPublic,
        list_schema=PostList,
        query_schema=PostQuery,
    )
)
extras = APIRouter(prefix="/blog", tags=["Blog Posts"])


@extras.get(
    "/posts/slug/{slug}",
    operation_id="getBlogPostBySlug",
    response_model=PostPublic,
    responses=error_responses(404, 503),
)
async def get_blog_post_by_slug(slug: str, posts: PostServiceDep, viewer: OptionalUser) -> Response:
    """Get a blog post by its slug, with the same visibility as by id."""
    post = await run_blocking(posts.get_by_slug, slug=slug, viewer=viewer)
    return item_response(post, schema=PostPublic)


@extras.get("/categories", operation_id="listBlogCategories", responses=error_responses(503))
async def list_blog_categories(posts: PostServiceDep) -> CategoryList:
    """The categories of published posts, each once, sorted."""
    return CategoryList(categories=await run_blocking(posts.categories))

from fastapi import APIRouter

from portfolio_api.api import auth, health

v1 = APIRouter(prefix="/v1")
v1.include_router(auth.router)

root = APIRouter()
root.include_router(health.router)
root.include_router(v1)

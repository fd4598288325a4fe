"""``/api/v1/accounts``: who am I, and my API tokens."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from ulinzi.accounts import services, twofactor
from ulinzi.accounts.models import ApiToken, Organisation, User
from ulinzi.common.api_auth import actor
from ulinzi.common.problems import NotFound

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    organisation: str
    roles: list[str]


class MeOut(Schema):
    username: str
    memberships: list[MembershipOut]


class TokenIn(Schema):
    name: str = "token"


class TokenCreatedOut(Schema):
    id: UUID
    name: str
    token: str


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@router.get("/me", response=MeOut, summary="The signed-in user and their roles")
def me(request: HttpRequest) -> dict[str, object]:
    who = actor(request)
    assert who.user is not None
    codes = dict(
        Organisation.objects.filter(pk__in=list(who.roles_by_org)).values_list("pk", "code")
    )
    return {
        "username": who.user.username,
        "memberships": [
            {"organisation": codes[org], "roles": sorted(roles)}
            for org, roles in who.roles_by_org.items()
        ],
    }


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens")
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    user = actor(request).user
    assert isinstance(user, User)
    return list(user.api_tokens.order_by("-created_at"))


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, object]]:
    user = actor(request).user
    assert isinstance(user, User)
    raw = services.create_token(
        user=user, name=payload.name, two_factor=twofactor.request_verified(request)
    )
    token = user.api_tokens.order_by("-created_at").first()
    assert token is not None
    return 201, {"id": token.id, "name": token.name, "token": raw}


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def revoke_token(request: HttpRequest, token_id: UUID) -> tuple[int, None]:
    user = actor(request).user
    assert isinstance(user, User)
    if not services.revoke_token(user=user, token_id=str(token_id)):
        raise NotFound(f"no active token {token_id}")
    return 204, None

"""``/api/v1/referrals``: both sides of a referral. The receiver sees the shared
summary a consent in force covers; the sender sees the status; others see nothing."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router

from ulinzi.accounts.access import Actor
from ulinzi.cases.api.guard import case_actor
from ulinzi.cases.api.schemas import DeliverIn, ReferralOut, RespondIn
from ulinzi.cases.models import Referral
from ulinzi.cases.selectors import referrals as selectors
from ulinzi.cases.services import referrals
from ulinzi.common import versioning
from ulinzi.common.problems import NotAllowed

router = Router(tags=["referrals"])


@router.get("", response=list[ReferralOut], summary="Referrals sent and received")
def list_referrals(request: HttpRequest, direction: str | None = None) -> list[ReferralOut]:
    return [
        ReferralOut.build(r, side) for r, side in selectors.listed(case_actor(request), direction)
    ]


def _receiving(request: HttpRequest, referral_id: UUID) -> tuple[Actor, Referral]:
    who = case_actor(request)
    referral, side = selectors.get(who, referral_id)
    if side != selectors.RECEIVER:
        raise NotAllowed("only the receiving organisation acts on this referral")
    return who, referral


@router.get("/{referral_id}", response=ReferralOut, summary="One referral")
def get_referral(request: HttpRequest, referral_id: UUID, response: HttpResponse) -> ReferralOut:
    who = case_actor(request)
    referral, side = selectors.get(who, referral_id)
    shared = selectors.shared_summary(who, referral) if side == selectors.RECEIVER else None
    versioning.set_etag(response, referral)
    return ReferralOut.build(referral, side, shared)


def _answered(done: Referral, response: HttpResponse) -> ReferralOut:
    versioning.set_etag(response, done)
    return ReferralOut.build(done, selectors.RECEIVER)


@router.post("/{referral_id}/respond", response=ReferralOut, summary="Accept or decline")
def respond(
    request: HttpRequest,
    referral_id: UUID,
    payload: RespondIn,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> ReferralOut:
    who, referral = _receiving(request, referral_id)
    done = referrals.respond(
        actor=who,
        referral=referral,
        accept=payload.accept,
        reason=payload.reason,
        version=versioning.expected(if_match),
    )
    return _answered(done, response)


@router.post("/{referral_id}/deliver", response=ReferralOut, summary="Record services delivered")
def deliver(
    request: HttpRequest,
    referral_id: UUID,
    payload: DeliverIn,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> ReferralOut:
    who, referral = _receiving(request, referral_id)
    done = referrals.deliver(
        actor=who,
        referral=referral,
        services=payload.services,
        version=versioning.expected(if_match),
    )
    return _answered(done, response)


@router.post("/{referral_id}/close", response=ReferralOut, summary="Close the referral")
def close(
    request: HttpRequest,
    referral_id: UUID,
    response: HttpResponse,
    if_match: str | None = versioning.IF_MATCH,
) -> ReferralOut:
    who, referral = _receiving(request, referral_id)
    done = referrals.close(actor=who, referral=referral, version=versioning.expected(if_match))
    return _answered(done, response)

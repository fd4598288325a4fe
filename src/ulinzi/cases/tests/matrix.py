"""Objects behind the access matrix's placeholders for services, cases, referrals,
measures and notifications (tests/test_access_matrix.py), made only when a path needs them.

- {service}: a service of "cluster".
- {case}: a case of "cluster" opened by "case_worker" (seen by it and cluster's
  coordinators only); {consent}: a referral consent on it for "amani".
- {referral}: the case referred to amani's safe house (pending);
  {accepted_referral}: the same, accepted by amani.
- {measure}: a protective measure on the case carried out by amani (with a protection
  consent), so amani's coordinator is party to it.
- {case_notification}: a notification in cluster's coordinator's inbox.
- {complaint}: a SEAH complaint for "cluster" recorded by its investigator, with a subject;
  {complaint_ref}: the reference of a complaint "reporter" filed themselves.
"""

from __future__ import annotations

from typing import Any

NAMES = ("case", "consent", "referral", "accepted_referral", "measure", "case_notification")
COMPLAINTS = ("complaint", "complaint_ref")


def placeholders(template: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "{service}" in template:
        out["service"] = _service().pk
    if any("{" + name + "}" in template for name in NAMES):
        out.update(_case_objects(template))
    if any("{" + name + "}" in template for name in COMPLAINTS):
        out.update(_complaints())
    return out


def _complaints() -> dict[str, Any]:
    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User
    from ulinzi.cases.services.complaints import intake

    def who(name: str) -> Any:
        return actor_for(User.objects.get(username=name))

    made = intake.create(
        actor=who("investigator"),
        data={
            "kind": "sexual_abuse",
            "description": "d",
            "country": "UKR",
            "subject_identity": "s",
        },
    )
    own = intake.file_own(
        actor=who("reporter"), organisation="cluster", data={"kind": "other", "description": "d"}
    )
    return {"complaint": made.pk, "complaint_ref": own.reference}


def _service() -> Any:
    from ulinzi.accounts.models import Organisation
    from ulinzi.directory.models import Service, ServiceArea

    service = Service.objects.create(
        organisation=Organisation.objects.get(code="cluster"), name="Matrix clinic", kind="health"
    )
    ServiceArea.objects.create(service=service, country="UKR")
    return service


def _case_objects(template: str) -> dict[str, Any]:
    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User
    from ulinzi.cases.models import Notification
    from ulinzi.cases.services import casefile, consent, measures, referrals
    from ulinzi.directory import demo
    from ulinzi.directory.models import Service

    worker = actor_for(User.objects.get(username="case_worker"))
    case = casefile.open_case(
        actor=worker, data={"country": "UKR", "survivor_name": "Matrix", "needs": ["health"]}
    )
    given = consent.give(
        actor=worker, case=case, purpose="referral", recipient="amani", scope=["needs"]
    )
    out: dict[str, Any] = {"case": case.pk, "consent": given.pk}
    if "referral}" in template:
        demo.load()
        shelter = Service.objects.get(name="Amani safe house")
        referral = referrals.send(actor=worker, case=case, service_id=shelter.pk)
        out["referral"] = referral.pk
        if "{accepted_referral}" in template:
            receiver = actor_for(User.objects.get(username="case_worker2"))
            referrals.respond(actor=receiver, referral=referral, accept=True)
            out["accepted_referral"] = referral.pk
    if "{measure}" in template:
        consent.give(
            actor=worker, case=case, purpose="protection", recipient="amani", scope=["area"]
        )
        out["measure"] = measures.add(
            actor=worker, case=case, kind="police_patrol", owner="amani"
        ).pk
    if "{case_notification}" in template:
        out["case_notification"] = Notification.objects.create(
            user=User.objects.get(username="coordinator"), kind="test", title="t"
        ).pk
    return out

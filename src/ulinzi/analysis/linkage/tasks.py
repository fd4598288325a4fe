"""Background linkage (Django Tasks API, database backend; run by ``ulinzi worker``)."""

from __future__ import annotations

from datetime import date

from django_tasks import task


@task()
def link_incidents(
    country: str = "",
    since: str = "",
    user_id: int | None = None,
    engine: str = "",
    spark_master: str = "",
) -> dict[str, object]:
    """Run the linkage over a scope (on ``engine``, else the configured one); returns
    the run's figures."""
    from ulinzi.accounts.models import User
    from ulinzi.analysis.linkage import backends, services

    user = User.objects.filter(pk=user_id).first() if user_id else None
    backend = backends.Backend(engine, spark_master) if engine else None
    run = services.run_linkage(
        country=country or None,
        since=date.fromisoformat(since) if since else None,
        user=user,
        backend=backend,
    )
    return {
        "run": run.pk,
        "state": run.state,
        "reports": run.reports,
        "clusters": run.clusters,
        "linked": run.linked,
        "review_pairs": run.review_pairs,
        "error": run.error,
    }

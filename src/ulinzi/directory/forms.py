"""The service form of the web pages (areas typed one per line)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ulinzi.directory.models import Service, ServiceKind


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type of service"), choices=ServiceKind.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    languages = forms.CharField(
        label=_("Languages (codes, comma-separated)"), required=False, max_length=200
    )
    hours = forms.CharField(label=_("Opening hours"), required=False, max_length=200)
    contact = forms.CharField(label=_("Contact"), required=False, max_length=300)
    accepts_referrals = forms.BooleanField(
        label=_("Takes referrals through Ulinzi"), required=False, initial=True
    )
    lat = forms.FloatField(label=_("Latitude"), required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    areas = forms.CharField(
        label=_("Areas covered: one per line, 'COUNTRY' or 'COUNTRY P-CODE Name'"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def data_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        areas = []
        for line in d["areas"].splitlines():
            parts = line.split(maxsplit=2)
            if parts:
                areas.append(
                    {
                        "country": parts[0],
                        "admin1_pcode": parts[1] if len(parts) > 1 else "",
                        "admin1_name": parts[2] if len(parts) > 2 else "",
                    }
                )
        return {
            "name": d["name"],
            "kind": d["kind"],
            "description": d["description"],
            "languages": [x.strip() for x in d["languages"].split(",") if x.strip()],
            "hours": d["hours"],
            "contact": d["contact"],
            "accepts_referrals": d["accepts_referrals"],
            "lat": d["lat"],
            "lon": d["lon"],
            "areas": areas,
        }

    @classmethod
    def initial_for(cls, service: Service) -> dict[str, Any]:
        return {
            "name": service.name,
            "kind": service.kind,
            "description": service.description,
            "languages": ", ".join(service.languages),
            "hours": service.hours,
            "contact": service.contact,
            "accepts_referrals": service.accepts_referrals,
            "lat": service.lat,
            "lon": service.lon,
            "areas": "\n".join(
                " ".join(x for x in (a.country, a.admin1_pcode, a.admin1_name) if x)
                for a in service.areas.all()
            ),
        }

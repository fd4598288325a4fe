"""The browsable API docs (``/api/v1/docs``): Swagger UI from the vendored copy
(``web/static/vendor/swagger-ui-dist-5.35.0``), never a CDN, and no inline script, so it
works offline and under the site's Content-Security-Policy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI


class VendoredSwagger(Swagger):
    template = "web/api_docs.html"
    default_settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        "validatorUrl": None,  # no badge fetched from the online validator
    }

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        config = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        auth = api.auth if isinstance(api.auth, list | tuple) else []
        context = {
            "api": api,
            "swagger_settings": config,
            "add_csrf": any(getattr(a, "csrf", False) for a in auth),
        }
        return render(request, self.template, context)

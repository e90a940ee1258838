"""A person's own data: a readable page and the same as a JSON file to take along."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from coop.http import portal_view
from coop.site.mydata.collect import personal_data
from coop.site.mydata.services import personal_data_downloaded


@require_GET
@portal_view
def my_data(request):
    data = personal_data(request.user)
    personal_data_downloaded(actor=request.user, format="html")
    return render(request, "site/mydata/my_data.html", {"data": data})


@require_GET
@portal_view
def my_data_download(request):
    data = personal_data(request.user)
    personal_data_downloaded(actor=request.user, format="json")
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    name = f"mijn-gegevens-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

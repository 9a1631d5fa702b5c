"""Security headers Django does not set by itself."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

# No inline scripts or styles: everything comes from our own static files, so an
# injected <script> in a name field cannot run.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        return response


class NoStoreMiddleware:
    """No page Refuge draws may be kept by a browser or a proxy cache.

    Signed-in pages show evacuees' names, households and shelters; the public pages echo
    what a relative typed. Without this header the back button on a shared desk computer,
    or a caching proxy, showed them to the next person. Static files are served before
    this middleware (whitenoise) and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store, private"
        return response


class RequestLimitsMiddleware:
    """Refuse oversized or malformed input with a page that says why, before any view.

    The limits are in settings.py and docs/SECURITY.md. Django raises its own limits
    (body size, number of fields) lazily, wherever a view first reads request.POST; read
    here, they become a 413 or 400 page in the user's language instead of a bare error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = _refusal(request)
        if refusal is not None:
            status, message = refusal
            if request.path.startswith("/api/"):  # the API's clients read JSON (refuge/api)
                return JsonResponse({"detail": str(message)}, status=status)
            context = {"message": message}
            return render(request, "web/refused.html", context, status=status)
        return self.get_response(request)


def _refusal(request: HttpRequest) -> tuple[int, str] | None:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 400, _("The request's length could not be read.")
    upload = settings.UPLOADS.get(request.path)
    limit = upload[1] if upload else settings.REQUEST_BODY_MAX_BYTES
    if declared > limit:
        return 413, _("What was sent is too large: %(size)s at most.") % _megabytes(limit)
    try:
        fields = [*request.GET.lists(), *request.POST.lists()]
        files = request.FILES if request.method == "POST" else {}
    except RequestDataTooBig:
        return 413, _("What was sent is too large: %(size)s at most.") % _megabytes(limit)
    except TooManyFieldsSent:
        return 400, _("The form sent more than %(count)s fields.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    except (MultiPartParserError, UnicodeError):
        return 400, _("The form could not be read.")
    if files and not (upload and set(files) <= {upload[0]} and len(files.getlist(upload[0])) == 1):
        return 400, _("Refuge does not accept files.")
    for name, values in fields:
        if "\x00" in name or any("\x00" in v for v in values):
            return 400, _("The field “%(field)s” holds a NUL character.") % {"field": _shown(name)}
        if len(name) > 200 or any(len(v) > settings.FIELD_MAX_CHARS for v in values):
            return 400, _("The field “%(field)s” is longer than %(count)s characters.") % {
                "field": _shown(name),
                "count": settings.FIELD_MAX_CHARS,
            }
    return None


def _megabytes(limit: int) -> dict[str, str]:
    return {"size": f"{limit // (1024 * 1024)} MB"}


def _shown(name: str) -> str:
    return name.replace("\x00", "").strip()[:60]

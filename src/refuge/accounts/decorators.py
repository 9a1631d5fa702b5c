from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from refuge.accounts.scope import actor_for


def role_required(*roles: str) -> Callable[..., Callable[..., HttpResponse]]:
    """Signed in, with one of these roles; the view gets the actor as `request.actor`."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            actor = actor_for(request)
            if not actor.has_role(*roles):
                raise PermissionDenied
            request.actor = actor  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorate

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from refuge.accounts.actions import do_set_language
from refuge.accounts.forms import LoginForm
from refuge.accounts.models import Profile
from refuge.accounts.scope import actor_for
from refuge.audit.actions import do_record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        actor = actor_for(self.request)
        do_record(actor=actor, action="login", object_type="user", object_id=actor.user.pk)
        language = Profile.objects.filter(user=actor.user).values_list("language", flat=True)
        if language and language[0]:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language[0], samesite="Lax", secure=settings.HTTPS
            )
        return response


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the user's profile for the next login."""
    response = set_language(request)
    chosen = request.POST.get("language", "")
    if request.user.is_authenticated and chosen in dict(settings.LANGUAGES):
        do_set_language(user=request.user, language=chosen)
    return response

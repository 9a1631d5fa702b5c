from django import template

from refuge.accounts.models import Membership

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_role(context: template.Context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if actor := getattr(request, "actor", None):
        return actor.role  # the view's role check has read the membership already
    if not hasattr(request, "_desk_role"):
        membership = Membership.objects.filter(user=user).order_by("-operation__started_at")
        request._desk_role = membership.values_list("role", flat=True).first() or ""
    return request._desk_role

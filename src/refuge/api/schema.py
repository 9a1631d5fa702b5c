"""What the OpenAPI schema says of the bearer tokens (read by drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "refuge.api.authentication.BearerTokenAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {"type": "http", "scheme": "bearer", "description": "refuge token create USERNAME"}


ERRORS = {
    "400": "A parameter could not be read; the body names it.",
    "401": "No token, or one unknown, revoked or expired.",
    "403": "The token's account has no role that may read this.",
    "404": "Not there, or outside the account's scope (answered alike).",
    "429": "Too many requests for this token: wait Retry-After seconds.",
}


def document_errors(result, generator, request, public):  # type: ignore[no-untyped-def]
    """Every operation may answer with these; partners' clients should expect them."""
    error = {"type": "object", "additionalProperties": True}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for code, why in ERRORS.items():
                content = {"application/json": {"schema": error}}
                if code == "404":  # a path the router does not know: Django's own page
                    content["text/html"] = {"schema": {"type": "string"}}
                operation["responses"].setdefault(code, {"description": why, "content": content})
    return result

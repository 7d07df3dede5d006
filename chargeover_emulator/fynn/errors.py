"""Fynn's error bodies: API Platform's `{type, title, detail, violations}`, and the Symfony
constraint violations (German messages, constraint UUIDs as codes) its 422s list.

spec/fynn/NOTES.md, "400 vs 422": a body that cannot be read (wrong type, unknown attribute
under `strict`) is a 400; a body that was read and breaks a rule is a 422 listing every
violation with its `propertyPath`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from chargeover_emulator.errors import ApiError, BadRequest, NotFound
from chargeover_emulator.validation import Violation

__all__ = [
    "ERROR_TYPE",
    "Conflict",
    "FeatureDisabled",
    "Forbidden",
    "Unprocessable",
    "constraint",
    "error_body",
    "rejected",
]

ERROR_TYPE = "https://tools.ietf.org/html/rfc2616#section-10"
TITLE = "An error occurred"

# Symfony's constraint codes and their German messages (validators.de.xlf), as Fynn returns them.
NOT_BLANK = ("c1051bb4-d103-4f74-8988-acbcafc7fdc3", "Dieser Wert sollte nicht leer sein.")
TOO_SHORT = (
    "9ff3fdc4-b214-49db-8718-39c315e33d45",
    "Diese Zeichenkette ist zu kurz. Sie sollte mindestens {limit} Zeichen haben.",
)
TOO_LONG = (
    "d94b19cc-114f-4f44-9cc4-4138e80a87b9",
    "Diese Zeichenkette ist zu lang. Sie sollte höchstens {limit} Zeichen haben.",
)
INVALID_EMAIL = (
    "bd79c0ab-ddba-46cc-a703-a7a4b08de310",
    "Dieser Wert ist keine gültige E-Mail-Adresse.",
)
INVALID_UUID = ("51120b12-a2bc-41bf-aa53-cd73daf330d0", "Dies ist keine gültige UUID.")
NO_MATCH = ("de1e3db3-5ed4-4941-aae4-59f3667cc3a3", "Dieser Wert ist nicht gültig.")
NO_SUCH_CHOICE = (
    "8e179f1b-97aa-4560-a02f-2a8b42e49df7",
    "Sie haben einen ungültigen Wert ausgewählt.",
)
NOT_UNIQUE = ("23bd9dbf-6b9b-41cd-a99e-4844bcf3077f", "Dieser Wert wird bereits verwendet.")


class Forbidden(ApiError):
    """The API key lacks the operation's permission."""

    status_code = 403


class Conflict(ApiError):
    """A business rule refuses the change (Fynn's 400 "with a descriptive error message")."""

    status_code = 400


class Unprocessable(ApiError):
    """422: the body was read and breaks rules; `violations` lists each."""

    status_code = 422

    def __init__(self, violations: Sequence[dict[str, Any]]) -> None:
        detail = "\n".join(
            f"{v['propertyPath']}: {v['message']}" if v["propertyPath"] else v["message"]
            for v in violations
        )
        super().__init__(detail, details={"violations": list(violations)})


class FeatureDisabled(ApiError):
    """501: the tenant's feature flag for the operation is off."""

    status_code = 501


def constraint(path: str, code_message: tuple[str | None, str], **values: Any) -> dict[str, Any]:
    """One violation: `{propertyPath, message, code}`."""
    code, message = code_message
    return {"propertyPath": path, "message": message.format(**values), "code": code}


@dataclasses.dataclass(frozen=True)
class _Read:
    """A violation read as Fynn words it: a 400 message, or a 422 constraint."""

    unreadable: str | None = None
    broken: dict[str, Any] | None = None


def _property_path(pointer: str) -> str:
    """`/addresses/0/city` -> `addresses[0].city` (Symfony's property path)."""
    path = ""
    for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path


def _body(violation: Violation) -> _Read:
    """One body violation, by the schema rule it broke."""
    path = _property_path(violation.pointer)
    detail = violation.detail
    rule = violation.rule
    if rule == "required":
        missing = str(getattr(detail, "property", "")).strip('"')
        return _Read(broken=constraint(f"{path}.{missing}" if path else missing, NOT_BLANK))
    if rule == "type":
        return _Read(unreadable=f'The type of the "{path or "body"}" attribute is not valid.')
    if rule == "additionalProperties":
        unknown = ", ".join(f'"{name}"' for name in getattr(detail, "unexpected", ()) or ())
        return _Read(unreadable=f"Extra attributes are not allowed ({unknown} is unknown).")
    if rule == "minLength":
        limit = getattr(detail, "limit", 1)
        return _Read(broken=constraint(path, NOT_BLANK if limit == 1 else TOO_SHORT, limit=limit))
    if rule == "maxLength":
        return _Read(broken=constraint(path, TOO_LONG, limit=getattr(detail, "limit", 255)))
    if rule == "format":
        kind = getattr(detail, "format", "")
        return _Read(broken=constraint(path, INVALID_UUID if kind == "uuid" else INVALID_EMAIL))
    if rule in {"enum", "anyOf", "oneOf", "const"}:
        return _Read(broken=constraint(path, NO_SUCH_CHOICE))
    return _Read(broken=constraint(path, NO_MATCH))


_PAGING_MESSAGES = {
    ("page", "minimum"): "Page should not be less than 1",
    ("page", "type"): "Page should not be less than 1",
    ("limit", "minimum"): "Limit should not be less than 0",
    ("limit", "maximum"): "Limit should not be greater than 100",
}


def rejected(violations: Sequence[Violation]) -> ApiError:
    """The answer to a request the validation policy rejects (the dialect's `rejected`)."""
    first = violations[0]
    if first.component == "path":
        return NotFound("Not Found")  # API Platform: an id that is no UUID finds nothing
    if first.component != "body":
        name = first.pointer.strip("/")
        message = _PAGING_MESSAGES.get((name, first.rule))
        return BadRequest(message or f'Invalid value for the "{name}" {first.component} parameter.')
    read = [_body(violation) for violation in violations]
    unreadable = next((item.unreadable for item in read if item.unreadable), None)
    if unreadable is not None:
        return BadRequest(unreadable)
    return Unprocessable([item.broken for item in read if item.broken is not None])


def error_body(error: ApiError) -> dict[str, Any]:
    """Fynn's error body for any error (the dialect's `failure`)."""
    body: dict[str, Any] = {"type": ERROR_TYPE, "title": TITLE, "detail": error.message}
    violations = error.details.get("violations")
    if violations:
        body["violations"] = violations
    return body

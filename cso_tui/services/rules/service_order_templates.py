"""Service order templates: what a request's Service orders tab may create (seed 003 "service
order type - display only the templates which are associated with consumer").

A template fits a consumer when the consumer's category is one of its categories (none: any),
the consumer has a service connection of one of its utilities (none: any), and the request
is of one of its request types. The database setting ``service_order_templates`` (a JSON
list of objects with these fields) replaces the defaults below for a utility that works
with others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

_LOG = logging.getLogger(__name__)

NON_RESIDENTIAL = ("commercial", "industrial", "government", "institutional")


class Template(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    order_type: str = Field(min_length=1, max_length=40)
    priority: str = "medium"
    estimated_minutes: int = Field(default=60, ge=1, le=24 * 60)
    requires_approval: bool = False
    categories: tuple[str, ...] = ()  # lower case; empty: every category
    utilities: tuple[str, ...] = ()  # water, electricity; empty: any
    request_types: tuple[str, ...] = ("disconnection", "reconnection")

    def fits(self, category: str, utilities: Iterable[str], request_type: str) -> bool:
        if self.categories and category.strip().lower() not in self.categories:
            return False
        if self.utilities and not set(self.utilities) & {u.lower() for u in utilities}:
            return False
        return request_type in self.request_types


DEFAULTS: tuple[Template, ...] = (
    Template(code="DSC-RES", name="Residential Disconnection", order_type="Disconnection",
             priority="high", estimated_minutes=120, categories=("residential",),
             request_types=("disconnection",)),
    Template(code="DSC-COM", name="Commercial Disconnection", order_type="Disconnection",
             priority="high", estimated_minutes=180, requires_approval=True,
             categories=NON_RESIDENTIAL, request_types=("disconnection",)),
    Template(code="FMR-001", name="Final Meter Reading", order_type="Meter Reading",
             priority="medium", estimated_minutes=30, request_types=("disconnection",)),
    Template(code="RCN-RES", name="Residential Reconnection", order_type="Reconnection",
             priority="medium", estimated_minutes=90, categories=("residential",),
             request_types=("reconnection",)),
    Template(code="RCN-COM", name="Commercial Reconnection", order_type="Reconnection",
             priority="medium", estimated_minutes=120, requires_approval=True,
             categories=NON_RESIDENTIAL, request_types=("reconnection",)),
    Template(code="INS-WTR", name="Water Line Safety Inspection", order_type="Inspection",
             priority="medium", estimated_minutes=60, utilities=("water",)),
    Template(code="INS-ELE", name="Electrical Safety Inspection", order_type="Inspection",
             priority="medium", estimated_minutes=60, utilities=("electricity",)),
)  # fmt: skip


def templates(setting: object) -> tuple[Template, ...]:
    """The templates of the ``service_order_templates`` setting, or the defaults (also when
    the setting cannot be read: logged, never fatal)."""
    if not isinstance(setting, list) or not setting:
        return DEFAULTS
    try:
        return tuple(Template.model_validate(item) for item in setting)
    except ValueError as exc:
        _LOG.warning("service_order_templates setting ignored (%s): using the defaults", exc)
        return DEFAULTS


def fitting(
    all_templates: Iterable[Template], category: str, utilities: Iterable[str], request_type: str
) -> list[Template]:
    """The templates that fit the consumer and the request, in their order."""
    have = list(utilities)
    return [t for t in all_templates if t.fits(category, have, request_type)]

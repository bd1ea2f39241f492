"""A merchant's billing settings, as the dashboard reads and changes them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CollectionMethod = Literal["send_invoice", "charge_automatically"]

MAX_GRACE_MINUTES = 30 * 24 * 60  # 30 days
MAX_BACKDATING_DAYS = 365
MAX_DAYS_UNTIL_DUE = 365

GraceMinutes = Annotated[int, Field(ge=0, le=MAX_GRACE_MINUTES)]
BackdatingDays = Annotated[int, Field(ge=1, le=MAX_BACKDATING_DAYS)]
DaysUntilDue = Annotated[int, Field(ge=1, le=MAX_DAYS_UNTIL_DUE)]


class BillingSettings(BaseModel):
    invoice_grace_period_minutes: GraceMinutes = Field(
        description="Invoices of a period are finalised this long after the period ends."
    )
    backdating_window_days: BackdatingDays = Field(
        description="Events may be sent this many days after they happened; older ones are refused."
    )
    collection_method: CollectionMethod = Field(
        description="How exported invoices are collected in Stripe: emailed with a due date, or charged."
    )
    days_until_due: DaysUntilDue = Field(description="For send_invoice: days the customer has to pay.")
    send_zero_amount_invoices: bool = Field(description="Whether invoices of 0 are exported to Stripe.")


def _no_null_defaults(schema: dict[str, Any]) -> None:
    """A left-out field keeps its value: the schema shows no ``null`` default to send."""
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


class BillingSettingsPatch(BaseModel):
    """Only the fields sent change; ``null`` is refused (leave a field out to keep its value)."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_no_null_defaults)

    # Typed without None, so a null is refused like any other wrong type (with one error naming the
    # field, not one per member of a union). The None default only marks a field as left out:
    # model_dump(exclude_unset=True) drops it, hence the type: ignore.
    invoice_grace_period_minutes: GraceMinutes = Field(default=None)  # type: ignore[assignment]
    backdating_window_days: BackdatingDays = Field(default=None)  # type: ignore[assignment]
    collection_method: CollectionMethod = Field(default=None)  # type: ignore[arg-type]
    days_until_due: DaysUntilDue = Field(default=None)  # type: ignore[assignment]
    send_zero_amount_invoices: bool = Field(default=None)  # type: ignore[assignment]

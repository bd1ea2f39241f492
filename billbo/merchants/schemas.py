"""A merchant's billing settings, as the dashboard reads and changes them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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


class BillingSettingsPatch(BaseModel):
    """Only the fields sent change; ``null`` is refused (leave a field out to keep it)."""

    model_config = ConfigDict(extra="forbid")

    invoice_grace_period_minutes: GraceMinutes | None = None
    backdating_window_days: BackdatingDays | None = None
    collection_method: CollectionMethod | None = None
    days_until_due: DaysUntilDue | None = None
    send_zero_amount_invoices: bool | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null: leave the field out to keep its value")
        return value

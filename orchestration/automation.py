"""When the daemon re-runs a stage by itself: whenever what it reads has changed.

Dagster's ``eager()`` is not enough for billing: it only looks at the latest partition (a day of
October reloaded in November would never re-rate October), and it waits while any dependency has
never been materialised (the dbt sources written by the dashboard API never are, in Dagster's
eyes). This condition requests any partition whose dependencies were updated since it last ran,
once nothing upstream of it, and not itself, is running, and no input failed a blocking check.

The conditions are evaluated by ``billing_automation``, a sensor of our own that is on from the
first ``billbo up``: Dagster's implicit ``default_automation_condition_sensor`` starts stopped, so
late usage would be reloaded and never re-rated.
"""

import dagster as dg

AC = dg.AutomationCondition

# A blocking check stops its own run before anything downstream reads the asset; this stops the
# runs after it too (a month's drafts refresh in a run of their own after an earlier month's
# rating, see invoice_drafts), until the asset is materialised again and passes.
UPSTREAM_CHECK_FAILED = AC.any_deps_match(AC.any_checks_match(AC.check_failed(), blocking_only=True)).with_label(
    "a blocking check of an input failed"
)

RERUN_WHEN_INPUTS_CHANGE = (
    AC.any_deps_updated().since_last_handled() & ~AC.any_deps_in_progress() & ~AC.in_progress() & ~UPSTREAM_CHECK_FAILED
).with_label("re-run when its inputs change")

# Every 30 s (Dagster's default): a tick reads only what the instance recorded since the last
# one, so an idle stack pays next to nothing. Late usage of a finalised month then reaches the next
# draft in two to three minutes: the late_events sensor (every 60 s) reloads its day, a tick asks
# for the month's rating and the drafts that bill it, and the backfill daemon (every 30 s, not
# configurable) runs them in order.
AUTOMATION_INTERVAL_SECONDS = 30

billing_automation = dg.AutomationConditionSensorDefinition(
    "billing_automation",
    target=dg.AssetSelection.all(),  # every asset with an automation condition, present and future
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=AUTOMATION_INTERVAL_SECONDS,
    # A tick that asks for several months of one asset becomes one backfill, which Dagster runs in
    # dependency order: a later month's drafts only after the re-rated earlier month they bill.
    emit_backfills=True,
    description="Re-rates a month and refreshes the drafts that bill it whenever their inputs change "
    "(a reloaded day of usage, a re-rated earlier month).",
)

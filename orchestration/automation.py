"""When the daemon re-runs a stage by itself: whenever what it reads has changed.

Dagster's ``eager()`` is not enough for billing: it only looks at the latest partition (a day of
October reloaded in November would never re-rate October), and it waits while any dependency has
never been materialised (the dbt sources written by the dashboard API never are, in Dagster's
eyes). This condition requests any partition whose dependencies were updated since it last ran,
once nothing upstream of it, and not itself, is running.
"""

import dagster as dg

AC = dg.AutomationCondition

RERUN_WHEN_INPUTS_CHANGE = (
    AC.any_deps_updated().since_last_handled() & ~AC.any_deps_in_progress() & ~AC.in_progress()
).with_label("re-run when its inputs change")

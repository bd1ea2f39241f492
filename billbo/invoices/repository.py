"""All SQL of invoices: drafts refreshed from rated usage, finalisation with gapless numbers, the
reconciliation checks, and what the dashboard reads (rated usage, invoices, their lines)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from psycopg.rows import dict_row

from billbo.postgres.connection import Conn

# Upsert a draft for every (merchant, customer, currency) with rated usage in the period; skip
# those already finalized (their late usage is not handled here yet).
UPSERT_DRAFTS = """
insert into invoices (merchant_id, customer_id, currency, period_start)
select distinct merchant_id, customer_id, currency, period_start
from rating.rated_usage where period_start = %(period)s
on conflict (merchant_id, customer_id, period_start, currency) do nothing
"""

# A draft's lines for its own period follow the period's rated usage, one line per SKU, changed in
# place: a line keeps its id while it bills the same customer, SKU and period (links to it stay
# valid from one refresh to the next), and a refresh that changes nothing writes nothing (rewriting
# every line was most of a refresh's time). Each line stores the calculation that priced it, as the
# rating made it: the billable quantity, the tier-by-tier breakdown and the minimum top-up of its
# rated usage (billbo_rating), and the included quantity of its price version. The line's
# explanation reads them (it never rates again). Numbers are compared as text, so a line is
# rewritten whenever what it shows would differ.
_DRAFTS_AND_RATED_USAGE = """
from invoices d
join rating.rated_usage r
  on r.merchant_id = d.merchant_id and r.customer_id = d.customer_id and r.currency = d.currency
 and r.period_start = d.period_start
left join price_versions v on v.id = r.price_version_id
where d.period_start = %(period)s and d.status = 'draft'
"""
# Adjustment lines (another period's usage) are recomputed below from what finalised invoices
# billed; own-period lines whose usage is no longer rated go.
REMOVE_STALE_LINES = """
delete from invoice_lines l using invoices d
where d.period_start = %(period)s and d.status = 'draft' and l.invoice_id = d.id
  and (l.usage_period_start <> d.period_start
       or not exists (
           select 1 from rating.rated_usage r
           where r.merchant_id = d.merchant_id and r.customer_id = d.customer_id and r.currency = d.currency
             and r.period_start = d.period_start and r.sku_id = l.sku_id))
"""
UPDATE_CHANGED_LINES = (
    """
update invoice_lines l
set price_version_id = r.price_version_id, quantity = r.quantity, event_count = r.event_count,
    amount_unrounded = r.amount_unrounded, amount_minor = r.amount_minor, billable_quantity = r.billable_quantity,
    included_quantity = v.included_quantity, tier_breakdown = r.tier_breakdown, minimum_top_up = r.minimum_top_up
"""
    + _DRAFTS_AND_RATED_USAGE
    + """
  and l.invoice_id = d.id and l.sku_id = r.sku_id and l.usage_period_start = d.period_start
  and (l.price_version_id, l.quantity::text, l.event_count, l.amount_unrounded::text, l.amount_minor,
       l.billable_quantity::text, l.included_quantity::text, l.tier_breakdown, l.minimum_top_up::text)
      is distinct from
      (r.price_version_id, r.quantity::text, r.event_count, r.amount_unrounded::text, r.amount_minor,
       r.billable_quantity::text, v.included_quantity::text, r.tier_breakdown, r.minimum_top_up::text)
"""
)
ADD_MISSING_LINES = (
    """
insert into invoice_lines (invoice_id, sku_id, usage_period_start, price_version_id, quantity, event_count,
                           amount_unrounded, amount_minor,
                           billable_quantity, included_quantity, tier_breakdown, minimum_top_up)
select d.id, r.sku_id, r.period_start, r.price_version_id, r.quantity, r.event_count, r.amount_unrounded,
       r.amount_minor, r.billable_quantity, v.included_quantity, r.tier_breakdown, r.minimum_top_up
"""
    + _DRAFTS_AND_RATED_USAGE
    + """
  and not exists (
      select 1 from invoice_lines l
      where l.invoice_id = d.id and l.sku_id = r.sku_id and l.usage_period_start = d.period_start)
"""
)

# Usage rated for a period whose invoice is already finalized, beyond what finalized invoices
# billed for it: billed on this period's draft as adjustment lines naming their own period.
# Recomputed on every refresh (the old adjustment lines are removed first), so it never bills the
# same usage twice.
# An adjustment line stores the breakdown of its period rated again as a whole, and what finalised
# invoices billed for that period before (billed_before_*): the line is the difference.
ADD_ADJUSTMENTS = """
with invoiced as (
    select merchant_id, customer_id, currency, sku_id, usage_period_start as period_start,
           sum(quantity) as quantity, sum(event_count) as event_count,
           sum(amount_unrounded) as amount_unrounded, sum(amount_minor) as amount_minor
    from billed_usage
    group by 1, 2, 3, 4, 5
),
late as (
    select r.merchant_id, r.customer_id, r.currency, r.sku_id, r.period_start, r.price_version_id,
           r.quantity - coalesce(v.quantity, 0) as quantity,
           r.event_count - coalesce(v.event_count, 0) as event_count,
           r.amount_unrounded - coalesce(v.amount_unrounded, 0) as amount_unrounded,
           r.amount_minor - coalesce(v.amount_minor, 0) as amount_minor,
           r.billable_quantity, r.tier_breakdown, r.minimum_top_up,
           coalesce(v.quantity, 0) as billed_before_quantity, coalesce(v.amount_minor, 0) as billed_before_minor
    from rating.rated_usage r
    join invoices f
      on f.merchant_id = r.merchant_id and f.customer_id = r.customer_id and f.currency = r.currency
     and f.period_start = r.period_start and f.status = 'finalized'
    left join invoiced v
      on v.merchant_id = r.merchant_id and v.customer_id = r.customer_id and v.currency = r.currency
     and v.sku_id = r.sku_id and v.period_start = r.period_start
    where r.period_start < %(period)s
      and (r.amount_minor <> coalesce(v.amount_minor, 0) or r.quantity <> coalesce(v.quantity, 0))
      -- The adjustment belongs to the customer's earliest open draft after the late period: when
      -- an earlier draft than this one is open, that draft bills it, and this one does not.
      and not exists (
          select 1 from invoices e
          where e.merchant_id = r.merchant_id and e.customer_id = r.customer_id and e.currency = r.currency
            and e.status = 'draft' and e.period_start > r.period_start and e.period_start < %(period)s
      )
),
drafts as (
    insert into invoices (merchant_id, customer_id, currency, period_start)
    select distinct merchant_id, customer_id, currency, %(period)s::date from late
    on conflict (merchant_id, customer_id, period_start, currency) do update set updated_at = now()
    returning id, merchant_id, customer_id, currency, status
)
insert into invoice_lines (invoice_id, sku_id, usage_period_start, price_version_id, quantity, event_count,
                           amount_unrounded, amount_minor,
                           billable_quantity, included_quantity, tier_breakdown, minimum_top_up,
                           billed_before_quantity, billed_before_minor)
select d.id, l.sku_id, l.period_start, l.price_version_id, l.quantity, l.event_count, l.amount_unrounded,
       l.amount_minor, l.billable_quantity, p.included_quantity, l.tier_breakdown, l.minimum_top_up,
       l.billed_before_quantity, l.billed_before_minor
from late l
join drafts d on d.merchant_id = l.merchant_id and d.customer_id = l.customer_id and d.currency = l.currency
left join price_versions p on p.id = l.price_version_id
where d.status = 'draft'
"""

UPDATE_DRAFT_TOTALS = """
update invoices i set subtotal_minor = coalesce(t.total, 0), updated_at = now()
from (select i2.id, (select sum(amount_minor) from invoice_lines l where l.invoice_id = i2.id) as total
      from invoices i2 where i2.period_start = %(period)s and i2.status = 'draft') t
where i.id = t.id
"""


def refresh_drafts(conn: Conn, period_start: dt.date) -> int:
    """Make the period's draft invoices match rated usage; returns how many drafts there are."""
    params = {"period": period_start}
    conn.execute(UPSERT_DRAFTS, params)
    conn.execute(REMOVE_STALE_LINES, params)
    conn.execute(UPDATE_CHANGED_LINES, params)
    conn.execute(ADD_MISSING_LINES, params)
    conn.execute(ADD_ADJUSTMENTS, params)
    conn.execute(UPDATE_DRAFT_TOTALS, params)
    row = conn.execute(
        "select count(*) from invoices where period_start = %(period)s and status = 'draft'", params
    ).fetchone()
    return int(row[0]) if row else 0


DUE = """
i.status = 'draft'
and (i.period_start + interval '1 month')::timestamp at time zone 'UTC' + m.invoice_grace_period <= %(now)s
and (%(period)s::date is null or i.period_start = %(period)s)
"""


def due_periods(conn: Conn, now: dt.datetime, period: dt.date | None = None) -> list[dt.date]:
    """Billing periods with drafts due for finalisation (their period and grace are over), oldest first."""
    rows = conn.execute(
        f"select distinct i.period_start from invoices i join merchants m on m.id = i.merchant_id where {DUE} "
        "order by 1",
        {"now": now, "period": period},
    ).fetchall()
    return [row[0] for row in rows]


def due_drafts(conn: Conn, now: dt.datetime, period: dt.date) -> list[uuid.UUID]:
    """A period's drafts whose period ended more than the merchant's grace period ago, locked."""
    rows = conn.execute(
        f"""
        select i.id from invoices i join merchants m on m.id = i.merchant_id
        where {DUE}
        order by i.id
        for update of i
        """,
        {"now": now, "period": period},
    ).fetchall()
    return [row[0] for row in rows]


# Numbers the drafts in one statement: each merchant's counter moves by its number of drafts, and
# the drafts take the numbers after the counter's old value, in customer and currency order. Inside
# the caller's transaction, so numbers stay gapless: a rolled-back transaction gives them back.
# The price versions the invoices used are locked with them (D5).
FINALIZE = """
with drafts as (
    select id, merchant_id,
           row_number() over (partition by merchant_id order by customer_id, currency, id) as position
    from invoices
    where id = any(%(ids)s) and status = 'draft'
),
counted as (
    update invoice_number_counters c set last_number = c.last_number + t.drafts
    from (select merchant_id, count(*) as drafts from drafts group by merchant_id) t
    where c.merchant_id = t.merchant_id
    returning c.merchant_id, c.last_number - t.drafts as before
),
finalized as (
    update invoices i
    set status = 'finalized', number = c.before + d.position, finalized_at = now(), updated_at = now()
    from drafts d join counted c on c.merchant_id = d.merchant_id
    where i.id = d.id
    returning i.id
),
locked as (
    update price_versions set locked_at = now()
    where locked_at is null
      and id in (select l.price_version_id from invoice_lines l join finalized f on f.id = l.invoice_id)
)
select count(*) from finalized
"""


def finalize(conn: Conn, invoice_ids: list[uuid.UUID]) -> int:
    """Finalise these drafts (locked by the caller), numbered in their merchants' sequences;
    returns how many were finalised."""
    conn.execute(
        "insert into invoice_number_counters (merchant_id) "
        "select distinct merchant_id from invoices where id = any(%(ids)s) on conflict do nothing",
        {"ids": invoice_ids},
    )
    row = conn.execute(FINALIZE, {"ids": invoice_ids}).fetchone()
    return int(row[0]) if row else 0


# Reconciliation of a period's drafts, for the invoicing stage's asset checks: rows returned are
# the discrepancies. Lines sum to their invoice's subtotal (rating.invoice_lines, the dbt mart,
# carries both figures for every line: its dbt test and this check compare the same columns):
UNBALANCED_DRAFTS = """
select distinct invoice_id, invoice_subtotal_minor, invoice_lines_total_minor
from rating.invoice_lines
where billing_period_start = %(period)s and invoice_status = 'draft'
  and invoice_subtotal_minor <> invoice_lines_total_minor
"""
# ...and a draft's lines for its own period are exactly the period's rated usage (nothing lost,
# nothing added, same price version, amount and stored breakdown); adjustment lines are checked
# against finalized invoices by construction (they are the difference).
DRAFTS_VERSUS_RATED_USAGE = """
with rated as (
    select r.* from rating.rated_usage r
    where r.period_start = %(period)s
      and not exists (
          select 1 from invoices f
          where f.merchant_id = r.merchant_id and f.customer_id = r.customer_id and f.currency = r.currency
            and f.period_start = r.period_start and f.status = 'finalized'
      )
),
lines as (
    select i.merchant_id, i.customer_id, i.currency, l.sku_id, l.price_version_id, l.quantity, l.event_count,
           l.amount_minor, l.billable_quantity, l.tier_breakdown, l.minimum_top_up
    from invoice_lines l join invoices i on i.id = l.invoice_id
    where i.period_start = %(period)s and i.status = 'draft' and l.usage_period_start = %(period)s
)
select coalesce(r.merchant_id, l.merchant_id), coalesce(r.customer_id, l.customer_id), coalesce(r.sku_id, l.sku_id)
from rated r
full outer join lines l
  on l.merchant_id = r.merchant_id and l.customer_id = r.customer_id and l.currency = r.currency
 and l.sku_id = r.sku_id
where r.merchant_id is null or l.merchant_id is null or l.price_version_id <> r.price_version_id
   or l.quantity <> r.quantity or l.event_count <> r.event_count or l.amount_minor <> r.amount_minor
   or l.billable_quantity is distinct from r.billable_quantity or l.tier_breakdown is distinct from r.tier_breakdown
   or l.minimum_top_up is distinct from r.minimum_top_up
"""


def unbalanced_drafts(conn: Conn, period_start: dt.date) -> list[Any]:
    return conn.execute(UNBALANCED_DRAFTS, {"period": period_start}).fetchall()


def drafts_versus_rated_usage(conn: Conn, period_start: dt.date) -> list[Any]:
    return conn.execute(DRAFTS_VERSUS_RATED_USAGE, {"period": period_start}).fetchall()


# Reading rated usage and invoices (the dashboard).
def rated_usage_exists(conn: Conn) -> bool:
    row = conn.execute("select to_regclass('rating.rated_usage') is not null").fetchone()
    return bool(row and row[0])


def rated_usage(conn: Conn, merchant_id: uuid.UUID, period_start: dt.date) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select customer_id, sku_id, period_start, quantity, event_count, price_version_id, price_version, "
            "pricing_model::text as pricing_model, currency, amount_unrounded, amount_minor "
            "from rating.rated_usage where merchant_id = %s and period_start = %s order by customer_id, sku_id",
            [merchant_id, period_start],
        ).fetchall()


_INVOICE = (
    "select id, customer_id, currency, period_start, status::text as status, number, subtotal_minor, finalized_at "
    "from invoices"
)


def invoices(conn: Conn, merchant_id: uuid.UUID, period_start: dt.date | None) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        if period_start is None:
            return cur.execute(
                _INVOICE + " where merchant_id = %s order by period_start desc, customer_id", [merchant_id]
            ).fetchall()
        return cur.execute(
            _INVOICE + " where merchant_id = %s and period_start = %s order by customer_id", [merchant_id, period_start]
        ).fetchall()


def invoice(conn: Conn, merchant_id: uuid.UUID, invoice_id: uuid.UUID) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(_INVOICE + " where merchant_id = %s and id = %s", [merchant_id, invoice_id]).fetchone()


def lines(conn: Conn, invoice_id: uuid.UUID) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select id, sku_id, usage_period_start, price_version_id, quantity, event_count, amount_unrounded, "
            "amount_minor from invoice_lines where invoice_id = %s order by sku_id, usage_period_start",
            [invoice_id],
        ).fetchall()


def usage_days(
    conn: Conn, merchant_id: uuid.UUID, customer_id: uuid.UUID, sku_id: uuid.UUID, period_start: dt.date
) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select day, quantity, event_count, event_checksum from usage_daily where merchant_id = %s "
            "and customer_id = %s and sku_id = %s and day >= %s and day < (%s::date + interval '1 month') order by day",
            [merchant_id, customer_id, sku_id, period_start, period_start],
        ).fetchall()


def line_breakdown(conn: Conn, invoice_id: uuid.UUID, line_id: uuid.UUID) -> dict[str, Any] | None:
    """What a line stored of the calculation that priced it (all null on a line written before
    lines stored it, whose rated usage had changed since)."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select billable_quantity, included_quantity, tier_breakdown, minimum_top_up, billed_before_quantity, "
            "billed_before_minor from invoice_lines where invoice_id = %s and id = %s",
            [invoice_id, line_id],
        ).fetchone()

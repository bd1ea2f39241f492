{#
    The one rounding rule (decision log D10): an amount to integer minor units of its currency,
    half away from zero (Postgres' numeric round), once per line.
#}
{% macro to_minor_units(amount, exponent) %}
    round({{ amount }} * power(10::numeric, {{ exponent }}))::bigint
{% endmacro %}

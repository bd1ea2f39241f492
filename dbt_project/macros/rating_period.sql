{#
    The billing period a run rates, 'YYYY-MM', or none for every period.

    From the `period` var when given (`dbt build --vars '{period: 2026-10}'`), else from the
    BILLBO_RATING_PERIOD environment variable, which is how Dagster passes it: a var changes the
    hash dbt checks before partial parsing, so every run would re-parse the whole project, while an
    environment variable only re-parses the few files that read it (about a second per run).
#}
{% macro rating_period() %}
    {{ return(var('period', env_var('BILLBO_RATING_PERIOD', '')) or none) }}
{% endmacro %}

{% macro in_rating_period(column='period_start') %}
    {%- if rating_period() -%}
    {{ column }} = to_date('{{ rating_period() }}', 'YYYY-MM')
    {%- else -%}
    true
    {%- endif -%}
{% endmacro %}

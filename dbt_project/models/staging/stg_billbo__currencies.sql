with

source as (
    select * from {{ source('billbo', 'currencies') }}
),

final as (
    select
        code as currency,
        exponent as minor_unit_exponent
    from source
)

select * from final

"""PUT /v1/customers/{customer_id}: merchants' backends keep their customers in sync."""

"""Merchants: the organisations that bill their customers with BillBo."""

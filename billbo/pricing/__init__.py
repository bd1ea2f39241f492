"""Pricing models: what a quantity of a SKU costs under one price version."""

"""Seats of a merchant and invitations: who may invite, change and remove whom."""

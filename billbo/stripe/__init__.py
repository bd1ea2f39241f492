"""BillBo's one door to Stripe: the typed client (``client``), its models (``schemas``), the error
taxonomy (``errors``) and webhook signature checks (``webhooks``). Nothing else imports the SDK."""

"""What both BillBo APIs share: the app skeleton, request ids, the error shape, health checks."""

"""Partner orders: received by signed webhook, read in scope, filled from households' contracted deliveries."""

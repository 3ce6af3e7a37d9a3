"""Fund sources received by a county and their allocations (R1, R2)."""

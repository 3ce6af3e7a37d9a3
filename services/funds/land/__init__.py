"""Land transferred to entities with its rent (R15, R16), and reverse-lease-back with its disaster terms and income (R14)."""

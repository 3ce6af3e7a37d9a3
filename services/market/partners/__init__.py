"""Partner platforms (§6.1): the registry, their webhook secrets (several active, for rotation), the on/off switch."""

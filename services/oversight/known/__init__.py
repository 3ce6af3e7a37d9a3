"""Households as the registry announced them: the names a notice posts, masked."""

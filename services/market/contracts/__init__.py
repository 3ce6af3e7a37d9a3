"""Order farming at floor prices (R12, §5.1): contracts, and deliveries settled at max(floor, market)."""

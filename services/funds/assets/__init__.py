"""Assets built with special or assistance funds (R10), handed over to entities, their rights moved to the collective (R16)."""

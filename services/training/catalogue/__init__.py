"""The course catalogue (R8): the city's courses and each county's own."""

"""Operating entities (经营主体): registered with a county, seen by everyone working in it."""

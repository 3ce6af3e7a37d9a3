"""Village notices (公示): what is posted, when it closes, its public page."""

"""R7: skill certificates, every labourer's training file and compliance by year, and who is behind."""

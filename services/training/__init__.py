"""Training service: courses, sessions, attendance, certificates and every labourer's training file."""

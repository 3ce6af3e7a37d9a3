"""Sessions of a course at a venue (R8), their enrolments and attendance, and their completion (R7's counted sessions)."""

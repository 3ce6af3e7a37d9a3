"""Oversight service: village notices (公示) that hold money until they close, objections and grievances."""

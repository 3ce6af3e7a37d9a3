"""Objections to notices and grievances recorded by officials: one workflow, received → investigating → upheld / rejected."""

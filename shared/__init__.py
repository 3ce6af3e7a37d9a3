"""Fupin's own library: the event backbone, HTTP conventions, identity and money rules every service shares."""

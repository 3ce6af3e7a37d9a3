"""Household income statements (收益明白卡, issue #16 item 3): each income line of a household's year with what is
behind it and its clause, as JSON and as a printed card whose QR code leads to a check against the log."""

"""Disbursement against accounts (拨款报账, R10): payment requests with vouchers, approved by another person, paid."""

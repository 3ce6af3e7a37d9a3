"""Households service: villages, poor households, members, labour, employment and wages."""

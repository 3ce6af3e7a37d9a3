"""Employment and wages (§5.2, R13): members employed by the operating entities the funds service announces."""

"""Three-rights projects, their investment cooperation agreements (R9) and the shares quantified to households."""

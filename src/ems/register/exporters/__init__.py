"""Files made from the register for print and for other systems."""

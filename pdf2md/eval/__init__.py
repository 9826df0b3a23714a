"""``pdf2md eval``: score conversions against ground truth, side by side with other tools."""

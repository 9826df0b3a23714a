"""Text-layer math: PDF glyphs and rules to LaTeX (tables, glyph reading, layout, arrays)."""

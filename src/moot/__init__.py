"""moot: internal democracy and discipline for membership organisations."""

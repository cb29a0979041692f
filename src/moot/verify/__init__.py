"""moot.verify: re-derive a published ballot's result from its record alone.

Pure: the standard library and :mod:`moot.counting` only (no Django, nothing else of moot), so
the server and anyone holding a published bundle run the very same code. ``ballot_count``
counts a ballot from its definition, its anonymised preferences (BLT) and its post-issue
events, and renders the report byte for byte.
"""

"""The trustee's and the credential authority's side of a verifiable ballot, run on their own
machine (``moot trustee ...``, ``moot credentials ...``): a pure package — the standard library,
PyNaCl and moot.verify only, never Django — so that private shares and credentials stay where
they were made and the server only ever sees public values and sealed packets."""

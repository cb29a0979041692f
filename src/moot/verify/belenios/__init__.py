"""An independent verifier of Belenios 2.0 public-data archives (``moot verify UUID.bel``).

Pure: the standard library only. Written from the Belenios 2.0 specification (doc/specification.tex
at tag 2.0) and its ATD type definitions, to check records made by someone else's implementation.
Modules: ``archive`` (the tar, content hashes, the event chain), ``groups`` (the two groups),
``proofs`` (pok, signatures, interval and blank proofs, raw ElGamal and decryption proofs),
``shuffle`` (the CHVote / Terelius-Wikström proof of shuffle), ``trustees`` (Single and Pedersen
trustees, combining partial decryptions), ``election`` (setup, credentials, ballots), ``tally``
(encrypted tally, shuffles, decryptions, result), ``verify`` (the checks in order) and ``cli``
(``main(argv)``).
"""

"""Verifiable ballots (issue 12): a ballot of issue 11 run end-to-end verifiable — encrypted in
the voter's browser, a public append-only board, threshold trustees. docs/verifiable.md."""

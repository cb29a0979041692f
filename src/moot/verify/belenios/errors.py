"""What a failed check says: the check group, what failed, and where (file, event, field)."""

from __future__ import annotations


class ProofError(Exception):
    """A value that does not verify, named by its field path inside the object being checked."""

    def __init__(self, field: str, what: str) -> None:
        super().__init__(f"{field}: {what}")
        self.field = field
        self.what = what

    def under(self, prefix: str) -> ProofError:
        """The same failure with its field path prefixed (``answers[1]`` + ``.choices[0]``)."""
        joined = prefix if not self.field else f"{prefix}.{self.field}" if prefix else self.field
        return ProofError(joined, self.what)


class VerifyError(Exception):
    """The first check that failed: its group, what failed, the data file's hash name (or the
    archive itself), the height of the event that brought it and the field inside it."""

    def __init__(
        self,
        group: str,
        what: str,
        *,
        file: str | None = None,
        height: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(what)
        self.group = group
        self.what = what
        self.file = file
        self.height = height
        self.field = field

    def line(self) -> str:
        where = []
        if self.file:
            where.append(f"file {self.file}")
        if self.height is not None:
            where.append(f"event height {self.height}")
        if self.field:
            where.append(f"field {self.field}")
        tail = f" ({', '.join(where)})" if where else ""
        return f"FAIL {self.group}: {self.what}{tail}"

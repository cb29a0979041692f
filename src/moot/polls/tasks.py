"""Background work for polls: large ballot-paper PDFs (issue 8, finding 17: 5,000 papers took
104 s in a request and left a 1.8 GB worker). Run by the task worker, or inline when
MOOT_TASKS=immediate."""

from __future__ import annotations

from django_tasks import task


@task()
def prepare_ballot_papers(poll_id: int, count: int, name: str) -> str:
    """Render ``count`` ballot papers of the poll into the file storage under ``name`` (see
    ``papers.prepare_or_serve``). Returns what happened (kept as the task's result)."""
    from moot.polls.papers import write_papers_file

    return write_papers_file(poll_id, count, name)

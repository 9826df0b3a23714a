"""Split the documents of a batch into shards with stable ids, remembered across runs.

The first run writes the plan (``.pdf2md-batch/plan.jsonl``: shard id, key, path, name per
document); later runs read it back, so a document keeps its shard (and its JSONL file) for
good. Documents new to a rerun go into new shards numbered after the existing ones, using
the current ``shard_size``. A run works on every planned shard that holds at least one of
its inputs; all members of such a shard are converted, so that its JSONL file can be
completed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from pdf2md.batch.inputs import DocumentRef
from pdf2md.batch.state import StateDir

PLAN_FILENAME = "plan.jsonl"


@dataclass(frozen=True)
class Shard:
    """A group of documents whose JSONL records share one output file."""

    shard_id: str
    members: tuple[DocumentRef, ...]


def shard_id(number: int) -> str:
    """The id of the ``number``-th shard (0-based): ``"shard-00000"``."""
    return f"shard-{number:05d}"


def _read_plan(state: StateDir) -> dict[str, list[DocumentRef]]:
    plan: dict[str, list[DocumentRef]] = {}
    try:
        text = state.store.read(f"{state.root}/{PLAN_FILENAME}").decode("utf-8")
    except FileNotFoundError:
        return plan
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            plan.setdefault(row["shard"], []).append(
                DocumentRef(key=row["key"], path=row["path"], name=row["name"])
            )
    return plan


def _write_plan(state: StateDir, plan: dict[str, list[DocumentRef]]) -> None:
    rows = [
        json.dumps({"shard": sid, "key": d.key, "path": d.path, "name": d.name}, ensure_ascii=False)
        for sid, docs in plan.items()
        for d in docs
    ]
    state.write(f"{state.root}/{PLAN_FILENAME}", ("\n".join(rows) + "\n").encode("utf-8"))


def plan_shards(state: StateDir, documents: Sequence[DocumentRef], shard_size: int) -> list[Shard]:
    """The shards this run works on, extending the stored plan with new documents.

    Args:
        state: the batch's state folder (the plan lives there).
        documents: this run's inputs, from :func:`pdf2md.batch.inputs.expand_inputs`.
        shard_size: documents per new shard (at least 1).

    Returns:
        Shards holding at least one of ``documents``, in plan order.
    """
    if shard_size < 1:
        raise ValueError(f"shard_size must be at least 1, got {shard_size}")
    plan = _read_plan(state)
    planned = {d.key for docs in plan.values() for d in docs}
    new_docs = [d for d in documents if d.key not in planned]
    if new_docs:
        first = len(plan)
        for start in range(0, len(new_docs), shard_size):
            plan[shard_id(first + start // shard_size)] = new_docs[start : start + shard_size]
        _write_plan(state, plan)
    wanted = {d.key for d in documents}
    return [
        Shard(sid, tuple(docs)) for sid, docs in plan.items() if any(d.key in wanted for d in docs)
    ]

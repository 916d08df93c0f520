"""The project at a git revision: the two sides `scorecard diff` compares.

A revision is extracted with `git archive` into a scratch directory (the repository and its work tree
are never touched); the working tree (head by default) is used in place. Every problem a user can cause
(an unknown ref, a shallow clone missing the base) is an InvalidInput: one line, exit 2."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from scorecard.errors import InvalidInput, StepFailed


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=300)


def repository_root(project_dir: Path) -> Path:
    result = _git(project_dir, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise InvalidInput(f"{project_dir}: not inside a git repository; scorecard diff compares git revisions")
    return Path(result.stdout.decode().strip())


def resolve(repo: Path, ref: str) -> str:
    """The commit ``ref`` names; a clear error for an unknown ref, and for a shallow clone without it."""
    result = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if result.returncode == 0:
        return result.stdout.decode().strip()
    shallow = _git(repo, "rev-parse", "--is-shallow-repository").stdout.decode().strip() == "true"
    if shallow:
        raise InvalidInput(
            f"{ref}: not in this shallow clone of {repo}; fetch the history first "
            "(git fetch --unshallow, or actions/checkout with fetch-depth: 0)"
        )
    raise InvalidInput(f"{ref}: not a git revision in {repo}")


def extract(repo: Path, commit: str, project_subdir: Path, destination: Path) -> Path:
    """Write the project's files at ``commit`` into ``destination``; returns the project directory there."""
    result = _git(repo, "archive", "--format=tar", commit)
    if result.returncode != 0:
        raise StepFailed(f"git archive {commit[:12]} failed: {result.stderr.decode().strip().splitlines()[0]}")
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        archive.extractall(destination, filter="data")
    return destination / project_subdir


def checkout(project_dir: Path, ref: str | None, scratch: Path) -> tuple[str, Path]:
    """(label, project directory) of the project at ``ref``: extracted under ``scratch``, or for None the
    working tree itself."""
    if ref is None:
        return "working tree", project_dir
    repo = repository_root(project_dir)
    commit = resolve(repo, ref)
    subdir = project_dir.resolve().relative_to(repo.resolve())
    return ref, extract(repo, commit, subdir, scratch / f"rev-{commit[:12]}")

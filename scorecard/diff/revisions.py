"""The project at a git revision, parsed by dbt: the two sides `scorecard diff` compares.

A revision is extracted with `git archive` into a scratch directory (the repository and its work tree
are never touched) and parsed there with its own target path; the working tree (head by default) is
parsed in place with a separate target path. Every problem a user can cause (an unknown ref, a shallow
clone missing the base, a revision whose project does not parse) is an InvalidInput: one line, exit 2."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from scorecard.dbt import IN_MEMORY, describe_dbt_error, run_dbt
from scorecard.errors import InvalidInput, StepFailed


@dataclass(frozen=True)
class Parsed:
    label: str  # the ref, or "working tree"
    project_dir: Path
    manifest: dict
    semantic_manifest: dict


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


def parse(project_dir: Path, label: str, target_dir: Path) -> Parsed:
    """`dbt parse` of the project into ``target_dir``; a project that does not parse is InvalidInput."""
    args = ["parse", "--target-path", str(target_dir)]
    try:
        result = run_dbt(project_dir, IN_MEMORY, args, silent=True)
    except StepFailed as exc:
        raise InvalidInput(
            f"{label}: the project does not parse: {describe_dbt_error(str(exc.__cause__ or exc))}"
        ) from None
    if not result.success:
        raise InvalidInput(f"{label}: the project does not parse (see {project_dir / 'logs' / 'dbt.log'})")
    manifest = json.loads((target_dir / "manifest.json").read_text(encoding="utf-8"))
    semantic = json.loads((target_dir / "semantic_manifest.json").read_text(encoding="utf-8"))
    return Parsed(label, project_dir, manifest, semantic)


def parse_revision(project_dir: Path, ref: str | None, scratch: Path) -> Parsed:
    """The project at ``ref`` (None: the working tree), parsed under ``scratch``."""
    if ref is None:
        return parse(project_dir, "working tree", scratch / "head-target")
    repo = repository_root(project_dir)
    commit = resolve(repo, ref)
    subdir = project_dir.resolve().relative_to(repo.resolve())
    checkout = extract(repo, commit, subdir, scratch / f"rev-{commit[:12]}")
    return parse(checkout, ref, scratch / f"rev-{commit[:12]}-target")

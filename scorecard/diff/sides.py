"""The two sides of `scorecard diff`, each parsed and built by dbt into its own scratch database.

Each side (base, head) gets a scratch directory with its own profile: a new DuckDB file for the models
it builds, with the warehouse attached read-only under the name dbt gives it. The warehouse holds the
source data and every model the change does not reach; `dbt run --defer` reads those from it, and each
source is a view onto the warehouse's table, so both sides compute from the same data.

Both scratch files have the same name in different directories, so dbt sees the same database on both
sides and `state:modified` compares only what changed. Deferral needs a manifest whose nodes name the
warehouse: the base's parsed manifest with that one name swapped (the defer state).

dbt runs in forked children (scorecard.forked): the two sides in parallel, and no DuckDB handle of
dbt-duckdb's is left open in this process, which opens the scratch files afterwards."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from scorecard.dbt import describe_dbt_error, describe_model_error, release_duckdb, run_dbt
from scorecard.errors import InvalidInput, StepFailed
from scorecard.forked import ChildFailed, run_forked
from scorecard.warehouse import sql_identifier, sql_literal

SCRATCH_STEM = "scorecard_diff"


@dataclass(frozen=True)
class Parsed:
    label: str  # the ref, or "working tree"
    project_dir: Path
    manifest: dict
    semantic_manifest: dict


@dataclass(frozen=True)
class Side:
    name: str  # base | head
    label: str  # the ref, or "working tree"
    project_dir: Path
    work: Path
    warehouse: Path  # the warehouse, attached read-only
    profile: str  # the profile name dbt_project.yml asks for

    @property
    def stem(self) -> str:
        return SCRATCH_STEM if self.warehouse.stem != SCRATCH_STEM else f"{SCRATCH_STEM}_scratch"

    @property
    def database(self) -> Path:
        return self.work / f"{self.stem}.duckdb"

    @property
    def target(self) -> Path:
        return self.work / "target"

    @property
    def parsed_state(self) -> Path:
        """A copy of the parsed manifest: the other side's `--state`, kept apart from this side's run."""
        return self.work / "parsed"

    def dbt_args(self) -> list[str]:
        return [
            "--profiles-dir",
            str(self.work / "profiles"),
            "--target-path",
            str(self.target),
            "--log-path",
            str(self.work / "logs"),
        ]


def make_side(name: str, label: str, project_dir: Path, scratch: Path, warehouse: Path) -> Side:
    project_file = project_dir / "dbt_project.yml"
    if not project_file.is_file():
        raise InvalidInput(f"{label}: no dbt_project.yml at {project_dir.name or project_dir}")
    try:
        profile = (yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}).get("profile")
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{label}: dbt_project.yml is not valid YAML: {str(exc).splitlines()[0]}") from None
    side = Side(name, label, project_dir, scratch / name, warehouse.resolve(), profile or "default")
    (side.work / "profiles").mkdir(parents=True, exist_ok=True)
    output = {
        "type": "duckdb",
        "path": str(side.database),
        "threads": 2,
        "attach": [{"path": str(side.warehouse), "alias": side.warehouse.stem, "read_only": True}],
    }
    profiles = {side.profile: {"target": "diff", "outputs": {"diff": output}}}
    (side.work / "profiles" / "profiles.yml").write_text(yaml.safe_dump(profiles), encoding="utf-8")
    return side


def parse_sides(sides: list[Side], as_of: date) -> list[Parsed]:
    """`dbt parse` of each side, in parallel; a side that does not parse is InvalidInput naming it."""
    answers = run_forked([lambda side=side: _parse(side, as_of) for side in sides])
    parsed = []
    for side, answer in zip(sides, answers, strict=True):
        if isinstance(answer, ChildFailed):
            raise StepFailed(f"{side.label}: dbt parse failed: {answer}")
        if answer is not None:
            raise InvalidInput(f"{side.label}: the project does not parse: {answer}")
        manifest = (side.target / "manifest.json").read_text(encoding="utf-8")
        side.parsed_state.mkdir(exist_ok=True)
        (side.parsed_state / "manifest.json").write_text(manifest, encoding="utf-8")
        semantic = json.loads((side.target / "semantic_manifest.json").read_text(encoding="utf-8"))
        parsed.append(Parsed(side.label, side.project_dir, json.loads(manifest), semantic))
    return parsed


def _parse(side: Side, as_of: date) -> str | None:
    try:
        result = run_dbt(side.project_dir, side.database, ["parse", *side.dbt_args()], as_of=as_of, silent=True)
    except StepFailed as exc:
        return describe_dbt_error(str(exc.__cause__ or exc), side.project_dir)
    if not result.success:
        return f"see {side.work / 'logs' / 'dbt.log'}"
    # ready for a build while the other side may still parse
    _source_views(side, json.loads((side.target / "manifest.json").read_text(encoding="utf-8")))
    return None


def write_defer_state(base: Side, parsed: Parsed, destination: Path) -> Path:
    """The base's manifest with its nodes naming the warehouse instead of the scratch database."""
    scratch, warehouse = base.stem, base.warehouse.stem
    manifest = json.loads(json.dumps(parsed.manifest))
    for node in manifest["nodes"].values():
        if node.get("database") == scratch:
            node["database"] = warehouse
            if node.get("relation_name"):
                node["relation_name"] = node["relation_name"].replace(f'"{scratch}".', f'"{warehouse}".', 1)
    destination.mkdir(parents=True, exist_ok=True)
    (destination / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return destination


@dataclass(frozen=True)
class Build:
    built: list[str]  # model names, in the order dbt finished them
    compiled: dict[str, str]  # model name -> compiled SQL


def build_sides(sides: list[Side], selections: list[list[str]], defer_state: Path, as_of: date) -> list[Build]:
    """`dbt run` of each side's selection with --defer to the warehouse, in parallel; each side compares
    itself with the other's parsed manifest for state:modified."""
    others = [sides[1].parsed_state, sides[0].parsed_state]
    calls = [
        lambda s=side, sel=selection, o=other: _build(s, sel, o, defer_state, as_of)
        for side, selection, other in zip(sides, selections, others, strict=True)
    ]
    builds = []
    for side, answer in zip(sides, run_forked(calls), strict=True):
        if isinstance(answer, ChildFailed):
            raise StepFailed(f"{side.label}: dbt run failed: {answer}")
        if answer["problem"]:
            raise InvalidInput(f"{side.label}: the changed models do not build: {answer['problem']}")
        builds.append(Build(answer["built"], answer["compiled"]))
    return builds


def _build(side: Side, selection: list[str], other: Path, defer: Path, as_of: date) -> dict:
    args = ["run", "--select", *selection, "--state", str(other), "--defer", "--defer-state", str(defer)]
    try:
        run_dbt(side.project_dir, side.database, [*args, *side.dbt_args()], as_of=as_of, silent=True)
    except StepFailed as exc:
        return {"problem": _run_problem(side) or describe_dbt_error(str(exc.__cause__ or exc))}
    finally:
        release_duckdb()
    results = json.loads((side.target / "run_results.json").read_text(encoding="utf-8"))["results"]
    models = [r for r in results if r["unique_id"].startswith("model.")]
    return {
        "problem": None,
        "built": [r["unique_id"].split(".", 2)[2] for r in models],
        "compiled": {r["unique_id"].split(".", 2)[2]: r.get("compiled_code") or "" for r in models},
    }


def _run_problem(side: Side) -> str | None:
    path = side.target / "run_results.json"
    if not path.exists():
        return None
    for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
        if result["status"] == "error":
            return f"{result['unique_id'].split('.', 2)[2]}: {describe_model_error(str(result.get('message') or ''))}"
    return None


def _source_views(side: Side, manifest: dict) -> None:
    """Each source the warehouse has, as a view onto it in the scratch database (dbt defers models, not
    sources)."""
    import duckdb

    if not side.warehouse.exists():
        return  # nothing to read: `scorecard diff` fills an empty warehouse before it parses
    alias = side.warehouse.stem
    con = duckdb.connect(str(side.database))
    try:
        con.execute(f"attach {sql_literal(side.warehouse)} as {sql_identifier(alias)} (read_only)")
        present = set(
            con.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = ? "
                "union all select schema_name, view_name from duckdb_views() where database_name = ?",
                [alias, alias],
            ).fetchall()
        )
        for source in manifest.get("sources", {}).values():
            schema, table = source["schema"], source["identifier"]
            if (schema, table) in present:
                con.execute(f"create schema if not exists {sql_identifier(schema)}")
                con.execute(
                    f"create or replace view {sql_identifier(schema)}.{sql_identifier(table)} as "
                    f"select * from {sql_identifier(alias)}.{sql_identifier(schema)}.{sql_identifier(table)}"
                )
        con.execute(f"detach {sql_identifier(alias)}")
    finally:
        con.close()

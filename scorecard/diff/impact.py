"""What a change reaches through dbt's lineage: the changed nodes between two parsed revisions and
every model, semantic model and metric downstream of them, plus the KPI models that compute them.

Models, seeds and snapshots count as changed when their file checksum differs (a formatting-only
change is listed here too; sql_changes tells it apart) or their properties do: config, column data
types and constraints, not descriptions. Semantic models and metrics are compared field
by field from the semantic manifest, so a changed description is no change to the numbers. The KPI
models sit beside dbt's graph (they read the marts, not the semantic models), so a changed metric also
reaches `kpi_measures__<its semantic model>` and the shared KPI tables."""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field

from scorecard.diff.field_changes import FieldChange, field_changes
from scorecard.diff.sides import Parsed
from scorecard.quality.lineage import KPI_MEASURES_PREFIX, SHARED_KPI_MODELS

_FILE_NODES = ("model", "seed", "snapshot")
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
# Dimension('visit__channel') or Dimension("visit__channel") in a filter, as JSON (which escapes the ")
_REFERENCE = re.compile(r"""\\?["'](\w+__\w+)\\?["']""")
# the entity types whose semantic model others join by them to read its dimensions
_OFFERING = {"primary", "unique", "natural"}


@dataclass
class Impact:
    changed: dict[str, str] = field(default_factory=dict)  # unique id -> added | removed | modified
    field_changes: dict[str, list[FieldChange]] = field(default_factory=dict)  # metrics, semantic models
    models: set[str] = field(default_factory=set)  # model names downstream, the changed ones included
    semantic_models: set[str] = field(default_factory=set)
    metrics: set[str] = field(default_factory=set)
    cosmetic: set[str] = field(default_factory=set)  # macros whose change is to Jinja comments or whitespace only
    resplit: set[str] = field(default_factory=set)  # KPIs split by a changed categorical dimension or entity
    refiltered: set[str] = field(default_factory=set)  # metrics filtering on one, or converting by one

    @property
    def removed_metrics(self) -> set[str]:
        return {
            uid.split(".", 2)[2] for uid, how in self.changed.items() if uid.startswith("metric.") and how == "removed"
        }


def lineage_impact(base: Parsed, head: Parsed) -> Impact:
    impact = Impact()
    _file_nodes(base.manifest, head.manifest, impact)
    for kind in ("semantic_models", "metrics"):
        _semantic_nodes(base, head, kind, impact)
    starts = _walk_starts(base, head, impact)
    starts += _models_using_changed_macros(base.manifest, head.manifest, impact)
    starts += _semantic_models_computed_by(head.manifest, starts)
    _walk(head.manifest, starts, impact)
    removed = [uid for uid, how in impact.changed.items() if how == "removed"]
    _walk(base.manifest, removed, impact)  # what relied on a removed node, as the base knew it
    _kpi_models(base.manifest, head.manifest, impact)
    _dimension_readers(base, head, impact)
    return impact


def _walk_starts(base: Parsed, head: Parsed, impact: Impact) -> list[str]:
    """Where the walk down dbt's lineage starts: each changed node, but narrower where dbt's lineage is
    wider than the change. A metric changed only in its config.meta (a target, an owner, its splits)
    changes no metric computed from it, so it is reached alone. A semantic model changed only in some
    measures reaches the metrics of those measures, not every metric of the model; one changed only in
    categorical dimensions and entities changes no total, only what is split, filtered or joined by them."""
    starts = []
    for uid, how in impact.changed.items():
        if how == "removed":
            continue
        kind, _, name = uid.split(".", 2)
        paths = [change.path for change in impact.field_changes.get(uid, [])]
        if how == "modified" and kind == "metric" and paths and all(p.startswith("config.meta.") for p in paths):
            impact.metrics.add(name)
        elif kind == "semantic_model" and _measures_only(how, paths):
            impact.semantic_models.add(name)
            starts += _metrics_of_measures(base, head, _listed(paths, "measures"))
        elif how == "modified" and kind == "semantic_model" and _joins_or_categories_only(base, head, name, paths):
            impact.semantic_models.add(name)  # what splits, filters or joins by them: _dimension_readers
        else:
            starts.append(uid)
    return starts


def _measures_only(how: str, paths: list[str]) -> bool:
    """Whether a semantic model's change is to some of its measures alone: the metrics of the others and
    what splits by its dimensions are as they were."""
    return how == "modified" and bool(paths) and all(path.startswith("measures[") for path in paths)


def _joins_or_categories_only(base: Parsed, head: Parsed, name: str, paths: list[str]) -> bool:
    """Whether a semantic model's changes are all to dimensions that are categorical on both sides and to
    entities: those change what is split, filtered or joined by them, not the totals of its measures (a
    time dimension buckets its measures' periods, and an entity a measure's non-additive dimension is
    windowed by picks the rows it keeps, so those change totals too)."""
    if not paths or not all(path.startswith(("dimensions[", "entities[")) for path in paths):
        return False
    versions = _versions(base, head, name)
    changed = _listed(paths, "dimensions")
    types = [d.get("type") for model in versions for d in model.get("dimensions") or [] if d["name"] in changed]
    if changed and not (types and all(kind == "categorical" for kind in types)):
        return False
    windowed = {
        grouping
        for model in versions
        for measure in model.get("measures") or []
        for grouping in (measure.get("non_additive_dimension") or {}).get("window_groupings") or []
    }
    return not windowed & _listed(paths, "entities")


def _metrics_of_measures(base: Parsed, head: Parsed, measures: set[str]) -> list[str]:
    """The unique ids of the metrics of either side that aggregate one of ``measures`` themselves."""
    package = head.manifest["metadata"].get("project_name") or "scorecard"
    return sorted(
        {
            f"metric.{package}.{metric['name']}"
            for parsed in (base, head)
            for metric in parsed.semantic_manifest["metrics"]
            if measures & {m["name"] for m in metric["type_params"].get("input_measures") or []}
        }
    )


def _semantic_models_computed_by(manifest: dict, starts: list[str]) -> list[str]:
    """The semantic models whose metrics a changed KPI model computes (its file or a macro it calls
    changed): `kpi_measures__<semantic model>` for its own, kpi_values for every one (it computes the
    ratios and derived metrics over them all). dbt's lineage runs from the semantic models to the
    metrics, not from the KPI models, so the walk would not reach those metrics."""
    package = manifest["metadata"].get("project_name") or "scorecard"
    semantic_models = {uid.split(".", 2)[2] for uid in manifest.get("semantic_models", {})}
    names = {uid.split(".", 2)[2] for uid in starts if uid.startswith("model.")}
    reached = semantic_models if "kpi_values" in names else set()
    reached |= {name[len(KPI_MEASURES_PREFIX) :] for name in names if name.startswith(KPI_MEASURES_PREFIX)}
    return [f"semantic_model.{package}.{name}" for name in sorted(reached & semantic_models)]


def _file_nodes(base: dict, head: dict, impact: Impact) -> None:
    before = {uid: n for uid, n in base["nodes"].items() if n["resource_type"] in _FILE_NODES}
    after = {uid: n for uid, n in head["nodes"].items() if n["resource_type"] in _FILE_NODES}
    for uid in sorted(before.keys() | after.keys()):
        if uid not in after:
            impact.changed[uid] = "removed"
        elif uid not in before:
            impact.changed[uid] = "added"
        else:
            # a model's YAML changes what gets built without touching its file: a contract's column types,
            # a constraint, the materialization (dbt's state:modified sees these too)
            properties = field_changes(_build_properties(before[uid]), _build_properties(after[uid]))
            if properties:
                impact.field_changes[uid] = properties
            if properties or before[uid]["checksum"]["checksum"] != after[uid]["checksum"]["checksum"]:
                impact.changed[uid] = "modified"


# config that changes no table: documentation, ownership, labels
_NOT_BUILT_CONFIG = ("docs", "meta", "tags", "group", "access")


def _build_properties(node: dict) -> dict:
    """What a model's, seed's or snapshot's properties (its YAML) decide about the table it builds: its
    config, its columns' data types and constraints, and its own constraints; descriptions are not among
    them."""
    config = {key: value for key, value in node.get("config", {}).items() if key not in _NOT_BUILT_CONFIG}
    columns = [
        {"name": name, "data_type": column.get("data_type"), "constraints": _constraints(column)}
        for name, column in sorted(node.get("columns", {}).items())
    ]
    return {"config": config, "columns": columns, "constraints": _constraints(node)}


def _constraints(owner: dict) -> list[str]:
    """Constraints as text (`primary_key (order_id)`, `check amount >= 0`): most have no name, so they
    are compared as a list of what they say, not matched by name."""
    texts = []
    for constraint in owner.get("constraints") or []:
        parts = [constraint.get("type"), constraint.get("name"), constraint.get("expression")]
        for key in ("columns", "to_columns"):
            if constraint.get(key):
                parts.append(f"({', '.join(constraint[key])})")
        if constraint.get("to"):
            parts.insert(-1 if constraint.get("to_columns") else len(parts), f"references {constraint['to']}")
        texts.append(" ".join(str(part) for part in parts if part))
    return texts


def _models_using_changed_macros(base: dict, head: dict, impact: Impact) -> list[str]:
    """Changed macros of the project (the KPI compiler is macros), and the models calling them directly
    or through other macros: their compiled SQL may change with no change to their own file."""
    package = head["metadata"].get("project_name") or "scorecard"
    before = {uid: m["macro_sql"] for uid, m in base.get("macros", {}).items() if m["package_name"] == package}
    after = {uid: m["macro_sql"] for uid, m in head.get("macros", {}).items() if m["package_name"] == package}
    callers = set()
    for uid in sorted(before.keys() | after.keys()):
        if before.get(uid) != after.get(uid):
            impact.changed[uid] = "removed" if uid not in after else "added" if uid not in before else "modified"
            if uid in before and uid in after and _without_comments(before[uid]) == _without_comments(after[uid]):
                impact.cosmetic.add(uid)  # its callers compile to the same SQL, give or take whitespace
                continue
            callers.add(uid)
    grew = bool(callers)
    while grew:
        grew = False
        for uid, macro in head.get("macros", {}).items():
            if uid not in callers and callers & set(macro["depends_on"]["macros"]):
                callers.add(uid)
                grew = True
    return [
        uid
        for uid, node in head["nodes"].items()
        if node["resource_type"] == "model" and callers & set(node["depends_on"].get("macros", []))
    ]


def _without_comments(macro_sql: str) -> str:
    return " ".join(_JINJA_COMMENT.sub(" ", macro_sql).split())


def _semantic_nodes(base: Parsed, head: Parsed, kind: str, impact: Impact) -> None:
    before = {item["name"]: item for item in base.semantic_manifest[kind]}
    after = {item["name"]: item for item in head.semantic_manifest[kind]}
    package = head.manifest["metadata"].get("project_name") or "scorecard"
    prefix = "metric" if kind == "metrics" else "semantic_model"
    for name in sorted(before.keys() | after.keys()):
        uid = f"{prefix}.{package}.{name}"
        if name not in after:
            impact.changed[uid] = "removed"
        elif name not in before:
            impact.changed[uid] = "added"
        else:
            changes = [c for c in field_changes(before[name], after[name]) if c.semantic]
            if changes:
                impact.changed[uid] = "modified"
                impact.field_changes[uid] = changes


def _walk(manifest: dict, starts: list[str], impact: Impact) -> None:
    children = manifest.get("child_map", {})
    seen, queue = set(starts), deque(starts)
    while queue:
        uid = queue.popleft()
        kind, _, name = uid.split(".", 2)
        if kind == "model":
            impact.models.add(name)
        elif kind == "semantic_model":
            impact.semantic_models.add(name)
        elif kind == "metric":
            impact.metrics.add(name)
        for child in children.get(uid, []):
            if child not in seen and not child.startswith(("test.", "unit_test.")):
                seen.add(child)
                queue.append(child)


def _kpi_models(base: dict, head: dict, impact: Impact) -> None:
    """The KPI models that compute the affected metrics: a simple metric's semantic model, and for ratio
    and derived metrics those of their inputs. A metric removed at head is looked up as the base had it:
    its rows leave the KPI tables, which the head must rebuild."""
    metrics = {
        m["name"]: m["depends_on"]["nodes"] for manifest in (base, head) for m in manifest.get("metrics", {}).values()
    }
    manifest = head
    semantic = set(impact.semantic_models)
    pending, seen = list(impact.metrics), set(impact.metrics)
    while pending:
        for parent in metrics.get(pending.pop(), []):
            kind, _, name = parent.split(".", 2)
            if kind == "semantic_model":
                semantic.add(name)
            elif kind == "metric" and name not in seen:
                seen.add(name)
                pending.append(name)
    models = _model_names(manifest)
    kpi_models = {f"{KPI_MEASURES_PREFIX}{name}" for name in semantic} & models
    if kpi_models:
        impact.models |= kpi_models | (set(SHARED_KPI_MODELS) & models)


def _dimension_readers(base: Parsed, head: Parsed, impact: Impact) -> None:
    """A semantic model whose dimensions or entities changed changes more than its own metrics: the KPI
    tables of the other semantic models join its dimensions to split or filter their metrics (a KPI table
    reads the model of each semantic model it may join, as its fingerprint does), and every KPI split by
    one of them (`user__country`) or filtering on one changes too. A changed entity (its expression, its
    type) changes what is reached through it: the model's dimensions as others join them by it, what its
    own metrics join by it (a foreign entity's `visit__channel`), and a conversion metric matching rows by
    it; the model's other dimensions are as they were. Others reach a model's dimensions only by the
    entities it offers (primary, unique, natural), and a conversion metric keeping a changed dimension or
    entity constant changes too. Those tables are rebuilt; a KPI split by the dimension is reached alone
    (its splits change, not the metrics computed from it), one that filters or converts by it is walked
    down like a changed metric."""
    package = head.manifest["metadata"].get("project_name") or "scorecard"
    references: dict[str, set[str]] = {}  # a changed `entity__dimension` -> the measures it leaves as they were
    # a changed entity -> (measures, dimensions read as their own columns) of its semantic models
    joined: dict[str, list[tuple[set[str], set[str]]]] = {}
    regrouped: list[tuple[set[str], set[str]]] = []  # (measures, changed dimensions) of each semantic model
    reads: set[str] = set()
    for uid, how in impact.changed.items():
        if not uid.startswith("semantic_model.") or how == "added":
            continue
        paths = [change.path for change in impact.field_changes.get(uid, [])]
        if _measures_only(how, paths):
            continue
        name = uid.split(".", 2)[2]
        versions = _versions(base, head, name)
        types: dict[str, set[str]] = {}
        for entity in (e for m in versions for e in m.get("entities") or []):
            types.setdefault(entity["name"], set()).add(entity.get("type") or "")
        offering = {entity for entity, kinds in types.items() if kinds & _OFFERING}  # on either side
        owned = {entity for entity, kinds in types.items() if kinds <= _OFFERING}  # on both sides
        every_dimension = {d["name"] for m in versions for d in m.get("dimensions") or []}
        own = {m["name"] for v in versions for m in v.get("measures") or []}
        dimensions, rejoined = _listed(paths, "dimensions"), _listed(paths, "entities")
        if how == "removed" or any(not path.startswith(("dimensions[", "measures[", "entities[")) for path in paths):
            dimensions, rejoined = every_dimension, set(types)
        regrouped.append((own, dimensions))
        for entity in rejoined:
            # through a foreign entity the model's own measures join another model's dimensions, whatever
            # their names; through one it offers they read its dimensions as columns
            joined.setdefault(entity, []).append((own, every_dimension if entity in owned else set()))
            kept = own if entity in owned else set()
            for reference in (f"{entity}__{dimension}" for dimension in every_dimension if entity in offering):
                references[reference] = references[reference] & kept if reference in references else set(kept)
        for reference in (f"{entity}__{dimension}" for entity in offering for dimension in dimensions):
            references[reference] = set()  # a changed dimension changes every reader
        for manifest in (base.manifest, head.manifest):
            reads |= set(manifest.get("semantic_models", {}).get(uid, {}).get("depends_on", {}).get("nodes", []))
    if not references and not joined:
        return
    kpi_tables = {
        node["name"]
        for node in head.manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["name"].startswith(KPI_MEASURES_PREFIX)
        and reads & set(node["depends_on"]["nodes"])
    }
    if kpi_tables:
        impact.models |= kpi_tables | (set(SHARED_KPI_MODELS) & _model_names(head.manifest))
    filtering = []
    for metric in head.semantic_manifest["metrics"]:
        kpi = ((metric.get("config") or {}).get("meta") or {}).get("kpi") or {}
        split_by = {str(d) for d in kpi.get("dimensions") or []} if isinstance(kpi, dict) else set()
        measures = {m["name"] for m in metric["type_params"].get("input_measures") or []}
        changed = {reference for reference, kept in references.items() if not measures or measures - kept}
        if any(_names_reference(item, changed) or _joined_through(item, measures, joined) for item in split_by):
            impact.metrics.add(metric["name"])
            impact.resplit.add(metric["name"])
        named = set(_REFERENCE.findall(json.dumps([metric.get("filter"), metric["type_params"]])))
        # a conversion metric matches its rows by its entity and its constant properties (entities or dimensions)
        conversion = metric["type_params"].get("conversion_type_params") or {}
        matched_by = {conversion.get("entity")} | {
            prop.get(side)
            for prop in conversion.get("constant_properties") or []
            for side in ("base_property", "conversion_property")
        }
        if (
            any(_names_reference(item, changed) or _joined_through(item, measures, joined) for item in named)
            or any(measures & own for entity in matched_by for own, _ in joined.get(entity, []))
            or any(measures & own and matched_by & dimensions for own, dimensions in regrouped)
        ):
            filtering.append(f"metric.{package}.{metric['name']}")
            impact.refiltered.add(metric["name"])
    _walk(head.manifest, filtering, impact)


def _joined_through(reference: str, measures: set[str], joined: dict[str, list[tuple[set[str], set[str]]]]) -> bool:
    """Whether a metric of ``measures`` reads ``reference`` (`visit__channel`) through a changed entity of
    the semantic model of one of them: a dimension that model does not read as its own column (any, by a
    foreign entity), joined by that entity."""
    entity, _, dimension = reference.partition("__")
    return any(
        measures & own and dimension.split("__")[0] not in dimensions for own, dimensions in joined.get(entity, [])
    )


def _versions(base: Parsed, head: Parsed, semantic_model: str) -> list[dict]:
    """The semantic model as each side has it (one side only when it was added or removed)."""
    return [
        m for side in (base, head) for m in side.semantic_manifest["semantic_models"] if m["name"] == semantic_model
    ]


def _listed(paths: list[str], list_name: str) -> set[str]:
    """The names of the items of a semantic model's list that changed: `country` of `dimensions[country].expr`."""
    prefix = f"{list_name}["
    return {path[len(prefix) : path.index("]")] for path in paths if path.startswith(prefix)}


def _names_reference(name: str, references: set[str]) -> bool:
    """Whether a dimension as a KPI names it (`user__country`, a time one with its grain) is one of them."""
    return any(name == reference or name.startswith(f"{reference}__") for reference in references)


def _model_names(manifest: dict) -> set[str]:
    return {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def redefined_metrics(base: Parsed, head: Parsed, impact: Impact) -> set[str]:
    """Metrics whose meaning changed: their own fields, a measure they aggregate (a change to a semantic
    model's time dimensions or other fields counts for all its measures), or a metric they are computed from.
    Not those merely downstream of a changed model: whether they moved is for the values to say."""
    measures: set[str] = set()
    # a changed categorical dimension or entity redefines the metrics filtering or converting by it and
    # those computed from them
    redefined: set[str] = set(impact.refiltered)
    for uid, how in impact.changed.items():
        kind, _, name = uid.split(".", 2)
        if kind == "metric":
            # a KPI's target moves its status, not the metric's values
            if how != "modified" or any(c.kind != "kpi_target" for c in impact.field_changes.get(uid, [])):
                redefined.add(name)
        elif kind == "semantic_model":
            paths = [change.path for change in impact.field_changes.get(uid, [])]
            if _measures_only(how, paths):
                measures |= _listed(paths, "measures")
            elif how == "modified" and _joins_or_categories_only(base, head, name, paths):
                continue
            else:
                measures |= _measures_of(base, name) | _measures_of(head, name)
    metrics = {m["name"]: m for m in head.semantic_manifest["metrics"]}
    inputs = {name: _input_metrics(metric) for name, metric in metrics.items()}
    for name, metric in metrics.items():
        if measures & {m["name"] for m in metric["type_params"].get("input_measures") or []}:
            redefined.add(name)
    grew = True
    while grew:
        grew = False
        for name, used in inputs.items():
            if name not in redefined and used & redefined:
                redefined.add(name)
                grew = True
    # and the splits of a KPI split by it, which are not what the metrics computed from it read
    return (redefined | impact.resplit) & set(metrics)


def _measures_of(parsed: Parsed, semantic_model: str) -> set[str]:
    return {
        measure["name"]
        for model in parsed.semantic_manifest["semantic_models"]
        if model["name"] == semantic_model
        for measure in model.get("measures") or []
    }


def _input_metrics(metric: dict) -> set[str]:
    params = metric["type_params"]
    named = [params.get("numerator"), params.get("denominator"), *(params.get("metrics") or [])]
    return {item["name"] for item in named if item}

"""The two sides of `scorecard diff`: a git revision of the project, extracted and parsed by dbt."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from scorecard.diff.revisions import checkout, resolve
from scorecard.diff.sides import Parsed, make_side, parse_sides
from scorecard.errors import InvalidInput
from tests.conftest import SAMPLE_AS_OF, copy_project


def parse_revision(project: Path, ref: str, scratch: Path) -> Parsed:
    label, directory = checkout(project, ref, scratch / "checkouts")
    side = make_side("side", label, directory, scratch, scratch / "none.duckdb")
    (parsed,) = parse_sides([side], date.fromisoformat(SAMPLE_AS_OF))
    return parsed


PARTS = ("dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def _commit(repo: Path, message: str) -> str:
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD")


def _scratch_repo(tmp_path_factory, name: str) -> tuple[Path, Path, str]:
    """A new repository holding the project in a subdirectory, committed: (root, project, commit)."""
    root = tmp_path_factory.mktemp(name)
    _git(root, "init", "-q")
    project = copy_project(root / "analytics", PARTS)
    return root, project, _commit(root, "the project")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> dict:
    """A scratch repository: the project in a subdirectory, then a commit that breaks a derived metric."""
    root, project, base = _scratch_repo(tmp_path_factory, "diff_repo")
    subscription = project / "metrics" / "subscription.yml"
    text = subscription.read_text()
    start = text.index("  - name: cac\n")
    end = text.index("\n  - name: ", start + 1)
    subscription.write_text(text[:start] + text[end + 1 :])  # ltv_to_cac is derived from cac: no longer parses
    broken = _commit(root, "delete cac")
    return {"root": root, "project": project, "base": base, "broken": broken}


def test_a_revision_is_extracted_and_parsed_without_touching_the_work_tree(repo, tmp_path):
    parsed = parse_revision(repo["project"], repo["base"][:10], tmp_path)
    metrics = {m["name"] for m in parsed.semantic_manifest["metrics"]}
    assert {"cac", "ltv_to_cac", "d7_retention"} <= metrics
    assert any(node.endswith(".kpi_values") for node in parsed.manifest["nodes"])
    assert parsed.project_dir != repo["project"] and (parsed.project_dir / "dbt_project.yml").is_file()
    assert _git(repo["root"], "status", "--porcelain") == ""


def test_a_revision_whose_project_does_not_parse_is_invalid_input(repo, tmp_path):
    with pytest.raises(InvalidInput, match=r"^HEAD: the project does not parse: .*cac"):
        parse_revision(repo["project"], "HEAD", tmp_path)


def test_an_unknown_ref_is_invalid_input(repo):
    with pytest.raises(InvalidInput, match=r"^no-such-branch: not a git revision in "):
        resolve(repo["root"], "no-such-branch")


def test_a_shallow_clone_without_the_base_says_how_to_fetch_it(repo, tmp_path):
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo['root']}", str(clone)], check=True, capture_output=True
    )
    assert resolve(clone, "HEAD") == repo["broken"]
    with pytest.raises(InvalidInput, match=r"not in this shallow clone .*git fetch --unshallow"):
        resolve(clone, repo["base"])


@pytest.fixture(scope="module")
def changed(tmp_path_factory) -> dict:
    """Base and head revisions: head changes a measure's expression on signup_cohorts, only the
    description of d7_retention, adds a comment to fct_orders.sql, changes fct_carts' contract and
    description in YAML and respaces two metric filters."""
    from scorecard.diff.impact import lineage_impact

    root, project, base = _scratch_repo(tmp_path_factory, "impact_repo")
    acquisition = project / "metrics" / "acquisition.yml"
    text = acquisition.read_text()
    old_measure = "        expr: case when is_retained_d7 then 1 else 0 end"
    old_description = "      Share of a signup cohort active on day 7 after signing up"
    assert old_measure in text and old_description in text
    text = text.replace(old_measure, "        expr: case when is_retained_d7 and not is_retained_d1 then 1 else 0 end")
    acquisition.write_text(
        text.replace(old_description, "    description: The share of a signup cohort active on day 7")
    )
    orders = project / "models" / "marts" / "fct_orders.sql"
    orders.write_text("-- one row per order\n" + orders.read_text())
    # YAML only: a contract's column type (the build fails, so it must be built), a description (no change),
    # and a metric filter written with other spacing (no change)
    marts = project / "models" / "marts" / "_marts__models.yml"
    cart_id = "  - name: fct_carts\n"
    text = marts.read_text()
    start = text.index(cart_id)
    typed = "      - name: cart_id\n        data_type: bigint\n"
    assert text.index(typed, start) < text.index("  - name: ", start + len(cart_id))
    text = text[:start] + text[start:].replace(typed, "      - name: cart_id\n        data_type: varchar\n", 1)
    described = "      One row per shopping cart, flagged when a checkout was started from it.\n"
    assert described in text
    marts.write_text(text.replace(described, "      One row per cart, flagged when a checkout was started from it.\n"))
    sales = project / "metrics" / "sales.yml"
    spaced = "filter: \"{{ Dimension('invoice__customer_type') }} = 'business'\""
    assert sales.read_text().count(spaced) == 2
    sales.write_text(
        sales.read_text().replace(spaced, "filter: \"{{Dimension('invoice__customer_type')}}  =  'business'\"")
    )
    literal = project / "macros" / "kpi" / "kpi_literal.sql"
    opening = "{% macro kpi_literal(value) -%}\n"
    assert opening in literal.read_text()
    literal.write_text(literal.read_text().replace(opening, opening + "    {# a reviewer's note #}\n"))
    deals = project / "models" / "kpis" / "kpi_measures__deals.sql"
    deals.write_text(deals.read_text() + "-- reviewed\n")
    head = _commit(root, "change a measure")
    scratch = tmp_path_factory.mktemp("impact_scratch")
    parsed_base = parse_revision(project, base, scratch / "base")
    parsed_head = parse_revision(project, head, scratch / "head")
    return {"impact": lineage_impact(parsed_base, parsed_head)}


def test_a_changed_measure_reaches_its_metrics_and_kpi_models(changed):
    impact = changed["impact"]
    assert impact.changed["semantic_model.scorecard.signup_cohorts"] == "modified"
    (change,) = impact.field_changes["semantic_model.scorecard.signup_cohorts"]
    assert (change.path, change.kind) == ("measures[retained_d7_users].expr", "expression")
    assert {"retained_d7_users", "d7_retention"} <= impact.metrics
    assert {"kpi_measures__signup_cohorts", "kpi_values", "kpi_status"} <= impact.models


def test_a_changed_measure_reaches_only_the_metrics_of_that_measure(changed):
    # signup_cohorts' other measures feed d1 and d30 retention, which the change leaves as they were
    assert not {"d1_retention", "d30_retention", "activation_rate"} & changed["impact"].metrics


def test_a_changed_kpi_model_reaches_the_metrics_it_computes(changed):
    # dbt's lineage runs from the semantic model deals to its metrics, not from kpi_measures__deals
    impact = changed["impact"]
    assert "kpi_measures__deals" in impact.models
    assert {"deals_won", "new_customer_revenue"} <= impact.metrics


def test_a_comment_in_a_macro_is_a_cosmetic_change_that_reaches_no_model(changed):
    impact = changed["impact"]
    assert impact.changed["macro.scorecard.kpi_literal"] == "modified"
    assert impact.cosmetic == {"macro.scorecard.kpi_literal"}
    # every KPI model calls it: a change that counted would have reached them all
    assert "kpi_measures__api_requests" not in impact.models


def test_a_description_change_is_no_change_to_the_metric(changed):
    assert "metric.scorecard.d7_retention" not in changed["impact"].changed


def test_a_model_with_a_new_comment_is_changed_and_reaches_its_children(changed):
    impact = changed["impact"]
    assert impact.changed["model.scorecard.fct_orders"] == "modified"
    assert "order_revenue" in impact.metrics and "kpi_measures__orders" in impact.models
    # models that do not read fct_orders or signup cohorts are not reached
    assert "kpi_measures__api_requests" not in impact.models and "fct_sessions" not in impact.models


def test_a_contract_column_type_changed_in_yaml_changes_the_model(changed):
    # the SQL file is untouched, but the head would build another table (here: fail its contract)
    impact = changed["impact"]
    assert impact.changed["model.scorecard.fct_carts"] == "modified"
    (change,) = impact.field_changes["model.scorecard.fct_carts"]
    assert change.describe() == "columns[cart_id].data_type: bigint → varchar"
    assert {"fct_carts", "kpi_measures__carts"} <= impact.models


def test_a_model_description_and_a_respaced_filter_are_no_change(changed):
    impact = changed["impact"]
    # fct_carts' new description is not among its changes (the type is)
    assert [c.path for c in impact.field_changes["model.scorecard.fct_carts"]] == ["columns[cart_id].data_type"]
    assert not {"metric.scorecard.collected_amount", "metric.scorecard.collected_amount_days"} & set(impact.changed)


def _kpis_split_by(project: Path, dimension: str) -> set[str]:
    """The KPIs whose config.meta.kpi.dimensions list ``dimension``, read from the YAML."""
    import yaml

    found = set()
    for path in (project / "metrics").glob("*.yml"):
        for metric in yaml.safe_load(path.read_text()).get("metrics") or []:
            kpi = ((metric.get("config") or {}).get("meta") or {}).get("kpi") or {}
            if dimension in (kpi.get("dimensions") or []):
                found.add(metric["name"])
    return found


@pytest.fixture(scope="module")
def regrouped(tmp_path_factory) -> dict:
    """Head groups three countries of the semantic model users into 'EU' (a categorical dimension's
    expression), joins users to landing visits by another expression (its foreign entity `visit`) and
    raises the target of ltv, which ltv_to_cac is computed from."""
    from scorecard.diff.impact import lineage_impact

    root, project, base = _scratch_repo(tmp_path_factory, "regroup_repo")
    users = project / "metrics" / "users.yml"
    country = "      - name: country\n        type: categorical\n"
    assert country in users.read_text()
    users.write_text(
        users.read_text().replace(
            country, country + "        expr: case when country in ('DE', 'FR', 'GB') then 'EU' else country end\n"
        )
    )
    visit = "      - name: visit\n        type: foreign\n        expr: landing_visit_id\n"
    assert visit in users.read_text()
    users.write_text(
        users.read_text().replace(
            visit, visit.replace("landing_visit_id", "case when has_landing_visit then landing_visit_id end")
        )
    )
    subscription = project / "metrics" / "subscription.yml"
    head_of_ltv, rest = subscription.read_text().split("  - name: ltv\n", 1)
    assert "          target: 150\n" in rest.split("\n  - name: ")[0]
    subscription.write_text(
        head_of_ltv + "  - name: ltv\n" + rest.replace("          target: 150\n", "          target: 160\n", 1)
    )
    head = _commit(root, "regroup countries")
    scratch = tmp_path_factory.mktemp("regroup_scratch")
    sides = parse_revision(project, base, scratch / "base"), parse_revision(project, head, scratch / "head")
    impact = lineage_impact(*sides)
    return {"impact": impact, "sides": sides, "by_country": _kpis_split_by(project, "user__country")}


def test_a_changed_dimension_rebuilds_every_kpi_table_that_joins_it(regrouped):
    # orders, user days and cohorts are split by the user's country through a join to dim_users: the diff
    # built only the users' own tables and compared the others as the warehouse had them
    impact = regrouped["impact"]
    assert {
        "kpi_measures__users",
        "kpi_measures__user_days",
        "kpi_measures__orders",
        "kpi_measures__signup_cohorts",
        "kpi_measures__subscription_days",
        "kpi_values",
    } <= impact.models
    assert "kpi_measures__api_requests" not in impact.models  # it joins no user dimension
    assert len(regrouped["by_country"]) == 25
    assert regrouped["by_country"] <= impact.metrics
    # the conversion metric credits signups to visits by the changed entity
    assert "visitor_conversion_rate" in impact.metrics and "kpi_measures__landing_visits" in impact.models


def test_a_changed_dimension_and_a_target_reach_no_metric_computed_from_them(regrouped):
    impact = regrouped["impact"]
    assert "ltv" in impact.metrics
    # ltv_to_cac is computed from ltv and cac (new paying customers of users): no value of either moved;
    # stickiness is dau / mau, both split by country, itself split by platform only
    assert not {"ltv_to_cac", "cac", "stickiness"} & impact.metrics


def test_a_changed_dimension_redefines_only_the_metrics_split_or_filtered_by_it(regrouped):
    from scorecard.diff.impact import redefined_metrics

    redefined = redefined_metrics(*regrouped["sides"], regrouped["impact"])
    # key results on them get a definition_changed goalpost: cac's (users' new paying customers) got one
    assert {"dau", "orders", "mrr", "signups"} <= redefined
    # the entity `visit` joins users to landing visits: it redefines what is joined by it, the conversion
    # metric, and neither users' own measures nor what is split by the user's other dimensions (stickiness
    # by platform), which it used to
    assert "visitor_conversion_rate" in redefined
    assert not {"cac", "ltv_to_cac", "new_paying_customers", "stickiness"} & redefined

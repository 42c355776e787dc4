"""Specs are data: the 2022 rubric as the plan prints it, and clear errors for bad specs."""

from __future__ import annotations

import copy
import tomllib
from decimal import Decimal

import pytest

from addin.spec import SpecError, default_schema_dir, load_spec, spec_from_dict


@pytest.fixture
def rubric_data() -> dict:
    return tomllib.loads((default_schema_dir() / "rubric_2022.toml").read_text(encoding="utf-8"))


def test_2022_rubric_as_printed_in_the_plan(spec):
    assert [c.name for c in spec.categories] == [
        "领导班子",
        "党员队伍",
        "工作机制",
        "工作业绩",
        "群众反映",
    ]
    assert [i.no for i in spec.items] == list(range(1, 19))
    assert [int(i.points) for i in spec.items] == [5] * 16 + [10] * 2
    assert spec.total_points == 100
    assert spec.items[16].text == "党支部在党员群众和服务对象测评中满意度情况"
    # Every item text appears verbatim in the plan's 附件1.
    seed = default_schema_dir().parent.parent / "shared" / "seeds" / "004_a9f6e676350b6f5f.txt"
    if seed.exists():
        plan = seed.read_text(encoding="utf-8")
        for item in spec.items:
            assert f"{item.no}. {item.text}" in plan


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, "先进"), (85, "先进"), (84.99, "一般"), (65, "一般"), (64.99, "后进"), (0, "后进")],
)
def test_boundary_rule(spec, total, grade):
    assert spec.grading.grade(Decimal(str(total))) == grade


def mutate(data: dict, change) -> dict:
    data = copy.deepcopy(data)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["categories"][0]["items"][0].update(points=6),
            "类别“领导班子”的分值 20 与各项分值之和 21 不一致",
        ),
        (lambda d: d.update(total_points=90), "各类别分值之和 100 与总分 90 不一致"),
        (lambda d: d["grading"]["bands"][1].update(max=86), "分数区间重叠"),
        (lambda d: d["grading"]["bands"][2].update(max=60), "之间有空档"),
        (lambda d: d["grading"]["bands"][2].update(min=10), "应从 0 分起"),
        (lambda d: d["categories"][1]["items"][0].update(no=1), "评分项序号重复"),
        (lambda d: d.update(raters=[{"label": "自评", "weight": 0.5}]), "权重之和应为 1"),
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d.pop("grading"), "grading"),
    ],
)
def test_inconsistent_spec_is_rejected_with_a_clear_message(rubric_data, change, message):
    with pytest.raises(SpecError) as error:
        spec_from_dict(mutate(rubric_data, change), source="schemas/x.toml")
    assert message in str(error.value)
    assert str(error.value).startswith("schemas/x.toml: ")


def test_unreadable_spec_files(tmp_path):
    with pytest.raises(SpecError, match="找不到"):
        load_spec(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("kind = [", encoding="utf-8")
    with pytest.raises(SpecError, match="不是有效的 TOML"):
        load_spec(bad)

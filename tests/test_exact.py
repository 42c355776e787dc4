"""Exact arithmetic: weighted item scores are never rounded before the grade is found; weights
may be fractions ("1/3"); what is shown is cut to two decimals, never rounded up over a
boundary. Every boundary of a weighted spec is tried from each side."""

from __future__ import annotations

from fractions import Fraction

import pytest

from addin.cells import exact_text, shown
from addin.engine import check_path
from addin.spec import SpecError, SpecSet, spec_from_dict

BANDS = [
    {"name": "好", "min": 90},
    {"name": "较好", "min": 75, "max": 90},
    {"name": "一般", "min": 60, "max": 75},
    {"name": "差", "min": 0, "max": 60},
]


def weighted_spec(weights: list[object]) -> dict:
    labels = ["党组织自评", "党员群众评议", "上级评定", "督查组"][: len(weights)]
    return {
        "kind": "rubric",
        "id": "weighted",
        "title": "综合评分表",
        "total_points": 100,
        "raters": [{"label": la, "weight": w} for la, w in zip(labels, weights, strict=True)],
        "grading": {"bands": BANDS},
        "categories": [
            {
                "name": "五个好",
                "points": 100,
                "items": [{"no": n, "points": 20, "text": f"评分标准之{n}"} for n in range(1, 6)],
            }
        ],
    }


def graded(make_rubric, weights, per_item: list[list[float]]):
    spec = spec_from_dict(weighted_spec(weights))
    labels = [r.label for r in spec.raters]
    scores = {
        no: dict(zip(labels, parts, strict=True)) for no, parts in enumerate(per_item, start=1)
    }
    path = make_rubric({"第一党支部": scores}, rubric=spec)
    report = check_path(path, SpecSet(specs=[spec])).report
    assert [f.code for f in report.findings if f.is_error] == []
    (branch,) = report.branches
    return branch


def test_four_raters_just_under_90_stay_below_the_top_grade(make_rubric):
    """The issue's case: 18/18/18/17.98 on five items is 89.975, not a rounded 90."""
    branch = graded(make_rubric, [0.25] * 4, [[18, 18, 18, 17.98]] * 5)
    assert branch.total == 89.975 and branch.exact_total is None
    assert branch.grade == "较好"


def test_equal_thirds_are_written_as_fractions_and_add_up_exactly(make_rubric):
    # 20/19/19 at 1/3 each = 58/3 per item; five items = 290/3 = 96.666…
    branch = graded(make_rubric, ["1/3"] * 3, [[20, 19, 19]] * 5)
    assert branch.grade == "好"
    assert branch.total == 96.66  # shown cut to two decimals, not rounded to 96.67
    assert branch.exact_total == "290/3"


def test_thirds_written_as_decimals_are_refused_with_the_sum():
    with pytest.raises(SpecError, match="各评分人权重之和应为 1（现为 0.999999）"):
        spec_from_dict(weighted_spec([0.333333] * 3))


@pytest.mark.parametrize("bad", ["1/0", "三分之一", True])
def test_a_weight_that_is_no_number_is_refused(bad):
    with pytest.raises(SpecError, match="raters.0.weight"):
        spec_from_dict(weighted_spec([bad, "1/3", "1/3"]))


# Each boundary of the weighted spec, from each side: one rater's score on one item moves by the
# smallest step a person can type (0.01); with weights of 1/3 that moves the total by 1/300.
@pytest.mark.parametrize(
    ("boundary", "above", "below"),
    [(90, "好", "较好"), (75, "较好", "一般"), (60, "一般", "差")],
)
def test_each_side_of_every_boundary_with_thirds(make_rubric, boundary, above, below):
    # Five items, three raters at 1/3: the total is the sum of all fifteen scores / 3.
    per = Fraction(boundary * 3, 15)  # every score equal: exactly the boundary
    at = [[float(per)] * 3] * 5
    branch = graded(make_rubric, ["1/3"] * 3, at)
    assert Fraction(str(branch.total)) == boundary and branch.grade == above
    under = [list(row) for row in at]
    under[0][0] = float(per - Fraction(1, 100))
    branch = graded(make_rubric, ["1/3"] * 3, under)
    # 1/300 under the boundary: shown cut (never as the boundary itself), graded below it.
    assert branch.grade == below
    assert branch.total == float(boundary) - 0.01
    assert branch.exact_total == exact_text(Fraction(boundary) - Fraction(1, 300))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(179951, 2000), 89.9755),  # four decimals: shown exactly
        (Fraction(269999, 3000), 89.99),  # 89.99966…: cut, never 90.00
        (Fraction(85), 85),
        (Fraction(1, 3), 0.33),
        (Fraction(2, 3), 0.66),
    ],
)
def test_display_rule(value, text):
    assert shown(value) == text


@pytest.mark.parametrize(
    ("typed", "exact", "agree"),
    [
        ("96.67", Fraction(290, 3), True),  # rounded half up to cents, as Excel's ROUND
        ("96.66", Fraction(290, 3), True),  # as Jiceng shows it (cut)
        ("96.68", Fraction(290, 3), False),
        ("96.65", Fraction(290, 3), False),
        ("85", Fraction(84995, 1000), True),  # 84.995 rounds half up to 85.00
        ("84.995", Fraction(84995, 1000), True),
        ("84.99", Fraction(84995, 1000), False),  # shown exactly (3 places), so not a cut value
        ("85.01", Fraction(84995, 1000), False),
        ("90", Fraction(90), True),
        ("90.01", Fraction(90), False),
        ("89.99", Fraction(90), False),
    ],
)
def test_a_typed_result_agrees_with_the_exact_one(typed, exact, agree):
    """Typed totals (a rubric's 总分, a summary's 评分分数 against its rubric sheet) are held to
    the exact value, its rounding to cents, or what Jiceng shows — and nothing else."""
    from decimal import Decimal

    from addin.cells import agrees

    assert agrees(Decimal(typed), exact) is agree

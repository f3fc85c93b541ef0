"""The fact table is the contract's table (docs/eligibility.md), defined once, with labels in both languages."""

import pytest

from portal.eligibility import FACTS, FactError, validate_facts

# The table of docs/eligibility.md: name -> allowed values ("bool", or a range, or the choices).
CONTRACT = {
    "age": range(0, 131),
    "sex": ["male", "female"],
    "hukou": ["huyi", "xian", "shaanxi", "other"],
    "xian_residence_permit": "bool",
    "has_certificate": "bool",
    "disability_category": ["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"],
    "disability_grade": range(1, 5),
    "lower_limb": "bool",
    "household": ["dibao", "low_income", "tekun", "none"],
    "needs_long_term_care": "bool",
    "work_injury_nursing": "bool",
    "orphan_support": "bool",
    "needs_assistive_device": "bool",
    "device_in_service_life": "bool",
    "needs_home_modification": "bool",
    "home_modifiable": "bool",
    "needs_rehab": "bool",
    "employment": ["employed", "unemployed", "self_employed", "student", "retired"],
    "starting_business": "bool",
    "graduating_this_year": "bool",
    "recent_graduate_unemployed": "bool",
    "wants_training": "bool",
    "education_stage": ["none", "preschool", "compulsory", "high_school", "vocational", "college", "university"],
    "parent_disabled_in_dibao": "bool",
    # The contract's allowed addition (issue 15): the disabled parent's household.
    "parent_disabled_household": ["dibao", "low_income", "none"],
    "owns_motorized_wheelchair": "bool",
    "rural": "bool",
    "farming_or_crafts": "bool",
}


def test_the_table_is_the_contracts_in_its_order():
    assert list(FACTS) == list(CONTRACT)


@pytest.mark.parametrize("name", list(CONTRACT))
def test_each_fact_has_the_contracts_values_and_labels(name):
    fact, expected = FACTS[name], CONTRACT[name]
    if expected == "bool":
        assert fact.type == "bool" and fact.values == (True, False)
    elif isinstance(expected, range):
        assert fact.type == "int" and (fact.minimum, fact.maximum) == (expected[0], expected[-1])
    else:
        assert fact.type == "choice" and list(fact.values) == expected
    assert fact.label.zh and fact.label.en
    if fact.type != "int":
        assert set(fact.value_labels) == set(fact.values)
        assert all(label.zh and label.en for label in fact.value_labels.values())


def test_grades_have_labels():
    assert [str(FACTS["disability_grade"].value_labels[g]) for g in (1, 2, 3, 4)] == ["一级", "二级", "三级", "四级"]


def test_partial_facts_are_kept_and_none_means_unknown():
    assert validate_facts({"age": 16, "sex": None, "rural": False}) == {"age": 16, "rural": False}
    assert validate_facts({}) == {}


@pytest.mark.parametrize(
    "facts, name",
    [
        ({"grade": 1}, "grade"),
        ({"age": -1}, "age"),
        ({"age": 131}, "age"),
        ({"age": 30.0}, "age"),
        ({"age": "30"}, "age"),
        ({"age": True}, "age"),
        ({"disability_grade": 0}, "disability_grade"),
        ({"disability_grade": 5}, "disability_grade"),
        ({"sex": "man"}, "sex"),
        ({"hukou": "Huyi"}, "hukou"),
        ({"household": ["dibao"]}, "household"),
        ({"rural": "yes"}, "rural"),
        ({"has_certificate": 1}, "has_certificate"),
    ],
)
def test_unknown_names_and_impossible_values_raise_naming_the_fact(facts, name):
    with pytest.raises(ValueError, match=f"'{name}'") as error:
        validate_facts(facts)
    assert isinstance(error.value, FactError) and error.value.fact == name


def test_facts_must_be_a_mapping():
    with pytest.raises(TypeError):
        validate_facts([("age", 3)])

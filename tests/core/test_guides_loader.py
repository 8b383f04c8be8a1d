import shutil
from pathlib import Path

import pytest
import yaml

from naervaer.guides import GUIDE_KEYS, GuideFileError, canonical_agency, load_guide, load_guides
from naervaer.guides.loader import DATA_DIR

SEEDS = Path("/work/shared/seeds")


def test_every_guide_file_loads():
    guides = load_guides()
    # The guides are the files, not a list in code (tests/core/test_guide_discovery.py adds one).
    assert set(guides) == {path.stem for path in DATA_DIR.glob("*.yaml")} and tuple(guides) == GUIDE_KEYS
    assert guides["trondelag"].followup.kind == "work_wheel"
    assert guides["alvoen"].followup.kind == "numbered_routine"
    assert guides["tynset"].followup.kind == "practical_order"
    assert guides["aas"].followup.kind == guides["jevnaker"].followup.kind == "bti_levels"


def _sources(guide):
    for t in guide.thresholds:
        yield t.source
    for p in guide.judgement_signs.patterns:
        yield p.source
    for group in (guide.judgement_signs.signs, guide.early_signs, guide.risk_factors,
                  guide.protective_factors, guide.tools, guide.first_day, guide.agencies):
        for item in group:
            yield item.source
    for stage in guide.followup.stages:
        yield stage.source
        for step in stage.steps:
            yield step.source
            yield from step.also


@pytest.mark.skipif(not SEEDS.exists(), reason="seed texts not available")
@pytest.mark.parametrize("key", GUIDE_KEYS)
def test_every_source_points_into_its_seed_file(key):
    guide = load_guide(key)
    lines = (SEEDS / guide.source_file).read_text(encoding="utf-8").splitlines()
    for src in _sources(guide):
        assert src.file == guide.source_file
        assert src.lines[1] <= len(lines), (src.section, src.lines)


def _texts(guide):
    for obj in [*guide.thresholds, *guide.judgement_signs.patterns, *guide.judgement_signs.signs,
                *guide.early_signs, *guide.risk_factors, *guide.protective_factors, *guide.tools,
                *guide.first_day]:
        yield obj.text
    for a in guide.agencies:
        yield a.role
    for _stage, step in guide.followup.steps():
        yield step.text


@pytest.mark.parametrize("key", GUIDE_KEYS)
def test_nynorsk_is_not_a_copy_of_bokmal(key):
    texts = list(_texts(load_guide(key)))
    same = [t.nb for t in texts if t.nb == t.nn]
    assert len(same) <= len(texts) // 10, same


def test_encoded_comparisons_follow_the_wording():
    assert load_guide("jevnaker").threshold("jevnaker_days_month").comparison == "gt"   # "mer enn tre"
    assert load_guide("alvoen").threshold("alvoen_days_month").comparison == "ge"       # "3 dager eller mer"
    assert load_guide("tynset").threshold("tynset_days_month").comparison == "gt"
    t = load_guide("jevnaker").threshold("jevnaker_percent_15_weeks")
    assert (t.unit, t.comparison, t.limit, t.window.kind, t.window.length) == \
        ("percent_of_school_days", "ge", 10, "rolling_weeks", 15)


def _broken_copy(tmp_path, mutate):
    for key in GUIDE_KEYS:
        shutil.copy(DATA_DIR / f"{key}.yaml", tmp_path / f"{key}.yaml")
    path = tmp_path / "jevnaker.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_broken_value_names_file_place_and_problem(tmp_path):
    path = _broken_copy(tmp_path, lambda d: d["thresholds"][2].__setitem__("limit", "two"))
    with pytest.raises(GuideFileError) as err:
        load_guides(tmp_path)
    msg = str(err.value)
    assert str(path) in msg
    assert "thresholds[2].limit" in msg
    assert "valid number" in msg
    assert err.value.place == "thresholds[2].limit"


def test_missing_nynorsk_is_reported(tmp_path):
    _broken_copy(tmp_path, lambda d: d["early_signs"][0]["text"].pop("nn"))
    with pytest.raises(GuideFileError, match=r"early_signs\[0\]\.text\.nn: Field required"):
        load_guide("jevnaker", tmp_path)


def test_step_due_after_unknown_step_is_reported(tmp_path):
    def mutate(d):
        steps = [st for stage in d["followup"]["stages"] for st in stage["steps"]]
        next(st for st in steps if st["id"] == "jevnaker_evaluate")["due"]["after"] = "no_such_step"
    _broken_copy(tmp_path, mutate)
    with pytest.raises(GuideFileError, match="followup: .*no_such_step"):
        load_guide("jevnaker", tmp_path)


def test_yaml_syntax_error_gives_line(tmp_path):
    (tmp_path / "alvoen.yaml").write_text("key: alvoen\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(GuideFileError, match=r"alvoen\.yaml: line \d+, column \d+: not valid YAML"):
        load_guide("alvoen", tmp_path)


def test_agency_synonyms():
    assert canonical_agency("PP-tjenesten") == "ppt"
    assert canonical_agency("Helsesøster") == canonical_agency("helsesykepleier") == "skolehelsetjenesten"
    assert canonical_agency("barneverntjenesten") == "barnevern"
    assert canonical_agency("OT") == "oppfolgingstjenesten"
    assert canonical_agency("naboen") is None

"""The guides as knowledge: every unit valid and sourced, each guide covered, the exam kept apart."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from naervaer.guides import GUIDE_KEYS, load_guide
from naervaer.knowledge import nlu_data
from naervaer.knowledge.coverage import coverage
from naervaer.knowledge.exam import in_training_data, load_exam
from naervaer.knowledge.finder import find
from naervaer.knowledge.ranker import GuideIndex, index_for
from naervaer.knowledge.seeds import seed_lines
from naervaer.knowledge.units import KnowledgeFileError, load_knowledge

ROOT = Path(__file__).resolve().parents[2]
MIN_COVERAGE = 0.90
# The guides write small numbers in words too ("en gang i måneden", "tre dager"); facts use digits.
NUMBER_WORDS = {"en": 1, "ett": 1, "ein": 1, "eitt": 1, "én": 1, "èn": 1, "første": 1, "to": 2, "andre": 2, "tre": 3,
                "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9, "ti": 10, "elleve": 11,
                "tolv": 12, "fjorten": 14, "femten": 15, "tjue": 20, "tretti": 30, "halvår": 6, "halvåret": 6}


@pytest.mark.parametrize("key", GUIDE_KEYS)
def test_every_guide_is_covered_by_its_units(key):
    report = coverage(key)
    gaps = "; ".join(f"{g.first}-{g.last} «{g.words}»" for g in report.gaps[:10])
    assert report.share >= MIN_COVERAGE, f"{key}: {report.share:.1%} of content lines cited; gaps: {gaps}"


@pytest.mark.parametrize("key", GUIDE_KEYS)
def test_every_cited_range_is_inside_the_seed_and_every_number_stated_is_in_it(key):
    lines = seed_lines(load_guide(key).source_file)
    for unit in load_knowledge(key).units:
        cited = ""
        for source in unit.sources:
            assert source.lines[1] <= len(lines), (unit.id, source.lines)
            cited += " ".join(lines[source.lines[0] - 1:source.lines[1]]) + " "
        # The seed's extraction splits digits from words and across lines ("1 0 %"); compare digits only.
        seed_numbers = set(re.findall(r"\d+", cited)) | set(re.findall(r"\d+", re.sub(r"(?<=\d)\s+(?=\d)", "", cited)))
        seed_numbers |= {str(NUMBER_WORDS[w]) for w in re.findall(r"\w+", cited.casefold()) if w in NUMBER_WORDS}
        for fact in unit.facts:
            for number in re.findall(r"\d+", fact):
                assert number in seed_numbers, f"{unit.id}: fact «{fact}» states {number}, not in lines {unit.sources}"


def test_a_unit_that_claims_a_fact_its_answer_does_not_state_is_refused(tmp_path):
    folder = tmp_path / "jevnaker"
    folder.mkdir()
    (folder / "x.yaml").write_text(yaml.safe_dump({"guide": "jevnaker", "units": [{
        "id": "jevnaker_x", "title": {"nb": "a", "nn": "a", "en": "a"},
        "answer": {"nb": "Skolen ringer.", "nn": "Skulen ringjer.", "en": "The school calls."},
        "facts": ["3 dager"], "asks": ["hva gjør skolen"], "sources": [{"section": "s", "lines": [1, 2]}]}]}))
    with pytest.raises(KnowledgeFileError, match=r"jevnaker_x.*facts not stated"):
        load_knowledge("jevnaker", tmp_path)


def test_unit_ids_must_be_unique_and_carry_the_guide_key(tmp_path):
    unit = {"id": "tynset_a", "title": {"nb": "a", "nn": "a", "en": "a"}, "answer": {"nb": "b", "nn": "b", "en": "b"},
            "asks": ["c d"], "sources": [{"section": "s", "lines": [1, 2]}]}
    (tmp_path / "tynset").mkdir()
    (tmp_path / "tynset" / "one.yaml").write_text(yaml.safe_dump({"guide": "tynset", "units": [unit]}))
    (tmp_path / "tynset" / "two.yaml").write_text(yaml.safe_dump({"guide": "tynset", "units": [unit]}))
    with pytest.raises(KnowledgeFileError, match="used twice"):
        load_knowledge("tynset", tmp_path)


def test_a_guide_of_units_in_a_temp_folder_is_ranked_like_the_packaged_ones(tmp_path):
    def unit(uid, title, answer, asks):
        return {"id": uid, "title": {"nb": title, "nn": title, "en": title}, "answer": {"nb": answer, "nn": answer,
                "en": answer}, "asks": asks, "sources": [{"section": "1", "lines": [1, 3]}]}
    (tmp_path / "sjette").mkdir()
    (tmp_path / "sjette" / "guide.yaml").write_text(yaml.safe_dump({"guide": "sjette", "units": [
        unit("sjette_lunsj", "Matpakke", "Elevene tar med matpakke.", ["hva spiser elevene"]),
        unit("sjette_ppt", "PPT", "PPT utreder elever med særskilte behov.", ["hva gjør pp-tjenesten"]),
        unit("sjette_frist", "Frist for møte", "Møtet holdes innen 14 dager.", ["hvor fort må møtet holdes"]),
    ]}, allow_unicode=True))
    index = GuideIndex(load_knowledge("sjette", tmp_path))
    assert find(index, "hva gjør PPT?").answers[0].id == "sjette_ppt"
    assert find(index, "hvor fort skal møte holdes").answers[0].id == "sjette_frist"
    assert not find(index, "når er juleferien").answered


def test_the_generated_nlu_examples_are_up_to_date():
    assert nlu_data.GENERATED.read_text(encoding="utf-8") == nlu_data.render(), \
        "run `.venv/bin/naervaer guides nlu` after changing the knowledge units"


def test_the_exam_is_kept_out_of_training_and_ranking():
    """The exam was written from the seeds alone; no exam question is, word for word, a training example
    or an ask of a unit (the few that both sides wrote independently were taken out of the data)."""
    exam = load_exam()
    assert len(exam) >= 300
    shared = [q.id for q in exam if in_training_data(q)]
    assert not shared, f"exam questions also in the training or ranking data: {shared}"


def test_the_exam_has_the_shape_the_issue_asks_for():
    exam = load_exam()
    per_guide = {key: [q for q in exam if q.guide == key] for key in GUIDE_KEYS}
    assert all(len(qs) >= 50 for qs in per_guide.values()), {k: len(v) for k, v in per_guide.items()}
    assert sum(q.lang == "nn" for q in exam) >= len(exam) / 5
    assert sum(q.lang == "en" for q in exam) >= len(exam) / 10


def test_ranking_stays_inside_the_askers_guide():
    index = index_for("tynset")
    assert all(h.unit.id.startswith("tynset_") for h in index.search("hva gjør barnevernet", k=5))

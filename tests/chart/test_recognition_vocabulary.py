"""The ward's vocabulary as an SRE sets it in values.yaml: a ConfigMap mounted into recognition
only, named in its environment, and a changed vocabulary rolls the pods."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import helm_python as helm
import pytest

Objects = list[dict[str, Any]]
TERMS = [{"id": "zoshigaya", "language": "ja", "text": "雑司が谷", "reading": "ゾウシガヤ"}]


def _recognition(objects: Objects) -> dict[str, Any]:
    return next(o for o in objects if o["kind"] == "Deployment"
                and o["metadata"]["name"] == "madoguchi-recognition")


def test_ward_terms_reach_recognition_as_a_mounted_file(
        render: Callable[..., Objects]) -> None:
    objects = render({"services": {"recognition": {"vocabulary": {"terms": TERMS}}}})
    [config] = [o for o in objects if o["kind"] == "ConfigMap"
                and o["metadata"]["name"] == "madoguchi-recognition-vocabulary"]
    assert json.loads(config["data"]["vocabulary.json"]) == {"terms": TERMS, "sentences": []}
    pod = _recognition(objects)["spec"]["template"]
    container = pod["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["MADOGUCHI_RECOGNITION_VOCABULARY__FILE"] == (
        "/etc/madoguchi/vocabulary/vocabulary.json")
    assert env["MADOGUCHI_RECOGNITION_VOCABULARY__BIASING"] == "true"
    assert json.loads(env["MADOGUCHI_RECOGNITION_VOCABULARY__PROMPT_LANGUAGES"]) == ["ja", "en"]
    assert env["MADOGUCHI_RECOGNITION_VOCABULARY__PROMPT_TOKENS"] == "24"
    assert env["MADOGUCHI_RECOGNITION_VOCABULARY__RESCORING"] == "true"
    assert {"name": "vocabulary", "mountPath": "/etc/madoguchi/vocabulary",
            "readOnly": True} in container["volumeMounts"]
    for other in objects:
        if other["kind"] == "Deployment" and other is not _recognition(objects):
            assert "vocabulary" not in json.dumps(other["spec"]["template"]["spec"]["volumes"])


def test_ward_sentences_alone_reach_recognition(render: Callable[..., Objects]) -> None:
    sentences = ["戸籍の証明は3階の12番窓口です。"]
    objects = render({"services": {"recognition": {"vocabulary": {"sentences": sentences}}}})
    [config] = [o for o in objects if o["kind"] == "ConfigMap"
                and o["metadata"]["name"] == "madoguchi-recognition-vocabulary"]
    assert json.loads(config["data"]["vocabulary.json"]) == {"terms": [], "sentences": sentences}
    env = {e["name"] for e in _recognition(objects)["spec"]["template"]["spec"][
        "containers"][0]["env"]}
    assert "MADOGUCHI_RECOGNITION_VOCABULARY__FILE" in env
    with pytest.raises(helm.HelmError):
        render({"services": {"recognition": {"vocabulary": {"sentences": ["あ" * 201]}}}})


def test_a_changed_vocabulary_rolls_the_pods(render: Callable[..., Objects]) -> None:
    def checksum(extra: dict[str, Any]) -> str:
        pod = _recognition(render(extra))["spec"]["template"]
        return str(pod["metadata"]["annotations"]["checksum/vocabulary"])

    base = checksum({})
    assert checksum({"services": {"recognition": {"vocabulary": {"terms": TERMS}}}}) != base
    assert checksum({"services": {"recognition": {"vocabulary": {"correction": False}}}}) != base


def test_no_file_without_terms(default_objects: Objects) -> None:
    assert not [o for o in default_objects if o["kind"] == "ConfigMap"
                and o["metadata"]["name"].endswith("-vocabulary")]
    env = {e["name"] for e in _recognition(default_objects)["spec"]["template"]["spec"][
        "containers"][0]["env"]}
    assert "MADOGUCHI_RECOGNITION_VOCABULARY__FILE" not in env


@pytest.mark.parametrize("term", [
    {"id": "Bad Id", "language": "ja", "text": "窓口"},
    {"id": "x", "language": "ja", "text": "窓口", "reading": "まどぐち"},
    {"id": "x", "language": "ja"},
])
def test_the_schema_refuses_a_malformed_term(
        render: Callable[..., Objects], term: dict[str, str]) -> None:
    with pytest.raises(helm.HelmError):
        render({"services": {"recognition": {"vocabulary": {"terms": [term]}}}})

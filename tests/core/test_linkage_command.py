"""The Django shell of `refuge dedupe`: same arguments, errors as one-line CommandError."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_command_writes_clusters(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,given_name,family_name\n1,Иван,Петров\n2,Ivan,Petrov\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    stdout = StringIO()
    call_command("dedupe", str(source), "--out", str(out), stdout=stdout)
    assert out.read_text(encoding="utf-8").splitlines()[0] == "id,cluster_id"
    assert "2 records" in stdout.getvalue()


def test_command_error_is_one_line(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("given_name\nИван\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("dedupe", str(source), "--out", str(tmp_path / "o.csv"))
    assert "'id'" in str(caught.value) and "\n" not in str(caught.value)


def test_link_command_writes_one_row_per_left_record(tmp_path: Path) -> None:
    left, right = tmp_path / "left.csv", tmp_path / "right.csv"
    left.write_text("id,given_name,family_name\n2000001,Ivan,Petrov\n2000002,Олег,Гуменюк\n",
                    encoding="utf-8")  # fmt: skip
    right.write_text("id,given_name,family_name\n1000001,Иван,Петров\n", encoding="utf-8")
    out = tmp_path / "links.csv"
    stdout = StringIO()
    call_command("link", str(left), str(right), "--out", str(out), stdout=stdout)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "left_id,right_id,match_probability,reasons"
    assert [line.split(",")[0] for line in lines[1:]] == ["2000001", "2000002"]
    assert "2 left records, 1 right records" in stdout.getvalue()


def test_link_command_error_is_one_line(tmp_path: Path) -> None:
    left = tmp_path / "left.csv"
    left.write_text("id,given_name\n1,Иван\n1,Пётр\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("link", str(left), str(left), "--out", str(tmp_path / "o.csv"))
    assert "row 3" in str(caught.value) and "\n" not in str(caught.value)

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

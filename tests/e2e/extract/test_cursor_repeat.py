"""A server that hands back a cursor already followed makes the extractor stop loudly — and a later run
against a well-behaved server resumes from the last good page."""

from __future__ import annotations

import subprocess
import sys

from control.servicetracker.extract import extract
from control.settings import load_settings
from control.staging import PassStatus, StagingStore
from tests.e2e.extract.conftest import cli_env
from tests.e2e.extract.proxy import repeating_cursor_proxy


def test_a_repeated_cursor_stops_the_run_loudly_then_resumes(sandbox, make_project, fixture_digest: str) -> None:
    box = sandbox("--rate-limit", "0")
    with repeating_cursor_proxy(box.base_url, "work_orders", on_page=3) as proxied:
        project = make_project("loop", box, page_size=100)
        toml = project / "st2sf.toml"
        toml.write_text(toml.read_text().replace(box.base_url, proxied), encoding="utf-8")
        out = subprocess.run([sys.executable, "-m", "control.cli.app", "extract", "--resource", "work_orders",
                              "--no-files"], capture_output=True, text=True, env=cli_env(project, box.api_key),
                             timeout=120)
    assert out.returncode == 1, out.stderr
    assert "already followed" in out.stderr and "/work_orders" in out.stderr and "page 3" in out.stderr
    store = StagingStore.open(load_settings(project).staging_url)
    cp = store.checkpoint("work_orders")
    assert cp is not None and cp.status is PassStatus.RUNNING and cp.pages == 2  # pages 1–2 staged, not page 3
    assert store.counts()["work_orders"] == 200
    store.close()

    toml.write_text(toml.read_text().replace(proxied, box.base_url), encoding="utf-8")
    result = extract(load_settings(project), digest=True)
    assert result.digest is not None and result.digest.digest == fixture_digest
    work_orders = next(f for f in result.feeds if f.feed == "work_orders")
    assert work_orders.kind == "resumed"

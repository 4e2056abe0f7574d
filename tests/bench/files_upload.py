"""Benchmark of the file upload against the org emulator (run on demand; prints figures, asserts nothing).

    python -m tests.bench.files_upload [--files N] [--small-kb K] [--large-mb M] [--large-every E]
                                        [--concurrency C] [--state-dir DIR]

Starts an org (the Files test seed) in a temporary state folder, writes N bodies into a blob store
(every E-th one M MB, sent multipart; the others K KB, sent as JSON), one Account as every file's parent,
then runs ``control.load.files.upload_files`` and prints: files/s, MB/s, API requests used per file,
the control process's peak RSS and the emulator's RSS. A second run (everything already there) is
timed too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

import psutil

from control.ledger import Ledger
from control.load.files import FilePolicy, upload_files
from control.staging import BlobStore
from tests.support.salesforce_org import client_env, start_org, stop_org

SEED = Path(__file__).resolve().parents[1] / "contract" / "salesforce" / "files_seed.yml"


def _api_used(sf) -> int:
    limits = sf.limits()["DailyApiRequests"]
    return int(limits["Max"]) - int(limits["Remaining"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--small-kb", type=int, default=40)
    parser.add_argument("--large-mb", type=float, default=8.0)
    parser.add_argument("--large-every", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--state-dir", type=Path)
    args = parser.parse_args()
    holder = None if args.state_dir else tempfile.TemporaryDirectory(prefix="files-bench-")
    root = args.state_dir or Path(holder.name)  # type: ignore[union-attr]
    org = start_org(root / "state", "bench", seed=SEED)
    os.environ.update(client_env(org))
    try:
        sf = org.simple_salesforce()
        parent = sf.Account.create({"Name": "Bench parent"})["id"]
        blobs = BlobStore(root / "blobs")
        folder = root / "dataset"
        folder.mkdir(parents=True, exist_ok=True)
        total = 0
        with (folder / "files.jsonl").open("w") as out:
            for i in range(args.files):
                size = int(args.large_mb * 2**20) if args.large_every and i % args.large_every == 0 else args.small_kb * 1024
                partial = blobs.partial_path(f"b{i}")
                with partial.open("wb") as fh:  # written in blocks: the bench's own memory stays flat
                    block = os.urandom(1 << 16)
                    for _ in range(size // len(block)):
                        fh.write(block)
                    fh.write(os.urandom(size % len(block)))
                committed = blobs.commit(partial)
                total += committed.size
                att = f"bench-{i:06d}"
                out.write(json.dumps({
                    "attachment_id": att, "table": "attachment_file", "local_id": f"attachment_file-{att}",
                    "file_name": f"f{i}.bin", "content_type": "application/octet-stream", "sha256": committed.sha256,
                    "size": committed.size, "values": {"ServiceTracker_Id__c": att, "Title": f"f{i}.bin",
                                                       "PathOnClient": f"f{i}.bin", "VersionData": committed.sha256},
                    "links": [{"table": "attachment_link", "local_id": f"attachment_link-{att}",
                               "values": {"ContentDocumentId": f"attachment_file-{att}", "LinkedEntityId": "parent",
                                          "ShareType": "V", "Visibility": "AllUsers"}}]}) + "\n")
        print(f"{args.files:,} files, {total / 2**20:,.1f} MB (every {args.large_every}th {args.large_mb} MB)")
        ledger = Ledger.open(f"sqlite:///{root / 'ledger.db'}")
        for label in ("first run", "re-run"):
            run = ledger.start_run("bench", {})
            used = _api_used(sf)
            started = time.perf_counter()
            outcome = upload_files(sf, dataset_folder=folder, blobs=blobs, resolve=lambda ids: {"parent": parent},
                                   ledger=ledger, run_id=run.id, step="files", policy=FilePolicy(max_mb=args.large_mb + 1),
                                   concurrency=args.concurrency)
            seconds = time.perf_counter() - started
            requests_made = _api_used(sf) - used - 1  # the /limits call itself
            print(f"{label}: {seconds:.1f} s, {args.files / seconds:,.0f} files/s, "
                  f"{outcome.bytes / 2**20 / seconds:,.1f} MB/s uploaded, {requests_made / args.files:.2f} API requests "
                  f"per file; uploaded {outcome.uploaded}, present {outcome.already_present}, failed {outcome.failed}, "
                  f"links created {outcome.links_created}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"control process peak RSS {peak:.0f} MB; emulator RSS {psutil.Process(org.pid).memory_info().rss / 2**20:.0f} MB")
    finally:
        stop_org(org)
        if holder is not None:
            holder.cleanup()


if __name__ == "__main__":
    main()

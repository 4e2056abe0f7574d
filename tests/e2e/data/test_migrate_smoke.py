import json
import pytest
from control.load import migrate
from tests.e2e.data.migrate_support import fresh_target
from tests.support.salesforce_org import stop_org

pytestmark = pytest.mark.slow


def test_smoke(data_path):
    t = fresh_target(data_path, "smoke")
    try:
        r = migrate(t.settings, dataset=t.dataset, org="smoke")
        print(json.dumps(r.accounting, indent=1)[:6000])
        r2 = migrate(t.settings, dataset=t.dataset, org="smoke")
        print(json.dumps(r2.accounting["steps"], indent=0)[:3000])
    finally:
        stop_org(t.org)

"""我要反映 on a weak network (issue 11): a resident's phone (Chromium, 360 px) opens the report page with an
empty cache and sends a report with one camera photo, under a throttled network of about 400 kbit/s each
way and 400 ms round trip (CDP Network.emulateNetworkConditions). Prints the seconds to the page's load
event, to the confirmation page after tapping send, and the bytes moved. Never part of the test suite.

    python benchmarks/bench_field_report.py            # SQLite and `gridgov serve` in a temporary directory
    python benchmarks/bench_field_report.py --runs 5

The server is the production one (`gridgov serve`: collectstatic, hashed and gzipped files, gunicorn);
only the town, one resident and two categories are built. The photo is a 3000x2000 JPEG (about 2 MB) that
the page shrinks to a long side of 1600 px before sending.
"""

import argparse
import io
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
PASSWORD = "Grid-Bench-2026"
KBIT = 400
RTT_MS = 400


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from gridgov.cases import actions as cases
    from gridgov.org import actions
    from tests.conftest import make_id_number, square

    county = actions.do_create_region(None, "445321000000", "新兴县")
    town = actions.do_create_region(None, "445321104000", "东成镇", parent=county)
    village = actions.do_create_region(None, "445321104201", "碧塘村", parent=town)
    town_grid = actions.do_create_grid(None, "445321104000000", "东成镇网格")
    grid_a = actions.do_create_grid(None, "445321104201000", "碧塘村网格", parent=town_grid)
    a1 = actions.do_create_grid(None, "445321104201001", "碧塘第一网格", parent=grid_a, geometry=square(112.30, 22.70))
    house = actions.do_create_household(None, "H445321104201001001", a1, "碧塘村一巷1号")
    import datetime

    person = actions.do_create_person(None, name="张建国", grid=a1, household=house, relation="head",
                                      id_number=make_id_number("445321", datetime.date(1971, 2, 2), 11),
                                      phone="13800000011")
    actions.do_create_user(None, "resident", "resident", a1.code, password=PASSWORD, person=person)
    env_cat = cases.do_create_category(None, "01", "环境卫生")
    cases.do_create_category(None, "0101", "垃圾清运", parent=env_cat)
    del village


def camera_photo() -> bytes:
    from PIL import Image

    rng = random.Random(11)
    image = Image.frombytes("RGB", (300, 200), bytes(rng.randrange(256) for _ in range(300 * 200 * 3)))
    out = io.BytesIO()
    image.resize((3000, 2000), Image.Resampling.BILINEAR).save(out, "JPEG", quality=92)
    return out.getvalue()


def run(base: str, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    photo = camera_photo()
    loads, sends, moved = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                          locale="zh-CN", is_mobile=True, has_touch=True, service_workers="block")
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", "resident")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit].primary")
            page.wait_for_url(f"{base}/")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            rate = KBIT * 1000 / 8
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": RTT_MS,
                                                          "downloadThroughput": rate, "uploadThroughput": rate})
            sizes = {}
            cdp.on("Network.loadingFinished",
                   lambda e, sizes=sizes: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
            start = time.monotonic()
            page.goto(f"{base}/cases/report/", wait_until="load")
            loads.append(time.monotonic() - start)
            page.wait_for_selector("#category-tiles:not([hidden]) .tile")
            page.click(".tiles-main .tile >> nth=0")
            page.click(".tiles-sub .tile >> nth=0")
            page.fill("#id_description", "巷口垃圾堆了三天")
            page.select_option("#id_grid", index=1)
            page.set_input_files("#id_photos", files=[{"name": "p.jpg", "mimeType": "image/jpeg", "buffer": photo}])
            start = time.monotonic()
            page.click("#report-form button[type=submit]")
            page.wait_for_url("**/cases/*/?new=1", wait_until="load")
            sends.append(time.monotonic() - start)
            moved.append(sum(sizes.values()))
            context.close()
        browser.close()
    print(f"network: {KBIT} kbit/s each way, {RTT_MS} ms round trip; photo {len(photo) / 1e6:.1f} MB before shrinking")
    print(f"open the report page (load event, empty cache): median {statistics.median(loads):.1f} s  "
          f"(runs: {', '.join(f'{x:.1f}' for x in loads)})")
    print(f"send -> confirmation page:                    median {statistics.median(sends):.1f} s  "
          f"(runs: {', '.join(f'{x:.1f}' for x in sends)})")
    print(f"bytes moved in all (page + report + confirmation): median {statistics.median(moved) / 1000:.0f} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_field_"))
    env = {"GRIDGOV_VAR_DIR": str(tmp), "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}", "GRIDGOV_DEMO": "1"}
    build(env)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gridgov", "serve", "--port", str(port), "--workers", "2"],
                              env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base + "/login/", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit("gridgov serve did not start")
                time.sleep(0.3)
        run(base, args.runs)
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()

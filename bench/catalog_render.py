"""Catalog render cost: CPU seconds to write N unique segments through catalog.edit, as translate does.

Usage: python bench/catalog_render.py [N ...]   (default 3000 30000; reads ../shared newstest2013).
CPU time (process_time), so that a loaded machine does not blur the figures.
A linear renderer gives about ten times the 3,000-segment figure at 30,000.
"""
import sys
import time
import tempfile
from pathlib import Path
import polib
from locwork import catalog

fr = Path(__file__).resolve().parents[2].joinpath("shared", "data", "mt-dev", "newstest2013.fr").read_text("utf-8").splitlines()
es = Path(__file__).resolve().parents[2].joinpath("shared", "data", "mt-dev", "newstest2013.es").read_text("utf-8").splitlines()
for n in [int(a) for a in sys.argv[1:]] or [3000, 30000]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "es" / "bench.po"
        t0 = time.process_time()
        with catalog.edit(path, create=lambda: catalog.new_catalog("es", "bench", "bench.txt")) as po:
            for i in range(n):
                e = polib.POEntry(msgctxt=f"p{i}.s1", msgid=f"{fr[i % len(fr)]} [{i}]",
                                  occurrences=[("bench.txt", str(i + 1))])
                catalog.record_mt(e, f"{es[i % len(es)]} [{i}]", route="apertium:fr-es", engine="apertium",
                                  model="m 1", expected_chrf=55.5)
                po.append(e)
            t1 = time.process_time()
        t2 = time.process_time()
        # A second run over the same catalog: every entry re-translated (a new MT string).
        with catalog.edit(path) as po:
            t3 = time.process_time()
            for e in po:
                catalog.record_mt(e, e.msgstr + " !", route="apertium:fr-es", engine="apertium", model="m 2",
                                  expected_chrf=55.5)
                e.msgstr = e.msgstr + " !"
            t4 = time.process_time()
        t5 = time.process_time()
    print(f"n={n}: new catalog written in {t2 - t1:.2f}s; rewrite with every entry changed "
          f"{t5 - t4:.2f}s (load {t3 - t2:.2f}s)", flush=True)

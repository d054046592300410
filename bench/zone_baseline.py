#!/usr/bin/python3
# zone_baseline: the comparison named in the "truce check performance" issue.
# Reads a JSON Lines report file and does only the buffer-zone test, with
# Debian's python3-shapely (1.8.5): a prepared polygon and `covers` per point.
"""Usage: /usr/bin/python3 bench/zone_baseline.py [--vectorized] REPORTS.jsonl [BUFFER_ZONE.geojson]

Parses every line with json.loads; for forces.present, strike and offensive
reports with an `at`, tests the point against the buffer-zone polygon
(boundary counts as inside, as in truce) with a prepared geometry's `covers`,
one Point per report: the baseline of the issue. --vectorized instead collects
the points in batches and tests each batch with shapely.vectorized.contains
(numpy; boundary points count as outside), the fastest way shapely 1.8 offers.
Prints the counts and the rate, and a last line `RESULT lines=N seconds=S`
(the loop's own time) for bench/run.sh."""
import json
import sys
import time

from shapely.geometry import Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep

DEFAULT_ZONE = "plans/ukraine-2025-11/zones/buffer-zone.geojson"
TESTED_KINDS = frozenset(("forces.present", "strike", "offensive"))


def load_zone(path):
    """The union of the polygons of a GeoJSON file, prepared for fast queries."""
    with open(path, encoding="utf-8") as f:
        geojson = json.load(f)
    if geojson.get("type") == "FeatureCollection":
        geometry = unary_union([shape(feature["geometry"]) for feature in geojson["features"]])
    else:
        geometry = shape(geojson.get("geometry", geojson))
    return prep(geometry)


def count_inside(path, zone):
    """Returns (lines, tested, inside) over the report file."""
    lines = tested = inside = 0
    covers = zone.covers
    with open(path, "rb") as f:
        for line in f:
            lines += 1
            report = json.loads(line)
            at = report.get("at")
            if at is None or report.get("kind") not in TESTED_KINDS:
                continue
            tested += 1
            if covers(Point(at[0], at[1])):
                inside += 1
    return lines, tested, inside


BATCH = 65536


def count_inside_vectorized(path, geometry):
    """As count_inside, with one shapely.vectorized.contains call per batch."""
    import numpy
    import shapely.vectorized
    lines = tested = inside = 0
    lons, lats = [], []

    def flush():
        hits = shapely.vectorized.contains(geometry, numpy.array(lons), numpy.array(lats))
        lons.clear()
        lats.clear()
        return int(hits.sum())

    with open(path, "rb") as f:
        for line in f:
            lines += 1
            report = json.loads(line)
            at = report.get("at")
            if at is None or report.get("kind") not in TESTED_KINDS:
                continue
            tested += 1
            lons.append(at[0])
            lats.append(at[1])
            if len(lons) == BATCH:
                inside += flush()
    if lons:
        inside += flush()
    return lines, tested, inside


def main(argv):
    vectorized = "--vectorized" in argv
    argv = [a for a in argv if a != "--vectorized"]
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    zone = load_zone(argv[2] if len(argv) > 2 else DEFAULT_ZONE)
    started = time.perf_counter()
    if vectorized:
        lines, tested, inside = count_inside_vectorized(argv[1], zone.context)
    else:
        lines, tested, inside = count_inside(argv[1], zone)
    seconds = time.perf_counter() - started
    print(f"zone_baseline: {lines} lines, {tested} points tested, {inside} inside the buffer zone, "
          f"{seconds:.2f} s, {lines / seconds:,.0f} lines/s")
    print(f"RESULT lines={lines} seconds={seconds:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

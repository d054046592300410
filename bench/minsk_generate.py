#!/usr/bin/env python3
"""minsk_generate: a large, deterministic stream of ILLUSTRATIVE reports for
the Minsk II plan (plans/minsk-2015), for benchmarking `truce check` on it:
the SMM's daily mix of explosions (mostly unattributed), attributed ceasefire
violations, weapons seen near the lines with type and calibre (details the
rules filter on), restrictions of movement, plus the signature, withdrawals,
the registry of who is held and releases.

usage: bench/minsk_generate.py COUNT [SEED] > reports.jsonl
"""
import json
import random
import sys

LINE = [(37.78, 47.08), (37.60, 47.65), (37.52, 47.90), (37.72, 48.09), (37.95, 48.22), (38.02, 48.34),
        (38.35, 48.30), (38.52, 48.30), (38.40, 48.58), (38.90, 48.70), (39.22, 48.71), (39.80, 48.63)]
START = 1423735200  # 2015-02-12T10:00:00Z
WEAPONS = [("artillery", (122, 152, 203)), ("tank", (115, 125)), ("mortar", (82, 120)), ("mlrs", (122,)),
           ("heavy-mlrs", (220, 300)), ("tochka", (650,))]


def when(seconds):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def near_line(rng, spread):
    i = rng.randrange(len(LINE) - 1)
    t = rng.random()
    (x0, y0), (x1, y1) = LINE[i], LINE[i + 1]
    return [round(x0 + t * (x1 - x0) + rng.uniform(-spread, spread), 4),
            round(y0 + t * (y1 - y0) + rng.uniform(-spread / 1.5, spread / 1.5), 4)]


def main():
    count = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    out = sys.stdout
    dump = lambda d: out.write(json.dumps(d, separators=(",", ":")) + "\n")
    fixed = [
        {"id": "tcg-0001", "source": "council", "time": when(START), "kind": "agreement.signed"},
        {"id": "smm-h1", "source": "monitor:osce", "time": when(START + 6 * 86400), "kind": "persons.held", "actor": "UA", "value": 150},
        {"id": "smm-h2", "source": "monitor:osce", "time": when(START + 6 * 86400), "kind": "persons.held", "actor": "ORDLO", "value": 580},
        {"id": "smm-e1", "source": "monitor:osce", "time": when(START + 9 * 86400), "kind": "persons.released", "actor": "UA", "to": "ORDLO", "value": 52},
        {"id": "smm-e2", "source": "monitor:osce", "time": when(START + 9 * 86400), "kind": "persons.released", "actor": "LPR", "to": "UA", "value": 139},
        {"id": "dpr-w1", "source": "party:DPR", "time": when(START + 21 * 86400), "kind": "withdrawal.completed", "actor": "ORDLO", "target": "heavy-weapons"},
        {"id": "ua-w1", "source": "party:UA", "time": when(START + 23 * 86400), "kind": "withdrawal.completed", "actor": "UA", "target": "heavy-weapons"},
    ]
    for d in fixed[:count]:
        dump(d)
    span = 365 * 86400
    for n in range(max(0, count - len(fixed))):
        t = when(START + 3 * 86400 + (n * span) // max(1, count))
        roll = rng.random()
        if roll < 0.60:
            d = {"id": "x%d" % n, "source": "monitor:osce", "time": t, "kind": "explosion.recorded",
                 "at": near_line(rng, 0.15), "perceived": rng.choice(("heard", "heard", "seen", "camera", "drone")),
                 "weapon": rng.choice(("artillery", "mortar", "undetermined", "undetermined", "tank")), "count": rng.randint(1, 40)}
        elif roll < 0.85:
            d = {"id": "c%d" % n, "source": "monitor:osce", "time": t, "kind": "ceasefire.violation",
                 "actor": rng.choice(("UA", "DPR", "LPR")), "at": near_line(rng, 0.1),
                 "weapon": rng.choice(("artillery", "mortar", "small-arms", "tank")), "count": rng.randint(1, 20)}
        elif roll < 0.97:
            weapon, calibres = rng.choice(WEAPONS)
            d = {"id": "w%d" % n, "source": "monitor:osce", "time": t, "kind": "weapon.seen",
                 "actor": rng.choice(("UA", "DPR", "LPR")), "at": near_line(rng, 1.0), "weapon": weapon,
                 "calibre": rng.choice(calibres), "pieces": rng.randint(1, 6)}
        else:
            d = {"id": "m%d" % n, "source": "monitor:osce", "time": t, "kind": "movement.restricted",
                 "actor": rng.choice(("UA", "DPR", "LPR")), "at": near_line(rng, 0.3)}
        dump(d)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Regenerates sn15-block4769998.txt from data/metagraph-sn15-block4769998.json.

Stake: each S value (TAO, the shortest decimal of a float32) is read as an exact decimal and
multiplied by 10^9: rao = S x 1e9, rounded half-even at the 9th decimal (the values have at
most 9 significant digits, so no value needs rounding in practice). Weights: each row of W is
max-upscaled to u16 as the chain stores weights: round(w / max(row) * 65535), zeros dropped.
"""
import json, sys
from decimal import Decimal, ROUND_HALF_EVEN
src = sys.argv[1] if len(sys.argv) > 1 else "../../data/metagraph-sn15-block4769998.json"
d = json.load(open(src), parse_float=Decimal)
out = ["# subnet 15 at block %d, from bactensor/yuma-simulation (MIT), see make_sn15.py" % d["block"],
       "n %d" % d["n"]]
for uid, s in enumerate(d["S"]):
    rao = (Decimal(s) * 1000000000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    if rao:
        out.append("s %d %d" % (uid, rao))
for uid, row in enumerate(d["W"]):
    m = max(row)
    if m > 0:
        ents = []
        for j, w in enumerate(row):
            v = int((Decimal(w) / m * 65535).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
            if v > 0:
                ents.append("%d:%d" % (j, v))
        out.append("w %d %s" % (uid, " ".join(ents)))
open("sn15-block4769998.txt", "w").write("\n".join(out) + "\n")

#!/usr/bin/env python3
"""Regenerates sn15-block4769998.bin from data/metagraph-sn15-block4769998.json
(subnet 15 at block 4769998, from bactensor/yuma-simulation, MIT).

Stake: each S value (TAO, the shortest decimal of a float32) is read as an exact decimal and
multiplied by 10^9: rao = S x 1e9, rounded half-even at the 9th decimal (the values have at
most 9 significant digits, so no value needs rounding in practice). Weights: each row of W is
max-upscaled to u16 as the chain stores weights: round(w / max(row) * 65535), zeros dropped.

Layout (integers are unsigned LEB128 varints unless noted), laid out by kind so that it
compresses well inside the wasm:
  n
  k, then k x (uid gap, rao)            uid gap = uid - previous uid - 1 (previous = -1)
  r, then r x (setter uid, entries)     the weight rows, in uid order
  every row's column gaps, row by row   gap = column - previous column - 1
  every row's u16 values, row by row    2 bytes each, little-endian
"""
import json, sys
from decimal import Decimal, ROUND_HALF_EVEN


def varint(x):
    out = bytearray()
    while True:
        b, x = x & 0x7F, x >> 7
        out.append(b | 0x80 if x else b)
        if not x:
            return bytes(out)


src = sys.argv[1] if len(sys.argv) > 1 else "../../data/metagraph-sn15-block4769998.json"
d = json.load(open(src), parse_float=Decimal)
stake = []
for uid, s in enumerate(d["S"]):
    rao = int((Decimal(s) * 1000000000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    if rao:
        stake.append((uid, rao))
rows = []
for uid, row in enumerate(d["W"]):
    m = max(row)
    if m > 0:
        ents = []
        for j, w in enumerate(row):
            v = int((Decimal(w) / m * 65535).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
            if v > 0:
                ents.append((j, v))
        rows.append((uid, ents))
out = bytearray(varint(d["n"]))
out += varint(len(stake))
prev = -1
for uid, rao in stake:
    out += varint(uid - prev - 1) + varint(rao)
    prev = uid
out += varint(len(rows))
for uid, ents in rows:
    out += varint(uid) + varint(len(ents))
for _, ents in rows:
    prev = -1
    for j, _ in ents:
        out += varint(j - prev - 1)
        prev = j
for _, ents in rows:
    for _, v in ents:
        out += v.to_bytes(2, "little")
open("sn15-block4769998.bin", "wb").write(bytes(out))

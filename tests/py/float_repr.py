"""Prints, as JSON, Python's repr of each double, given as the 16 hex digits of its big-endian
IEEE 754 bytes (a JSON list on stdin).

usage: python float_repr.py < doubles.json
"""
import json
import struct
import sys

xs = [struct.unpack(">d", bytes.fromhex(h))[0] for h in json.load(sys.stdin)]
print(json.dumps([f"{x}" for x in xs]))

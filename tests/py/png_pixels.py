"""Prints, as JSON, pixel statistics of a PNG (with Pillow): its size, the share of inked pixels
(darker than near-white), the number of distinct colours, and how many pixels are within 24 per
channel of a target colour.

usage: python png_pixels.py <file.png> '[r, g, b]'
"""
import json
import sys

from PIL import Image

img = Image.open(sys.argv[1]).convert("RGB")
target = json.loads(sys.argv[2])
px = list(img.getdata())
near = sum(1 for p in px if all(abs(a - b) <= 24 for a, b in zip(p, target)))
print(json.dumps({"width": img.width, "height": img.height,
                  "inked": sum(1 for p in px if sum(p) < 700) / len(px),
                  "colours": len(set(px)), "near": near}))

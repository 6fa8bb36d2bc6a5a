"""Prints PyYAML's block-style dump (safe_dump, unicode kept) of a JSON document.

usage: python yaml_dump.py '<json text>'
"""
import json
import sys

import yaml

sys.stdout.write(yaml.safe_dump(json.loads(sys.argv[1]), default_flow_style=False, allow_unicode=True))

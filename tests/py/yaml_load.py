"""Prints, as JSON, what PyYAML's safe_load reads from a YAML document.

usage: python yaml_load.py '<yaml text>'
"""
import json
import sys

import yaml

print(json.dumps(yaml.safe_load(sys.argv[1])))

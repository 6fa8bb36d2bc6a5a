"""Prints, as JSON, Python's posixpath.normpath of each path.

usage: python posix_normpath.py '["path", ...]'
"""
import json
import posixpath
import sys

print(json.dumps([posixpath.normpath(p) for p in json.loads(sys.argv[1])]))

"""Prints, as JSON, for each text read from stdin (a JSON list): repr(float(text)) or null where
float() raises ValueError, repr(text), and repr(text.encode())."""
import json
import sys


def as_float(text):
    try:
        return repr(float(text))
    except ValueError:
        return None


texts = json.loads(sys.stdin.read())
print(json.dumps([[as_float(s), repr(s), repr(s.encode())] for s in texts]))

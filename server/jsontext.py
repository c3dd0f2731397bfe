"""JSON where speed counts (answers, live frames, checkpoint positions): orjson,
and the standard json for what orjson refuses (writing an integer over 64 bits or a lone
surrogate; reading NaN), with the same meaning.

orjson writes compact UTF-8 and keeps the order a body was built in; it parses and writes
several times faster than json. The store's own form (sorted keys) is `server.store.commit.dumps`.
"""
import json

import orjson


def loads(text):
    """Decode JSON text or bytes."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def dumps(value):
    """Encode a value as compact UTF-8 JSON bytes (keys that are not strings written as strings)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        # ASCII with escapes: a lone surrogate (which orjson refuses) has no UTF-8 form.
        return json.dumps(value, separators=(",", ":")).encode()


"""Reading a JSON export so that every object knows its line (for messages)."""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from typing import Any

from booklet.diagnostics import Diagnostics, Origin


class JsonObject(dict):
    """A JSON object that remembers the line it starts on."""

    line: int = 1


def load_json(text: str, origin: Origin, diags: Diagnostics) -> Any | None:
    """The parsed document, or None (reported) when it is not JSON."""
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> tuple[Any, int]:
        pairs, end = json.decoder.JSONObject(s_and_end, *args, **kwargs)
        obj = JsonObject(pairs)
        obj.line = bisect.bisect_left(newlines, s_and_end[1]) + 1
        return obj, end

    decoder = json.JSONDecoder(object_pairs_hook=list)
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # the C scanner ignores hooks
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as exc:
        diags.error(origin.at(exc.lineno - 1), f"not valid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        diags.error(origin, "not valid JSON: nested too deeply")
    return None

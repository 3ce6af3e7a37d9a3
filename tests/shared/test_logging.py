"""Logs are structured JSON and carry no identity numbers, phone numbers or tokens."""

import io
import json
import logging

from shared.logging import configure_logging


def test_log_lines_are_json_with_personal_data_redacted():
    stream = io.StringIO()
    configure_logging("INFO", stream)
    try:
        logging.getLogger("fupin.test").info("member 440232198003150011 phone 13812345678", extra={"auth": "Bearer abc.def.ghi", "event_id": "e-1"})
    finally:
        configure_logging("WARNING")
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["event_id"] == "e-1" and line["level"] == "info"
    text = json.dumps(line, ensure_ascii=False)
    assert "440232198003150011" not in text and "440232********0011" in text
    assert "13812345678" not in text and "abc.def.ghi" not in text

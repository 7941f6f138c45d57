"""Student text made safe to print on a terminal or in a log.

Anything that came from a student's notebook (messages, exception text, names) may hold
terminal control sequences: a carriage return or an erase-line that overwrites what the kit
printed, OSC sequences that set the window title or write the clipboard (OSC 52), or
bidirectional overrides that reorder a line. `printable` shows each such character as an
escape (`\\x1b`, `\\r`, `\\u202e`), so the text reads as what it is and does nothing.
"""
from __future__ import annotations

import logging
import unicodedata


def _escape(char: str) -> str:
    code = ord(char)
    if char == "\r":
        return "\\r"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _is_control(char: str, keep: str) -> bool:
    if char in keep:
        return False
    # Cc: C0 and C1 controls and DEL; Cf: format characters (bidi overrides, zero-width joiners);
    # Zl/Zp: line and paragraph separators, which some terminals and log viewers break lines at
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def printable(text, newlines: bool = True) -> str:
    """`text` (made a str) with every control or format character escaped; newlines and tabs kept
    unless `newlines` is False (a table cell, a log field)."""
    text = text if isinstance(text, str) else str(text)
    keep = "\n\t" if newlines else ""
    if text.isprintable() and not any(c in "\u2028\u2029" for c in text):
        return text
    return "".join(_escape(c) if _is_control(c, keep) else c for c in text)


class PrintableStream:
    """A text stream (sys.stdout) that escapes control characters in everything written to it."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(printable(text))
        return len(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


class PrintableRecords(logging.Filter):
    """A logging filter that escapes control characters in each record's message (its arguments
    merged in first): nbgrader's log quotes what a submission holds."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted is logging's own concern
            return True
        record.msg, record.args = printable(message), None
        return True


def escape_log(logger: logging.Logger) -> None:
    """Escape student text in every record `logger`'s handlers write (once per handler)."""
    for handler in logger.handlers:
        if not any(isinstance(f, PrintableRecords) for f in handler.filters):
            handler.addFilter(PrintableRecords())

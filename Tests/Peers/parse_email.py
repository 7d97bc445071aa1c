#!/usr/bin/env python3
"""Reads an .eml file the way a mail client would (Python's email package, policy=default) and prints JSON:
every header decoded (a list of [name, value] in order), the text/plain and text/html bodies decoded.
Usage: parse_email.py FILE.eml
"""
import email, email.policy, json, sys

with open(sys.argv[1], "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
plain = msg.get_body(("plain",))
html = msg.get_body(("html",))
print(json.dumps({
    "headers": [[k, str(v)] for k, v in msg.items()],
    "text": plain.get_content() if plain is not None else None,
    "html": html.get_content() if html is not None else None,
    "defects": [str(d) for d in msg.defects],
}, ensure_ascii=False))

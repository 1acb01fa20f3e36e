"""A local SMTP sink for tests: accepts every message on 127.0.0.1:<port> and writes each, parsed,
as one JSON file (<dir>/<arrival ns>.json: envelope sender and recipients, decoded Subject, Message-ID,
Content-Language, text body). Python 3.11's standard smtpd (no install); prints "ready" once bound. smtpd offers no AUTH,
so the server under test connects without credentials."""
import asyncore
import email
import email.header
import email.policy
import json
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
try:
    import smtpd  # noqa: E402
except ImportError:
    sys.exit(f"smtp-sink: this Python ({sys.version.split()[0]}) has no smtpd (removed in 3.12): run it with Debian 12's python3 (3.11)")

port, out = int(sys.argv[1]), sys.argv[2]


class Sink(smtpd.SMTPServer):
    count = 0

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        msg = email.message_from_bytes(data, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        Sink.count += 1
        record = {
            "mail_from": mailfrom,
            "rcpt_to": rcpttos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "message_id": str(msg["Message-ID"]),
            "auto_submitted": str(msg["Auto-Submitted"]),
            "text": body.get_content() if body is not None else "",
        }
        tmp = os.path.join(out, f".{Sink.count}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        # Named by arrival time (sorts across restarts); renamed into place: never read half-written.
        os.replace(tmp, os.path.join(out, f"{time.time_ns()}.json"))
        return None


Sink(("127.0.0.1", port), None, decode_data=False)
print("ready", flush=True)
asyncore.loop()

"""A real SMTP server for notify's tests (aiosmtpd), with STARTTLS and AUTH.

Every accepted message is written to MAILDIR as <n>.eml (the bytes as
received) plus <n>.json (envelope sender and recipients, whether the
session was encrypted and authenticated, whether MAIL FROM asked for
SMTPUTF8), so tests assert on what really arrived. A recipient whose local part starts with "bounce" is refused with
550 5.1.1, as a relay refuses an unknown mailbox.

Usage: smtp_server.py HOST PORT CERT KEY MAILDIR USER PASSWORD
"""
import asyncio
import json
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Store:
    def __init__(self, maildir):
        self.maildir = maildir
        self.n = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@", 1)[0].lower().startswith("bounce"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        name = f"{time.time_ns()}-{os.getpid()}-{self.n}"
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        tmp = os.path.join(self.maildir, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(raw)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
            # The client's MAIL FROM asked for SMTPUTF8 (RFC 6531).
            "smtputf8": bool(envelope.smtp_utf8),
        }
        with open(os.path.join(self.maildir, name + ".json"), "w") as f:
            json.dump(meta, f)
        # The .eml appears last and whole: a reader never sees half a message.
        os.rename(tmp, os.path.join(self.maildir, name + ".eml"))
        return "250 Message accepted for delivery"


def main():
    host, port, cert, key, maildir, user, password = sys.argv[1:8]
    os.makedirs(maildir, exist_ok=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok)

    controller = Controller(
        Store(maildir),
        hostname=host,
        port=int(port),
        tls_context=ctx,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=authenticator,
        server_hostname="localhost",
    )
    controller.start()
    print(f"listening on {host}:{port}", flush=True)
    try:
        asyncio.new_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()

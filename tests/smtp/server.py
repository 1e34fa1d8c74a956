"""A real SMTP server for the tests of `max-rating send` (aiosmtpd).

    python3 tests/smtp/server.py --maildir DIR [--user U --password P]
        [--reject ADDRESS]... [--drop-after N]

Listens on 127.0.0.1 on a free port and prints `PORT <n>` when ready; runs
until its stdin closes (the test ends) or it is killed. Every accepted
message is stored in the Maildir DIR (one file per message, as received)
and its envelope appended to DIR/envelopes.jsonl. With --user, AUTH PLAIN /
LOGIN is required (over the plain connection: the tests run on the
loopback). --reject makes RCPT TO of that address fail with 550.
--drop-after N accepts N messages, then ends at the next MAIL FROM without
a reply (a server that goes away mid-run).
"""

import argparse
import json
import mailbox
import os
import socket
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, maildir, reject, drop_after):
        self.box = mailbox.Maildir(maildir, create=True)
        self.log = os.path.join(maildir, "envelopes.jsonl")
        self.reject = {r.lower() for r in reject}
        self.drop_after = drop_after
        self.accepted = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.drop_after is not None and self.accepted >= self.drop_after:
            # The server goes away mid-run: the process ends without a reply.
            os._exit(0)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        key = self.box.add(envelope.original_content)
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "key": key}) + "\n")
        self.accepted += 1
        return "250 Message accepted for delivery"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
        # handled=False: aiosmtpd replies 535 itself on a failure.
        return AuthResult(success=ok, handled=False)

    return check


def main():
    # AUTH over the plain loopback connection is what the tests want.
    warnings.simplefilter("ignore")
    p = argparse.ArgumentParser()
    p.add_argument("--maildir", required=True)
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--drop-after", type=int)
    a = p.parse_args()
    handler = Handler(a.maildir, a.reject, a.drop_after)
    kwargs = {}
    if a.user:
        kwargs = dict(authenticator=authenticator(a.user, a.password or ""), auth_required=True, auth_require_tls=False)
    # A free port: the Controller needs a fixed one to check it is up.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print(f"PORT {port}", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()

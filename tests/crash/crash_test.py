"""Crash safety: stream 2,000 writes (invitations, role changes, limit changes) at a running
orgspace, kill it with SIGKILL midway, start it again, and prove that every write it
acknowledged is there, each with its audit event, that the database is sound (on SQLite,
PRAGMA integrity_check), and that the invitation emails queued before the kill are delivered
after the restart.

Run by scripts/test:  python tests/crash/crash_test.py BIN SITE MAILDEV
(BIN the release binary, SITE its site folder, MAILDEV the maildev command.) On SQLite (a new
file) by default; with CRASH_DATABASE_URL=postgres://... on that (empty) PostgreSQL database.
"""

import csv
import io
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import requests

WRITES = 2000
KILL_AFTER = 1000  # acknowledged writes before the kill
MEMBERS = 4  # members whose roles are changed back and forth


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, what, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{what} did not come up at {url}")


def database_url(data):
    return os.environ.get("CRASH_DATABASE_URL") or f"sqlite://{data}/crash.db"


class Server:
    def __init__(self, binary, site, data, smtp_port):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.args = [
            binary, "--addr", f"127.0.0.1:{self.port}", "--public-url", self.base,
            "--database-url", database_url(data), "--site-root", site,
            "--smtp-url", f"smtp://127.0.0.1:{smtp_port}",
            # The Members ceiling is above the 1,400 invitations this sends; the rate limits
            # would stop one sender that fast.
            "--org-limit", "members=100000",
            "--rate-limit", "invitations_user=off,sign_up_address=off,sign_in_address=off",
        ]
        self.log = open(os.path.join(data, "server.log"), "ab")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.args, stdout=self.log, stderr=self.log)
        started = time.time()
        wait_for(f"{self.base}/readyz", "orgspace")
        return time.time() - started

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class Browser:
    """A signed-in user, calling server functions as the hydrated page does."""

    def __init__(self, server):
        self.server = server
        self.session = requests.Session()

    def call(self, function, **form):
        return self.session.post(
            f"{self.server.base}/api/{function}", data=form, timeout=10,
            headers={"Origin": self.server.base, "Accept": "application/json"})

    def ok(self, function, **form):
        r = self.call(function, **form)
        assert r.status_code == 200, f"{function}: {r.status_code} {r.text}"
        return r.json() if r.text else None

    def sign_up(self, name):
        email = f"{name.lower().replace(' ', '.')}-{uuid.uuid4().hex[:10]}@example.com"
        self.ok("sign_up", name=name, email=email, password="a long enough password",
                organization=f"{name}'s own")
        return email


def main():
    binary, site, maildev = sys.argv[1], sys.argv[2], sys.argv[3:]
    data = tempfile.mkdtemp(prefix="orgspace-crash-")
    smtp_port, mail_port = free_port(), free_port()
    mail_log = open(os.path.join(data, "maildev.log"), "ab")
    mail = subprocess.Popen(
        maildev + ["--smtp", str(smtp_port), "--web", str(mail_port), "--ip", "127.0.0.1",
                   "--web-ip", "127.0.0.1"], stdout=mail_log, stderr=mail_log)
    server = Server(binary, site, data, smtp_port)
    try:
        wait_for(f"http://127.0.0.1:{mail_port}/api/email", "MailDev")
        run(server, data, f"http://127.0.0.1:{mail_port}")
    except BaseException:
        server.log.flush()
        with open(os.path.join(data, "server.log"), "rb") as f:
            sys.stderr.write(f.read()[-4000:].decode(errors="replace"))
        raise
    finally:
        server.stop()
        mail.terminate()
        mail.wait()


def run(server, data, mail_api):
    server.start()
    admin = Browser(server)
    admin.sign_up("Crash Admin")
    org = admin.ok("get_me")["current"]["organization"]
    members = []
    for i in range(MEMBERS):
        user = Browser(server)
        email = user.sign_up(f"Member {i}")
        # Through the invitation's link, as a new account (its address unconfirmed) does.
        link = admin.ok("add_organization_member", organization_id=org, email=email,
                        role="member")["link"]
        user.ok("accept_invitation_link", token=link.rsplit("/", 1)[1])
        members.append(user.ok("get_me")["id"])

    # What was acknowledged, in order: ("invite", email) / ("role", user, role) /
    # ("limit", value); and what was in flight when a request failed (it may or may not have
    # landed).
    acknowledged, uncertain = [], []
    killed = threading.Event()


    def writer():
        for n in range(WRITES):
            kind = ("invite", "invite", "invite", "invite", "role", "limit")[n % 6]
            if kind == "invite":
                email = f"crash-{n}-{uuid.uuid4().hex[:6]}@example.com"
                write, form = ("invite", email), dict(
                    function="add_organization_member", organization_id=org, email=email,
                    role="member")
            elif kind == "role":
                user = members[n % MEMBERS]
                role = "admin" if (n // 6) % 2 == 0 else "member"
                write, form = ("role", user, role), dict(
                    function="edit_organization_member", organization_id=org, user_id=user,
                    role=role)
            else:
                value = str(50_000 + n)
                write, form = ("limit", value), dict(
                    function="set_organization_limit", organization_id=org,
                    setting="Members", limit=value)
            function = form.pop("function")
            try:
                r = admin.call(function, **form)
            except requests.RequestException:
                uncertain.append(write)
                while not killed.is_set():  # the kill is under way: wait for the restart
                    time.sleep(0.01)
                wait_for(f"{server.base}/readyz", "orgspace after the restart")
                continue
            if r.status_code != 200:
                raise SystemExit(f"write {n} {write} refused: {r.status_code} {r.text}")
            acknowledged.append(write)

    thread = threading.Thread(target=writer)
    thread.start()
    while len(acknowledged) < KILL_AFTER:
        time.sleep(0.001)
    server.kill()
    acked_before_kill = list(acknowledged)
    killed.set()
    restart_seconds = server.start()
    thread.join()

    # Every acknowledged write is there.
    pending = {i["email"] for i in admin.ok("get_organization_invites", organization_id=org)}
    invited = [w[1] for w in acknowledged if w[0] == "invite"]
    missing = [e for e in invited if e not in pending]
    assert not missing, f"{len(missing)} acknowledged invitations lost: {missing[:5]}"
    in_flight = {w[1] for w in uncertain if w[0] == "invite"}
    extra = pending - set(invited) - in_flight
    assert not extra, f"invitations nobody sent: {sorted(extra)[:5]}"

    roles = {}
    after = None
    page = admin.ok("get_organization_members", organization_id=org)
    while True:
        roles.update({m["user_id"]: m["role"].lower() for m in page["members"]})
        after = page.get("next")
        if not after:
            break
        page = admin.ok("get_organization_members", organization_id=org, after=after)
    for user in members:
        last = [w[2] for w in acknowledged if w[0] == "role" and w[1] == user]
        maybe = {w[2] for w in uncertain if w[0] == "role" and w[1] == user}
        if last:
            assert roles[user] == last[-1] or roles[user] in maybe, \
                f"{user}: {roles[user]}, acknowledged {last[-1]}"

    limits = admin.ok("get_organization_limits", organization_id=org)["items"]
    members_limit = [str(i["limit"]) for i in limits if i["setting"] == "Members"][0]
    last_limit = [w[1] for w in acknowledged if w[0] == "limit"][-1]
    maybe = {w[1] for w in uncertain if w[0] == "limit"}
    assert members_limit == last_limit or members_limit in maybe, \
        f"Members limit {members_limit}, acknowledged {last_limit}"

    # Each acknowledged change has its audit event, written in its transaction: none lost, none
    # for a change that did not happen (in-flight writes may have either).
    export = admin.session.get(f"{server.base}/audit/export.csv", timeout=60)
    assert export.status_code == 200, export.status_code
    actions = [row["action"] for row in csv.DictReader(io.StringIO(export.text))]
    for action, kind in (("invitation.sent", "invite"), ("limit.changed", "limit")):
        acked = len([w for w in acknowledged if w[0] == kind])
        flying = len([w for w in uncertain if w[0] == kind])
        setup = MEMBERS if kind == "invite" else 0
        events = actions.count(action) - setup
        assert acked <= events <= acked + flying, \
            f"{events} {action} events for {acked} acknowledged ({flying} in flight)"
    audited = len(actions)

    integrity = "not applicable: on PostgreSQL the database is not what is killed"
    if database_url(data).startswith("sqlite:"):
        db = sqlite3.connect(os.path.join(data, "crash.db"))
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        assert integrity == "ok", integrity
        db.close()

    # The emails: each acknowledged invitation's, those queued before the kill included.
    # An email the killed process had claimed waits out its lease (2 minutes) first.
    deadline = time.time() + 180
    while True:
        delivered = {t["address"].lower() for e in requests.get(f"{mail_api}/api/email").json()
                     for t in e["to"]}
        undelivered = [e for e in invited if e not in delivered]
        if not undelivered or time.time() > deadline:
            break
        time.sleep(1)
    before_kill = [w[1] for w in acked_before_kill if w[0] == "invite"]
    assert not undelivered, (
        f"{len(undelivered)} invitation emails never delivered "
        f"({len([e for e in undelivered if e in before_kill])} queued before the kill)")

    backend = database_url(data).split(":")[0]
    print(f"crash test ({backend}): {len(acked_before_kill)} writes acknowledged before SIGKILL, "
          f"{len(acknowledged) - len(acked_before_kill)} after the restart "
          f"({restart_seconds * 1000:.0f} ms to ready), {len(uncertain)} in flight; "
          f"all {len(acknowledged)} present with their audit events ({audited} events), "
          f"integrity_check {integrity}, "
          f"{len(invited)} invitation emails delivered ({len(before_kill)} queued before the kill)")


if __name__ == "__main__":
    main()

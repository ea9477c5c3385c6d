"""Two orgspace processes on one PostgreSQL database, as behind a load balancer: a session made
on one is good on the other, work started on one goes on on the other, and races spread over
both still end within the limits.

Run by scripts/test:  python tests/scale/two_instances_test.py BIN SITE POSTGRES_URL
(POSTGRES_URL a fresh, empty database; the test does not drop it.)
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    def __init__(self, binary, site, database, logs, name):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(logs, f"{name}.log"), "ab")
        self.process = subprocess.Popen(
            [binary, "--addr", f"127.0.0.1:{self.port}", "--database-url", database,
             "--site-root", site, "--org-limit", "workspaces=5,members=250",
             "--rate-limit", "sign_up_address=off,sign_in_address=off,invitations_user=off"],
            stdout=self.log, stderr=self.log)

    def ready(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(f"{self.base}/readyz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"{self.base} exited")
            time.sleep(0.05)
        raise SystemExit(f"{self.base} did not become ready")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def call(base, cookies, function, **form):
    """A server function call as the hydrated page makes it, with a session cookie jar."""
    # Each instance checks Origin against its own address: a load balancer would give both
    # the one public URL; here each is asked under its own.
    r = requests.post(f"{base}/api/{function}", data=form, cookies=cookies, timeout=30,
                      headers={"Origin": base, "Accept": "application/json"})
    return r


def main():
    binary, site, database = sys.argv[1:4]
    logs = tempfile.mkdtemp(prefix="orgspace-scale-")
    a = Instance(binary, site, database, logs, "a")
    a.ready()  # the first runs the migrations
    b = Instance(binary, site, database, logs, "b")
    b.ready()
    try:
        run(a, b)
    except BaseException:
        for name in ("a", "b"):
            with open(os.path.join(logs, f"{name}.log"), "rb") as f:
                sys.stderr.write(f"--- {name}\n" + f.read()[-3000:].decode(errors="replace"))
        raise
    finally:
        a.stop()
        b.stop()


def run(a, b):
    # Sign up on A; the session cookie works on B.
    email = f"scale-{uuid.uuid4().hex[:10]}@example.com"
    session = requests.Session()
    r = session.post(f"{a.base}/api/sign_up", data={
        "name": "Ada Scale", "email": email, "password": "a long enough password",
        "organization": "Scaled"}, headers={"Origin": a.base, "Accept": "application/json"})
    assert r.status_code == 200, r.text
    cookies = session.cookies.get_dict()
    me_b = call(b.base, cookies, "get_me").json()
    assert me_b and me_b["email"] == email, me_b
    org = me_b["current"]["organization"]

    # Invite on B, see it on A; a second user signs up on A and accepts on B.
    other = f"scale-other-{uuid.uuid4().hex[:8]}@example.com"
    r = call(b.base, cookies, "add_organization_member", organization_id=org, email=other,
             role="member")
    assert r.status_code == 200, r.text
    # The link the invitation email carries (shown to the inviter too): accepting through it
    # is what a new account does, its address not yet confirmed otherwise.
    token = r.json()["link"].rsplit("/", 1)[1]
    pending = call(a.base, cookies, "get_organization_invites", organization_id=org).json()
    assert [i["email"] for i in pending] == [other], pending
    joiner = requests.Session()
    r = joiner.post(f"{a.base}/api/sign_up", data={
        "name": "Grace Scale", "email": other, "password": "a long enough password",
        "organization": "Grace's own"}, headers={"Origin": a.base, "Accept": "application/json"})
    assert r.status_code == 200, r.text
    r = call(b.base, joiner.cookies.get_dict(), "accept_invitation_link", token=token)
    assert r.status_code == 200, r.text

    # Signing out on A ends the session on B too.
    spare = requests.Session()
    r = spare.post(f"{b.base}/api/sign_in", data={"email": email,
                   "password": "a long enough password"},
                   headers={"Origin": b.base, "Accept": "application/json"})
    assert r.status_code == 200, r.text
    spare_cookies = spare.cookies.get_dict()
    assert call(a.base, spare_cookies, "sign_out").status_code == 200
    assert call(b.base, spare_cookies, "get_me").json() is None

    # A race over both: 100 workspace creations against a limit of 5 (Main is one).
    def create(i):
        instance = (a, b)[i % 2]
        return call(instance.base, cookies, "create_workspace", organization_id=org,
                    name=f"Lab {i}").status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(create, range(100)))
    assert sorted(set(statuses)) == [200, 409], statuses
    assert statuses.count(200) == 4, statuses
    workspaces = [w for o in call(a.base, cookies, "get_me").json()["organizations"]
                  if o["id"] == org for w in o["workspaces"]]
    assert len(workspaces) == 5, workspaces

    # And 60 invitations at once against a Members limit of 60 (2 members already).
    r = call(a.base, cookies, "set_organization_limit", organization_id=org, setting="Members",
             limit="60")
    assert r.status_code == 200, r.text
    def invite(i):
        instance = (a, b)[i % 2]
        return call(instance.base, cookies, "add_organization_member", organization_id=org,
                    email=f"crowd-{i}-{uuid.uuid4().hex[:6]}@example.com",
                    role="member").status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(invite, range(60)))
    assert statuses.count(200) == 58 and statuses.count(409) == 2, statuses

    accepted, admins_left = crowd(a, b)

    print("two instances: a session and work cross from one to the other, sign-out ends it on "
          "both; 100 creations over both kept the Workspaces limit of 5 (4 made, 96 refused); "
          "60 invitations over both kept the Members limit of 60 (58 sent, 2 refused); "
          f"200 acceptances over both against Members 50 made {accepted} members (49 joined); "
          f"6 admins demoting each other over both left {admins_left} admin")


def sign_up(instance, name):
    """A new account made on `instance`; answers its email and cookies."""
    email = f"{name.lower().replace(' ', '-')}-{uuid.uuid4().hex[:8]}@example.com"
    session = requests.Session()
    r = session.post(f"{instance.base}/api/sign_up", data={
        "name": name, "email": email, "password": "a long enough password",
        "organization": f"{name}'s own"},
        headers={"Origin": instance.base, "Accept": "application/json"}, timeout=60)
    assert r.status_code == 200, r.text
    return email, session.cookies.get_dict()


def crowd(a, b):
    """200 invitees accept at once, over both instances, against a Members limit of 50; then six
    admins demote one another at once. Answers the members made and the admins left."""
    instances = (a, b)
    _, admin = sign_up(a, "Crowd Admin")
    org = call(a.base, admin, "get_me").json()["current"]["organization"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        people = list(pool.map(lambda i: sign_up(instances[i % 2], f"Person {i}"), range(200)))

    def invite(i):
        r = call(instances[i % 2].base, admin, "add_organization_member", organization_id=org,
                 email=people[i][0], role="member")
        assert r.status_code == 200, r.text
        return r.json()["link"].rsplit("/", 1)[1]

    with ThreadPoolExecutor(max_workers=8) as pool:
        invitations = list(pool.map(invite, range(200)))
    r = call(a.base, admin, "set_organization_limit", organization_id=org, setting="Members",
             limit="50")
    assert r.status_code == 200, r.text

    def accept(i):
        return call(instances[i % 2].base, people[i][1], "accept_invitation_link",
                    token=invitations[i]).status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(accept, range(200)))
    assert statuses.count(200) == 49 and statuses.count(409) == 151, sorted(set(statuses))
    members = call(b.base, admin, "get_organization_members", organization_id=org).json()
    assert members["total"] == 50, members["total"]

    # Six admins (the first and five of the joined), each demoting all the others at once.
    joined = [i for i, status in enumerate(statuses) if status == 200][:5]
    admins = [admin] + [people[i][1] for i in joined]
    ids = [call(a.base, c, "get_me").json()["id"] for c in admins]
    for user in ids[1:]:
        r = call(a.base, admin, "edit_organization_member", organization_id=org, user_id=user,
                 role="admin")
        assert r.status_code == 200, r.text

    def demote(pair):
        n, (who, target) = pair
        return call(instances[n % 2].base, admins[who], "edit_organization_member",
                    organization_id=org, user_id=ids[target], role="member").status_code

    pairs = [(w, t) for w in range(6) for t in range(6) if w != t]
    with ThreadPoolExecutor(max_workers=30) as pool:
        list(pool.map(demote, enumerate(pairs)))
    roles = [m["role"] for m in call(a.base, admin, "get_organization_members",
                                     organization_id=org).json()["members"]]
    admins_left = roles.count("Admin") + roles.count("admin")
    assert admins_left == 1, roles
    return members["total"], admins_left


if __name__ == "__main__":
    main()

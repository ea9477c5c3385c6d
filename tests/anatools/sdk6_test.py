"""The newest anatools SDK checked (6.1.2 today) against a running orgspace, for the calls it
still shares with 3.0.0: signing in, the organizations, workspaces and members.

Run by scripts/test with ORGSPACE_URL set to a fresh server.
"""

import os
import uuid

import requests

import anatools

BASE = os.environ["ORGSPACE_URL"].rstrip("/")


def web(session, function, **args):
    r = session.post(f"{BASE}/api/{function}", data=args,
                     headers={"Origin": BASE, "Accept": "application/json"})
    assert r.status_code == 200, f"{function}: {r.text}"
    return r.json()


def main():
    email = f"sdk6-{uuid.uuid4().hex[:12]}@example.com"
    password = "a long enough password"
    browser = requests.Session()
    web(browser, "sign_up", name="Ada Lovelace", email=email, password=password,
        organization="Analytical Engines")
    me = web(browser, "get_me")

    # 6.x takes the endpoint; it signs in, checks its version, and asks the schema for fields.
    client = anatools.client(email=email, password=password, endpoint=f"{BASE}/graphql",
                             interactive=False)
    assert client.organization == me["current"]["organization"], client.organization
    assert client.workspace == me["current"]["workspace"], client.workspace
    organizations = client.get_organizations()
    assert [(o["organizationId"], o["name"]) for o in organizations] == [
        (me["current"]["organization"], "Analytical Engines")
    ], organizations
    workspaces = client.get_workspaces()
    assert [w["name"] for w in workspaces] == ["Main"], workspaces

    print(f"anatools {anatools.__version__}: sign-in, organizations and workspaces agree")


if __name__ == "__main__":
    main()

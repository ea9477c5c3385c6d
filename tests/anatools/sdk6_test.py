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

    # Members and invitations, paged as 6.x's API layer asks for them: `limit`, and the last
    # item's id as the `cursor`. (6.1.2's own get_organization_members passes its getMembers a
    # `fields` argument that getMembers does not take, so the API layer is called directly.)
    org = me["current"]["organization"]
    web(browser, "add_organization_member", organization_id=org, email="grace@example.com",
        role="member")
    first = client.ana_api.getMembers(organizationId=org, limit=1)
    assert [(m["name"], m["role"]) for m in first] == [("Ada Lovelace", "admin")], first
    assert client.ana_api.getMembers(organizationId=org, limit=1,
                                     cursor=first[0]["userId"]) == []
    invites = client.ana_api.getInvitations(organizationId=org, limit=5)
    assert [i["email"] for i in invites] == ["grace@example.com"], invites
    assert client.ana_api.getInvitations(organizationId=org, limit=5,
                                         cursor=invites[0]["invitationId"]) == []

    # API keys, as 6.x makes and uses them: one limited to the organization, made through the
    # SDK, signs a second client in; the settings page lists it; deleted, it is refused.
    key = client.create_api_key(name="notebook", scope="organization", organizationId=org)
    assert key.startswith("osk_"), key
    assert [k["name"] for k in web(browser, "get_api_keys")["keys"]] == ["notebook"]
    keyed = anatools.client(APIKey=key, endpoint=f"{BASE}/graphql", interactive=False)
    assert keyed.organization == org, keyed.organization
    assert [w["name"] for w in keyed.workspaces] == ["Main"], keyed.workspaces
    assert [o["name"] for o in keyed.get_organizations()] == ["Analytical Engines"]
    assert [k["name"] for k in client.get_api_keys()] == ["notebook"]
    assert client.delete_api_key(name="notebook") in (True, "success")
    assert web(browser, "get_api_keys")["keys"] == []
    try:
        keyed.get_organizations()
        raise AssertionError("a deleted key still works")
    except Exception as e:  # the SDK raises the server's sentence
        assert "not valid" in str(e), e

    print(f"anatools {anatools.__version__}: sign-in, organizations, workspaces, members,"
          " invitations and API keys agree")


if __name__ == "__main__":
    main()

"""The anatools SDK (3.0.0, the generation of the seed notebook) against a running orgspace.

Run by scripts/test with ORGSPACE_URL set to a fresh server. It signs up through the web
API, then drives the SDK the way a notebook does and checks each answer against what the
web UI's own server functions say. Exits non-zero at the first difference.
"""

import os
import sys
import time
import uuid

import requests

import anatools
from anatools.anaclient import anaclient

BASE = os.environ["ORGSPACE_URL"].rstrip("/")


def web_sign_up(session, name, email, password, organization):
    """Signs up as the browser does (a form post with the site's Origin)."""
    r = session.post(
        f"{BASE}/api/sign_up",
        data={"name": name, "email": email, "password": password, "organization": organization},
        headers={"Origin": BASE, "Accept": "application/json"},
    )
    assert r.status_code == 200, r.text


def web_me(session):
    r = session.post(f"{BASE}/api/get_me", headers={"Origin": BASE, "Accept": "application/json"})
    assert r.status_code == 200, r.text
    return r.json()


def web_call(session, function, **args):
    """Calls one of the web UI's server functions; answers its JSON."""
    r = session.post(f"{BASE}/api/{function}", data=args,
                     headers={"Origin": BASE, "Accept": "application/json"})
    assert r.status_code == 200, f"{function}: {r.text}"
    return r.json()


def main():
    email = f"sdk-{uuid.uuid4().hex[:12]}@example.com"
    password = "a long enough password"
    browser = requests.Session()
    web_sign_up(browser, "Ada Lovelace", email, password, "Analytical Engines")
    me = web_me(browser)

    # The SDK knows only Rendered.ai's environments, by name: orgspace takes the place of one.
    anaclient.envs["dev"] = {"name": "orgspace", "url": BASE, "api": f"{BASE}/graphql"}

    # A wrong password: the SDK reports the failure and has no user.
    wrong = anatools.client(email=email, password="not the password", environment="dev",
                            interactive=False)
    assert not getattr(wrong, "user", None), "signed in with a wrong password"

    client = anatools.client(email=email, password=password, environment="dev",
                             interactive=False)
    org = me["current"]["organization"]
    workspace = me["current"]["workspace"]

    organizations = client.get_organizations()
    assert [(o["organizationId"], o["name"], o["role"]) for o in organizations] == [
        (org, "Analytical Engines", "admin")
    ], organizations
    assert client.organization == org, client.organization
    assert client.workspace == workspace, client.workspace

    workspaces = client.get_workspaces()
    assert [(w["workspaceId"], w["name"], w["organizationId"]) for w in workspaces] == [
        (workspace, "Main", org)
    ], workspaces

    # Channels and volumes added in the web UI's registry show through the SDK.
    for function, name in [("add_channel", "Satellite imagery"), ("add_volume", "Vehicle models")]:
        r = browser.post(
            f"{BASE}/api/{function}",
            data={"organization_id": org, "name": name, "description": "from the test"},
            headers={"Origin": BASE, "Accept": "application/json"},
        )
        assert r.status_code == 200, r.text
    channels = client.get_channels()
    assert [c["name"] for c in channels] == ["Satellite imagery"], channels
    volumes = client.get_volumes()
    assert [v["name"] for v in volumes] == ["Vehicle models"], volumes

    # Members and invitations, checked against the web UI's own server functions.
    members = client.get_organization_members()
    assert [(m["email"], m["role"]) for m in members] == [(email, "admin")], members
    invitee = f"grace-{uuid.uuid4().hex[:8]}@example.com"
    assert client.add_organization_member(invitee, "member") is True
    invites = client.get_organization_invites()
    assert [(i["email"], i["role"]) for i in invites] == [(invitee, "member")], invites
    web = web_call(browser, "get_organization_invites", organization_id=org)
    assert [i["id"] for i in web] == [invites[0]["invitationId"]], web
    assert client.remove_organization_invitation(invitee, invitationId=invites[0]["invitationId"]) is True
    assert client.get_organization_invites() == [], "revoked"
    assert web_call(browser, "get_organization_invites", organization_id=org) == []

    guest = f"gus-{uuid.uuid4().hex[:8]}@example.com"
    assert client.add_workspace_guest(guest) is True
    invites = client.get_workspace_invites()
    assert [(i["email"], i["role"]) for i in invites] == [(guest, "guest")], invites
    web = web_call(browser, "get_workspace_invites", workspace_id=workspace)
    assert [i["email"] for i in web] == [guest], web
    assert client.get_workspace_guests() == [], "nobody has accepted yet"
    # Revoked as the notebook would: anatools 3.0.0 sends the organization's id as workspaceId.
    assert client.remove_workspace_invitation(guest, invitationId=invites[0]["invitationId"]) is True
    assert client.get_workspace_invites() == []
    assert web_call(browser, "get_workspace_invites", workspace_id=workspace) == []
    assert client.add_workspace_guest(guest) is True

    # A refusal is printed by the SDK with the web UI's sentence, and changes nothing.
    assert client.edit_organization_member(email, "member") is False
    members = client.get_organization_members()
    assert [(m["email"], m["role"]) for m in members] == [(email, "admin")], members

    # Limits: read, set within the platform's ceiling, refused above it.
    limits = {l["setting"]: l for l in client.get_organization_limits()}
    assert limits["Members"]["limit"] == 50 and limits["Members"]["usage"] == 1, limits
    assert client.set_organization_limit("Members", 40) is True
    web = web_call(browser, "get_organization_limits", organization_id=org)
    assert [i["limit"] for i in web["items"] if i["setting"] == "Members"] == [40], web
    assert client.set_organization_limit("Members", 10_000) is False

    # A workspace: created with a channel, renamed, limited, deleted.
    channel = channels[0]["channelId"]
    lab = client.create_workspace("Lab", channelIds=[channel])
    assert isinstance(lab, str) and lab, lab
    assert [c["name"] for c in client.get_channels(workspaceId=lab)] == ["Satellite imagery"]
    assert client.edit_workspace(name="Laboratory", workspaceId=lab) is True
    names = sorted(w["name"] for w in web_me(browser)["organizations"][0]["workspaces"])
    assert names == ["Laboratory", "Main"], names
    assert client.set_workspace_limit("Guests", 3, workspaceId=lab) is True
    guests_limit = client.get_workspace_limits(setting="Guests", workspaceId=lab)
    assert [(l["setting"], l["limit"]) for l in guests_limit] == [("Guests", 3)], guests_limit
    assert client.delete_workspace(workspaceId=lab, prompt=False) is True
    assert [w["name"] for w in client.get_workspaces()] == ["Main"]

    # Usage: a metering service reports Compute Time with an organization key (plain JSON);
    # the SDK's limits and monthly usage, and the dashboard's meter, show it.
    key = web_call(browser, "create_api_key", name="Meter", scope=f"organization:{org}",
                   expires="30")["key"]
    for amount, channel in [(1.5, "satellite"), (2, "satellite"), (0.25, None)]:
        r = requests.post(f"{BASE}/api/usage", headers={"apikey": key},
                          json={"setting": "Compute Time", "amount": amount, "channel": channel})
        assert r.status_code == 200, r.text
    r = requests.post(f"{BASE}/api/usage", headers={"apikey": key},
                      json={"setting": "Compute Time", "amount": 1000})
    assert r.status_code == 409 and r.json()["error"] == "limit_reached", r.text
    compute = client.get_organization_limits(setting="Compute Time")
    assert [(l["setting"], l["usage"]) for l in compute] == [("Compute Time", 3.75)], compute
    web = web_call(browser, "get_organization_limits", organization_id=org)
    assert [i["usage"] for i in web["items"] if i["setting"] == "ComputeTime"] == [3.75], web
    now = time.gmtime()
    usage = client.get_organization_usage(year=str(now.tm_year), month=str(now.tm_mon))
    by_channel = sorted((u["channel"] or "", u["time"]) for u in usage)
    assert by_channel == [("", 900), ("satellite", 12_600)], usage

    assert client.edit_organization("Difference Engines") is True
    assert web_me(browser)["organizations"][0]["name"] == "Difference Engines"

    print("anatools 3.0.0: sign-in, organizations, workspaces, channels, volumes, members,"
          " guests, invitations, limits and usage agree with the web UI")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        raise

#!/usr/bin/env python3
"""Registers Swift with the lab Keystone through its REST API (stdlib only; idempotent):
service user `swift` (password `swiftpass`, role admin on project `service`) for the
Keystone-backed proxy's authtoken middleware, and the `object-store` service whose
endpoints point at that proxy (`URL/v1/AUTH_$(project_id)s`). Existing endpoints with
another URL are updated.

  register-keystone.py KEYSTONE_URL ADMIN_PASSWORD PROXY_URL
"""
import json, sys, urllib.request, urllib.error

KS = sys.argv[1].rstrip("/")
if not KS.endswith("/v3"):
    KS += "/v3"
ADMIN_PW, PROXY = sys.argv[2], sys.argv[3].rstrip("/")


def req(method, path, body=None, token=None):
    r = urllib.request.Request(KS + path, method=method,
                               data=json.dumps(body).encode() if body is not None else None,
                               headers={"Content-Type": "application/json", **({"X-Auth-Token": token} if token else {})})
    try:
        with urllib.request.urlopen(r) as resp:
            data = resp.read()
            return resp.headers, (json.loads(data) if data else None)
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{method} {path}: {e.code} {e.read()[:300]!r}")


h, _ = req("POST", "/auth/tokens", {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin", "domain": {"id": "default"}, "password": ADMIN_PW}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
T = h["X-Subject-Token"]
roles = {r["name"]: r["id"] for r in req("GET", "/roles", token=T)[1]["roles"]}


def first(path, key):
    items = req("GET", path, token=T)[1][key]
    return items[0]["id"] if items else None


svc = first("/projects?name=service&domain_id=default", "projects") or \
    req("POST", "/projects", {"project": {"name": "service", "domain_id": "default"}}, T)[1]["project"]["id"]
uid = first("/users?name=swift&domain_id=default", "users") or \
    req("POST", "/users", {"user": {"name": "swift", "password": "swiftpass", "domain_id": "default",
                                    "default_project_id": svc}}, T)[1]["user"]["id"]
req("PUT", f"/projects/{svc}/users/{uid}/roles/{roles['admin']}", None, T)

url = PROXY + "/v1/AUTH_$(project_id)s"
sid = first("/services?type=object-store", "services") or \
    req("POST", "/services", {"service": {"name": "swift", "type": "object-store"}}, T)[1]["service"]["id"]
have = {e["interface"]: e for e in req("GET", f"/endpoints?service_id={sid}", token=T)[1]["endpoints"]}
for iface in ("public", "internal", "admin"):
    if iface not in have:
        req("POST", "/endpoints", {"endpoint": {"service_id": sid, "interface": iface, "url": url, "region_id": "RegionOne"}}, T)
    elif have[iface]["url"] != url:
        req("PATCH", f"/endpoints/{have[iface]['id']}", {"endpoint": {"url": url}}, T)
print(json.dumps({"service_project": svc, "swift_user": uid, "object_store": sid, "url": url}))

#!/usr/bin/env python3
"""Creates the test identities in the lab Keystone through its REST API (stdlib only;
the `openstack` CLI costs 4-5 s a call). Idempotent: what exists is reused.

  register.py URL ADMIN_PASSWORD        -> prints JSON with the ids it made/found

  register.py URL ADMIN_PASSWORD services  -> service users + catalog for Nova and neighbours
  register.py URL ADMIN_PASSWORD flavors   -> flavors m1.tiny and m1.small in Nova

Creates: domain `mitten`, in it project `mitten-test` and user `mitten-user`
(password `mitten-pass`, role member on mitten-test); project `service` in the
default domain; services/endpoints for identity are made by `keystone-manage bootstrap`.
Adapted for this project from /work/shared/recipes/ks-register.py.
"""
import json, sys, urllib.request, urllib.error

KS = sys.argv[1].rstrip("/") + "/v3"
ADMIN_PW = sys.argv[2]

def req(method, path, body=None, token=None, ok404=False):
    r = urllib.request.Request(KS + path, method=method,
                               data=json.dumps(body).encode() if body is not None else None,
                               headers={"Content-Type": "application/json", **({"X-Auth-Token": token} if token else {})})
    try:
        with urllib.request.urlopen(r) as resp:
            data = resp.read()
            return resp.headers, (json.loads(data) if data else None)
    except urllib.error.HTTPError as e:
        if ok404 and e.code == 404:
            return None, None
        raise SystemExit(f"{method} {path}: {e.code} {e.read()[:300]!r}")

h, _ = req("POST", "/auth/tokens", {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin", "domain": {"id": "default"}, "password": ADMIN_PW}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
T = h["X-Subject-Token"]
roles = {r["name"]: r["id"] for r in req("GET", "/roles", token=T)[1]["roles"]}

def first(path, key):
    items = req("GET", path, token=T)[1][key]
    return items[0]["id"] if items else None

def domain(name):
    return first(f"/domains?name={name}", "domains") or \
        req("POST", "/domains", {"domain": {"name": name}}, T)[1]["domain"]["id"]

def project(name, domain_id):
    return first(f"/projects?name={name}&domain_id={domain_id}", "projects") or \
        req("POST", "/projects", {"project": {"name": name, "domain_id": domain_id}}, T)[1]["project"]["id"]

def user(name, pw, domain_id, proj, role):
    uid = first(f"/users?name={name}&domain_id={domain_id}", "users")
    if uid is None:
        uid = req("POST", "/users", {"user": {"name": name, "password": pw, "domain_id": domain_id,
                                              "default_project_id": proj}}, T)[1]["user"]["id"]
    req("PUT", f"/projects/{proj}/users/{uid}/roles/{roles[role]}", None, T)
    return uid

def service(name, stype, url):
    sid = first(f"/services?type={stype}", "services")
    if sid is None:
        sid = req("POST", "/services", {"service": {"name": name, "type": stype}}, T)[1]["service"]["id"]
    have = {e["interface"] for e in req("GET", f"/endpoints?service_id={sid}", token=T)[1]["endpoints"]}
    for iface in ("public", "internal", "admin"):
        if iface not in have:
            req("POST", "/endpoints", {"endpoint": {"service_id": sid, "interface": iface, "url": url,
                                                    "region_id": "RegionOne"}}, T)
    return sid

out = {}
if len(sys.argv) > 3 and sys.argv[3] == "flavors":
    # called by 20-nova.sh once nova-api answers: the flavors the tests boot (admin-only API)
    for fid, name, ram, vcpus, disk in (("1", "m1.tiny", 512, 1, 1), ("2", "m1.small", 2048, 1, 20)):
        r = urllib.request.Request("http://127.0.0.1:8774/v2.1/flavors", method="POST",
                                   data=json.dumps({"flavor": {"id": fid, "name": name, "ram": ram, "vcpus": vcpus, "disk": disk}}).encode(),
                                   headers={"Content-Type": "application/json", "X-Auth-Token": T})
        try:
            urllib.request.urlopen(r).read()
        except urllib.error.HTTPError as e:
            if e.code != 409:
                raise SystemExit(f"POST /flavors {name}: {e.code} {e.read()[:300]!r}")
    out["flavors"] = ["m1.tiny", "m1.small"]
elif len(sys.argv) > 3 and sys.argv[3] == "services":
    # called by 20-nova.sh: service users and catalog entries for Nova and its neighbours
    svc = project("service", "default")
    for name, pw in (("nova", "novapass"), ("placement", "placementpass")):
        user(name, pw, "default", svc, "admin")
    service("nova", "compute", "http://127.0.0.1:8774/v2.1")
    service("placement", "placement", "http://127.0.0.1:8778")
    service("glance", "image", "http://127.0.0.1:9292")
    service("neutron", "network", "http://127.0.0.1:9696")
    out["service_project"] = svc
else:
    d = domain("mitten")
    p = project("mitten-test", d)
    out = {"domain": d, "project": p, "user": user("mitten-user", "mitten-pass", d, p, "member")}
    project("service", "default")
print(json.dumps(out))

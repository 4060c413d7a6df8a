# STAND-IN, NOT NEUTRON. Nova needs a network service to exist before it will create or
# show a server, and real Neutron is not part of this lab; this stdlib server answers the
# Neutron v2.0 GETs Nova makes: every collection is empty except security groups, which
# has two fixed groups ("default" and "mitten-lab-sg") so that Nova's own security-group
# validation (look up by id, then by name) runs for real. Port: 127.0.0.1:9696.
# Adapted for this project from the team's Nova recipe.
import json, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GROUPS = [
    {"id": "5d2c3f37-0000-4000-8000-000000000001", "name": "default", "description": "", "security_group_rules": []},
    {"id": "5d2c3f37-0000-4000-8000-000000000002", "name": "mitten-lab-sg", "description": "", "security_group_rules": []},
]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _send(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _not_found(self, what):
        self._send(404, {"NeutronError": {"type": "NotFound", "message": f"{what} could not be found", "detail": ""}})

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path = url.path.rstrip("/")
        query = urllib.parse.parse_qs(url.query)
        if path in ("", "/"):
            return self._send(200, {"versions": [{"id": "v2.0", "status": "CURRENT",
                              "links": [{"rel": "self", "href": "http://127.0.0.1:9696/v2.0/"}]}]})
        parts = path.split("/")
        if len(parts) >= 3 and parts[1] == "v2.0" and parts[2] == "security-groups":
            if len(parts) == 4:
                match = [g for g in GROUPS if g["id"] == parts[3]]
                return self._send(200, {"security_group": match[0]}) if match else self._not_found("Security group " + parts[3])
            names = query.get("name")
            return self._send(200, {"security_groups": [g for g in GROUPS if not names or g["name"] in names]})
        if len(parts) == 3 and parts[1] == "v2.0":
            return self._send(200, {parts[2].replace("-", "_"): []})
        self._not_found(path)

    def log_message(self, *args):
        sys.stderr.write("neutron-stub: " + (args[0] % args[1:]) + "\n")


ThreadingHTTPServer(("127.0.0.1", 9696), Handler).serve_forever()

# STAND-IN, NOT GLANCE. Nova needs an image service to exist before it will create a
# server, and real Glance is not part of this lab; this stdlib server answers the few
# Glance v2 calls Nova (and mitten's image listing) make, with one fixed image.
# Adapted for this project from the team's Nova recipe. Port: 127.0.0.1:9292.
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IMG = {"id": "11111111-2222-3333-4444-555555555555", "name": "cirros-fake", "status": "active",
       "visibility": "public", "container_format": "bare", "disk_format": "qcow2", "size": 1024,
       "min_disk": 0, "min_ram": 0, "checksum": "d41d8cd98f00b204e9800998ecf8427e",
       "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
       "tags": [], "owner": None, "protected": False, "file": "/v2/images/x/file",
       "schema": "/v2/schemas/image", "self": "/v2/images/x"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _send(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0].rstrip("/")
        if path == "/v2/images/" + IMG["id"]:
            return self._send(200, IMG)
        if path == "/v2/schemas/image":
            return self._send(200, {"name": "image", "properties": {k: {} for k in IMG},
                                    "additionalProperties": {"type": "string"}, "links": []})
        if path == "/v2/images":
            return self._send(200, {"images": [IMG], "schema": "/v2/schemas/images", "first": "/v2/images"})
        if path in ("", "/versions"):
            return self._send(300 if path == "" else 200, {"versions": [{"id": "v2.9", "status": "CURRENT",
                              "links": [{"rel": "self", "href": "http://127.0.0.1:9292/v2/"}]}]})
        self._send(404, {"message": "not found"})

    def log_message(self, *args):
        sys.stderr.write("glance-stub: " + (args[0] % args[1:]) + "\n")


ThreadingHTTPServer(("127.0.0.1", 9292), Handler).serve_forever()

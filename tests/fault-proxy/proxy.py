#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for AWS API calls, in front of a local emulator (moto_server).

Listens on 127.0.0.1 only and forwards to one upstream on loopback. Each request is identified by
its IAM action (the SigV4 credential scope gives the service, X-Amz-Target or the form's Action
gives the operation), and faults are injected by rules given on the command line:

    proxy.py --listen-port P --upstream http://127.0.0.1:M [RULE ...]

    deny=ACTION[,ACTION]        answer AccessDenied (EC2: UnauthorizedOperation), always
    deny=*                      deny every action
    throttle=N                  the first N attempts of every action: 400 throttling
    slowdown=N                  the first N attempts of every action: 503 SlowDown
    error500=ACTION[,ACTION]    answer 500 InternalFailure, always
    slow=SECONDS[@ACTION,...]   wait before forwarding (every action, or the listed ones)

GET /__proxy/stats answers the counts of requests and injected faults as JSON.
Used by scripts/test-live.sh; stops when killed.
"""

import argparse
import http.client
import http.server
import json
import re
import socketserver
import threading
import time
import urllib.parse
from collections import Counter

SERVICE_PREFIX = {"monitoring": "cloudwatch", "elasticloadbalancing": "elasticloadbalancing"}

parser = argparse.ArgumentParser()
parser.add_argument("--listen-port", type=int, required=True)
parser.add_argument("--upstream", required=True)
parser.add_argument("rules", nargs="*")
args = parser.parse_args()

upstream = urllib.parse.urlparse(args.upstream)
assert upstream.hostname in ("127.0.0.1", "localhost", "::1"), "the upstream must be on loopback"

deny, error500, slow_actions = set(), set(), set()
throttle = slowdown = 0
slow = 0.0
for rule in args.rules:
    key, _, value = rule.partition("=")
    if key == "deny":
        deny |= set(value.split(","))
    elif key == "error500":
        error500 |= set(value.split(","))
    elif key == "throttle":
        throttle = int(value)
    elif key == "slowdown":
        slowdown = int(value)
    elif key == "slow":
        seconds, _, actions = value.partition("@")
        slow = float(seconds)
        slow_actions = set(actions.split(",")) if actions else set()
    else:
        raise SystemExit(f"unknown rule {rule}")

lock = threading.Lock()
stats = Counter()
attempts = Counter()


def action_of(headers, body):
    auth = headers.get("Authorization", "")
    m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", auth)
    service = m.group(1) if m else "unknown"
    prefix = SERVICE_PREFIX.get(service, service)
    target = headers.get("X-Amz-Target")
    if target:
        op = target.rsplit(".", 1)[-1]
    else:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        op = form.get("Action", ["Unknown"])[0]
    return service, f"{prefix}:{op}"


def error(service, json_protocol, status, code, message):
    if json_protocol:
        body = json.dumps({"__type": code, "message": message}).encode()
        return status, "application/x-amz-json-1.1", body, {"x-amzn-ErrorType": code}
    if service == "ec2":
        body = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            f"<RequestID>fault-proxy</RequestID></Response>"
        ).encode()
    else:
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>fault-proxy</RequestId></ErrorResponse>"
        ).encode()
    return status, "text/xml", body, {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, content_type, body, extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/__proxy/stats":
            with lock:
                body = json.dumps(dict(stats)).encode()
            return self.send(200, "application/json", body)
        return self.forward(b"")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length else b""
        return self.forward(body)

    def forward(self, body):
        service, action = action_of(self.headers, body)
        json_protocol = "X-Amz-Target" in self.headers
        with lock:
            stats["requests"] += 1
            attempts[action] += 1
            n = attempts[action]
        fault = None
        if "*" in deny or action in deny:
            code = "UnauthorizedOperation" if service == "ec2" else (
                "AccessDeniedException" if json_protocol else "AccessDenied")
            fault = ("denied", error(service, json_protocol, 403 if not json_protocol else 400, code,
                                     f"User: arn:aws:iam::123456789012:user/test is not authorized to perform: {action}"))
        elif action in error500:
            fault = ("error500", error(service, json_protocol, 500, "InternalFailure", "injected failure"))
        elif n <= throttle:
            code = "RequestLimitExceeded" if service == "ec2" else (
                "ThrottlingException" if json_protocol else "Throttling")
            fault = ("throttled", error(service, json_protocol, 400, code, "Rate exceeded"))
        elif n <= throttle + slowdown:
            fault = ("slowdown", error(service, json_protocol, 503, "SlowDown", "Please reduce your request rate"))
        if fault:
            with lock:
                stats[fault[0]] += 1
            status, ctype, payload, extra = fault[1]
            return self.send(status, ctype, payload, extra)
        if slow and (not slow_actions or action in slow_actions):
            with lock:
                stats["slowed"] += 1
            time.sleep(slow)
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
        except OSError as e:
            return self.send(502, "text/plain", str(e).encode())
        finally:
            conn.close()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "keep-alive"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


Server(("127.0.0.1", args.listen_port), Handler).serve_forever()

#!/usr/bin/env python3
"""Card-payment gateway simulator for BrandOS's HTTP payment adapter.

Speaks the protocol described in docs/payment-gateway.md (charges, refunds, idempotency
keys) and adds a control API under /_control/ for injecting faults and reading counters.
Python 3.11 standard library only.

    python3 tools/payment-gateway-simulator/simulator.py --port 8099

Prints exactly one line, "listening <port>", on stdout once it accepts connections.
"""

import argparse
import hmac
import json
import os
import re
import secrets
import select
import signal
import socket
import sys
import threading
import time
import traceback
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

MAX_BODY_BYTES = 1 << 20
SLOW_CARD_SECONDS = 2.0
TIMEOUT_FAULT_SECONDS = 30.0
IDLE_CONNECTION_SECONDS = 300
AMOUNT_MAX = 2**63 - 1
REFERENCE_MAX = 255
FAULT_MODES = ("none", "error", "timeout", "drop")
CURRENCY_RE = re.compile(r"[A-Z]{3}")
IDEMPOTENCY_KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")
STATE_FILE_VERSION = 1

# Set on SIGTERM/SIGINT: wakes requests sleeping in latency, slow cards or timeout faults.
SHUTDOWN = threading.Event()


class HttpError(Exception):
    def __init__(self, status, error, detail=None, headers=()):
        super().__init__(error)
        self.status = status
        self.body = {"error": error} if detail is None else {"error": error, "detail": detail}
        self.headers = tuple(headers)


class StateFileError(Exception):
    pass


def invalid(detail):
    return HttpError(400, "invalid_request", detail)


def now_rfc3339():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def valid_idempotency_key(key):
    return isinstance(key, str) and IDEMPOTENCY_KEY_RE.fullmatch(key) is not None


def encodable(s):
    try:
        s.encode("utf-8")
        return True
    except UnicodeEncodeError:  # lone surrogates from "\ud800" escapes
        return False


def parse_json_object(body):
    def reject_constant(name):
        raise ValueError(f"{name} is not valid JSON")

    try:
        doc = json.loads(body.decode("utf-8"), parse_constant=reject_constant)
    except UnicodeDecodeError:
        raise invalid("body is not UTF-8") from None
    except (ValueError, RecursionError) as e:
        raise invalid(f"malformed JSON: {e}") from None
    if not isinstance(doc, dict):
        raise invalid("body must be a JSON object")
    return doc


def field_amount(doc):
    amount = doc.get("amount")
    if type(amount) is not int or not 0 < amount <= AMOUNT_MAX:
        raise invalid("amount must be an integer > 0 (minor units)")
    return amount


def field_string(doc, name, required, max_len=None):
    value = doc.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not encodable(value):
        raise invalid(f"{name} must be a string")
    if max_len is not None and len(value) > max_len:
        raise invalid(f"{name} must be at most {max_len} characters")
    return value


def fault_path_matches(paths, method, path):
    if paths is None:
        return True
    for entry in paths:
        want_method, _, want_path = entry.rpartition(" ")
        if want_path == path and (not want_method or want_method == method):
            return True
    return False


def normalize_fault_path(entry):
    method, _, path = entry.strip().rpartition(" ")
    return f"{method.strip().upper()} {path}" if method.strip() else path


def default_faults():
    return {"mode": "none", "count": None, "latency_ms": 0, "after_processing": False, "paths": None}


class State:
    """Charges, refunds, counters and the fault configuration, shared by all handler threads."""

    def __init__(self, state_file):
        self.lock = threading.Lock()          # guards every field below
        self.persist_lock = threading.Lock()  # serialises state-file writes
        self.state_file = state_file
        self.clear()
        if state_file:
            self.load()

    def clear(self):
        self.charges_by_key = {}
        self.charges_by_id = {}
        self.refunds_by_key = {}
        self.key_locks = {}  # ("charge"|"refund", key) -> Lock: one operation per key at a time
        self.requests = 0
        self.charge_attempts_by_key = {}
        self.refund_attempts_by_key = {}
        self.faults = default_faults()

    # --- persistence ---------------------------------------------------------------------

    def load(self):
        try:
            with open(self.state_file, encoding="utf-8") as f:
                doc = json.load(f)
        except FileNotFoundError:
            return
        except (OSError, ValueError) as e:
            raise StateFileError(f"cannot read state file {self.state_file}: {e}") from None
        try:
            if doc.get("version") != STATE_FILE_VERSION:
                raise ValueError(f"unsupported version {doc.get('version')!r}")
            for charge in doc["charges"]:
                self.charges_by_key[charge["idempotency_key"]] = charge
                self.charges_by_id[charge["id"]] = charge
            for refund in doc["refunds"]:
                self.refunds_by_key[refund["idempotency_key"]] = refund
            stats = doc.get("stats", {})
            self.requests = int(stats.get("requests", 0))
            self.charge_attempts_by_key = dict(stats.get("charge_attempts_by_key", {}))
            self.refund_attempts_by_key = dict(stats.get("refund_attempts_by_key", {}))
        except (AttributeError, KeyError, TypeError, ValueError) as e:
            raise StateFileError(f"state file {self.state_file} is malformed: {e!r}") from None

    def persist(self):
        if not self.state_file:
            return
        with self.persist_lock:
            with self.lock:
                text = json.dumps({
                    "version": STATE_FILE_VERSION,
                    "charges": list(self.charges_by_id.values()),
                    "refunds": list(self.refunds_by_key.values()),
                    "stats": {
                        "requests": self.requests,
                        "charge_attempts_by_key": self.charge_attempts_by_key,
                        "refund_attempts_by_key": self.refund_attempts_by_key,
                    },
                }, ensure_ascii=False, indent=1)
            tmp = f"{self.state_file}.tmp.{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.state_file)

    # --- request accounting and faults -------------------------------------------------------

    def arrive(self, method, path, key):
        """Counts a protocol request and picks its fault; returns (latency_ms, fault or None)."""
        with self.lock:
            self.requests += 1
            if method == "POST" and key is not None:
                attempts = {"/v1/charges": self.charge_attempts_by_key,
                            "/v1/refunds": self.refund_attempts_by_key}.get(path)
                if attempts is not None:
                    attempts[key] = attempts.get(key, 0) + 1
            f = self.faults
            if f["mode"] == "none" or not fault_path_matches(f["paths"], method, path):
                return f["latency_ms"], None
            fault = (f["mode"], f["after_processing"])
            if f["count"] is not None:
                f["count"] -= 1
                if f["count"] <= 0:
                    f["mode"], f["count"] = "none", None
            return f["latency_ms"], fault

    def set_faults(self, doc):
        mode = doc.get("mode", "none")
        if mode not in FAULT_MODES:
            raise invalid(f"mode must be one of {', '.join(FAULT_MODES)}")
        count = doc.get("count")
        if count is not None and (type(count) is not int or count < 1):
            raise invalid("count must be an integer >= 1 or null")
        latency = doc.get("latency_ms", 0)
        if type(latency) is not int or not 0 <= latency <= 3_600_000:
            raise invalid("latency_ms must be an integer in 0..3600000")
        after = doc.get("after_processing", False)
        if type(after) is not bool:
            raise invalid("after_processing must be a boolean")
        paths = doc.get("paths")
        if paths is not None:
            if not isinstance(paths, list) or not all(isinstance(p, str) and encodable(p) for p in paths):
                raise invalid("paths must be a list of strings or null")
            paths = [normalize_fault_path(p) for p in paths]
        with self.lock:
            self.faults = {"mode": mode, "count": None if mode == "none" else count,
                           "latency_ms": latency, "after_processing": after, "paths": paths}
            return dict(self.faults)

    def get_faults(self):
        with self.lock:
            return dict(self.faults)

    def stats(self):
        with self.lock:
            refunds_by_charge = {}
            refunds_by_key = {k: 0 for k in self.refund_attempts_by_key}
            for refund in self.refunds_by_key.values():
                refunds_by_charge[refund["charge"]] = refunds_by_charge.get(refund["charge"], 0) + 1
                refunds_by_key[refund["idempotency_key"]] = 1
            charges_by_key = {k: 0 for k in self.charge_attempts_by_key}
            charges_by_key.update((k, 1) for k in self.charges_by_key)
            return {
                "requests": self.requests,
                "charges_created": len(self.charges_by_id),
                "refunds_created": len(self.refunds_by_key),
                "charges_by_key": charges_by_key,
                "charge_attempts_by_key": dict(self.charge_attempts_by_key),
                "refunds_by_key": refunds_by_key,
                "refund_attempts_by_key": dict(self.refund_attempts_by_key),
                "refunds_created_by_charge": refunds_by_charge,
            }

    def reset(self):
        with self.lock:
            self.clear()
        self.persist()

    # --- operations ----------------------------------------------------------------------------

    def key_lock(self, kind, key):
        with self.lock:
            lock = self.key_locks.get((kind, key))
            if lock is None:
                lock = self.key_locks[(kind, key)] = threading.Lock()
            return lock

    def create_charge(self, key, amount, currency, payment_method, reference):
        # The key lock makes a concurrent request with the same key wait for the first one,
        # which has stored (and persisted) its charge by the time the lock is released.
        with self.key_lock("charge", key):
            with self.lock:
                existing = self.charges_by_key.get(key)
                if existing is not None:
                    if (existing["amount"], existing["currency"], existing["payment_method"]) != \
                            (amount, currency, payment_method):
                        raise HttpError(409, "idempotency_key_reused")
                    return dict(existing)
            if payment_method == "pm_card_slow":
                SHUTDOWN.wait(SLOW_CARD_SECONDS)
            if payment_method in ("pm_card_visa", "pm_card_slow"):
                status, decline_code = "succeeded", None
            elif payment_method == "pm_card_declined":
                status, decline_code = "declined", "card_declined"
            else:
                status, decline_code = "declined", "unknown_payment_method"
            charge = {
                "id": "ch_" + secrets.token_hex(16),
                "idempotency_key": key,
                "status": status,
                "amount": amount,
                "currency": currency,
                "payment_method": payment_method,
                "reference": reference,
                "decline_code": decline_code,
                "amount_refunded": 0,
                "created_at": now_rfc3339(),
            }
            with self.lock:
                self.charges_by_key[key] = charge
                self.charges_by_id[charge["id"]] = charge
                result = dict(charge)
            self.persist()
            return result

    def create_refund(self, key, charge_id, amount, reference):
        with self.key_lock("refund", key):
            with self.lock:
                existing = self.refunds_by_key.get(key)
                if existing is not None:
                    if (existing["charge"], existing["amount"]) != (charge_id, amount):
                        raise HttpError(409, "idempotency_key_reused")
                    return dict(existing)
                charge = self.charges_by_id.get(charge_id)
                if charge is None:
                    status, failure = "failed", "charge_not_found"
                elif charge["status"] != "succeeded":
                    status, failure = "failed", "charge_not_succeeded"
                elif amount > charge["amount"] - charge["amount_refunded"]:
                    status, failure = "failed", "exceeds_refundable"
                else:
                    status, failure = "succeeded", None
                    charge["amount_refunded"] += amount
                refund = {
                    "id": "re_" + secrets.token_hex(16),
                    "idempotency_key": key,
                    "charge": charge_id,
                    "status": status,
                    "amount": amount,
                    "reference": reference,
                    "failure_code": failure,
                    "created_at": now_rfc3339(),
                }
                self.refunds_by_key[key] = refund
                result = dict(refund)
            self.persist()
            return result

    def find_charge(self, key):
        with self.lock:
            charge = self.charges_by_key.get(key)
            return None if charge is None else dict(charge)

    def find_refund(self, key):
        with self.lock:
            refund = self.refunds_by_key.get(key)
            return None if refund is None else dict(refund)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "payment-gateway-simulator/1"
    disable_nagle_algorithm = True
    timeout = IDLE_CONNECTION_SECONDS  # idle keep-alive connections are closed after this

    def log_message(self, format, *args):
        pass

    def version_string(self):
        return self.server_version

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = do_GET

    # --- responses -----------------------------------------------------------------------------

    def send_json(self, status, obj, headers=(), close=False):
        body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
        elif self.request_version == "HTTP/1.0" and not self.close_connection:
            self.send_header("Connection", "keep-alive")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(body)

    def send_error(self, code, message=None, explain=None):
        # Malformed requests detected by BaseHTTPRequestHandler itself: answer in JSON and close.
        names = {400: "bad_request", 408: "request_timeout", 414: "uri_too_long",
                 431: "headers_too_large", 501: "not_implemented", 505: "http_version_not_supported"}
        self.close_connection = True
        try:
            self.send_json(code, {"error": names.get(code, "error")}, close=True)
        except OSError:
            pass

    # --- request handling ----------------------------------------------------------------------

    def dispatch(self):
        try:
            self.handle_request()
        except (ConnectionError, socket.timeout):
            self.close_connection = True
        except Exception:
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            try:
                self.send_json(500, {"error": "internal"}, close=True)
            except OSError:
                pass

    def read_body(self):
        """The request body, or None when an answer was already sent or the client went away."""
        if self.headers.get("Transfer-Encoding") is not None:
            self.send_json(411, {"error": "length_required",
                                 "detail": "send the body with Content-Length"}, close=True)
            return None
        lengths = {v.strip() for v in self.headers.get_all("Content-Length", [])}
        if not lengths:
            return b""
        length = lengths.pop()
        if lengths or not re.fullmatch(r"[0-9]{1,16}", length):
            self.send_json(400, {"error": "invalid_request", "detail": "bad Content-Length"}, close=True)
            return None
        if int(length) > MAX_BODY_BYTES:
            self.send_json(413, {"error": "payload_too_large"}, close=True)
            return None
        body = self.rfile.read(int(length))
        if len(body) != int(length):
            self.close_connection = True
            return None
        return body

    def handle_request(self):
        url = urlsplit(self.path)
        body = self.read_body()
        if body is None:
            return
        if url.path == "/_control" or url.path.startswith("/_control/"):
            self.handle_control(url.path, body)
            return

        state = self.server.state
        key = self.headers.get("Idempotency-Key")
        latency_ms, fault = state.arrive(self.command, url.path,
                                         key if valid_idempotency_key(key) else None)
        if latency_ms:
            SHUTDOWN.wait(latency_ms / 1000)
        if fault is not None and not fault[1]:
            self.apply_fault(fault[0])
            return
        try:
            status, obj, headers = 200, self.handle_protocol(url.path, url.query, body), ()
        except HttpError as e:
            status, obj, headers = e.status, e.body, e.headers
        if fault is not None:  # after_processing: the operation happened, the answer is lost
            self.apply_fault(fault[0])
            return
        self.send_json(status, obj, headers)

    def apply_fault(self, mode):
        if mode == "error":
            self.send_json(503, {"error": "unavailable"})
            return
        if mode == "timeout":
            self.wait_for_disconnect(TIMEOUT_FAULT_SECONDS)
        # "drop" and the end of "timeout": close the connection without a response.
        self.close_connection = True

    def wait_for_disconnect(self, seconds):
        deadline = time.monotonic() + seconds
        sock = self.connection
        while not SHUTDOWN.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            readable = []
            try:
                readable, _, _ = select.select([sock], [], [], min(0.2, remaining))
                if readable and not sock.recv(1, socket.MSG_PEEK):
                    return  # the client closed its end
            except (BlockingIOError, InterruptedError, socket.timeout):
                pass
            except (OSError, ValueError):
                return
            if readable:  # pipelined bytes: nothing to learn from the socket until it closes
                SHUTDOWN.wait(min(0.2, max(remaining, 0)))

    def check_auth(self):
        api_key = self.server.api_key
        if api_key is None:
            return
        scheme, _, token = self.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
                token.strip().encode("latin-1", "replace"), api_key.encode("utf-8")):
            raise HttpError(401, "unauthorized", headers=[("WWW-Authenticate", "Bearer")])

    def handle_protocol(self, path, query, body):
        self.check_auth()
        state = self.server.state
        if path == "/v1/charges":
            if self.command == "POST":
                key = self.write_key()
                doc = parse_json_object(body)
                amount = field_amount(doc)
                currency = doc.get("currency")
                if not isinstance(currency, str) or not CURRENCY_RE.fullmatch(currency):
                    raise invalid("currency must be three upper-case letters (ISO 4217)")
                payment_method = field_string(doc, "payment_method", required=True)
                reference = field_string(doc, "reference", required=False, max_len=REFERENCE_MAX)
                return state.create_charge(key, amount, currency, payment_method, reference)
            if self.command in ("GET", "HEAD"):
                return self.lookup(query, state.find_charge)
            raise HttpError(405, "method_not_allowed", headers=[("Allow", "GET, POST")])
        if path == "/v1/refunds":
            if self.command == "POST":
                key = self.write_key()
                doc = parse_json_object(body)
                charge = field_string(doc, "charge", required=True)
                amount = field_amount(doc)
                reference = field_string(doc, "reference", required=False, max_len=REFERENCE_MAX)
                return state.create_refund(key, charge, amount, reference)
            if self.command in ("GET", "HEAD"):
                return self.lookup(query, state.find_refund)
            raise HttpError(405, "method_not_allowed", headers=[("Allow", "GET, POST")])
        raise HttpError(404, "not_found")

    def write_key(self):
        key = self.headers.get("Idempotency-Key")
        if not valid_idempotency_key(key):
            raise HttpError(400, "idempotency_key_required")
        return key

    def lookup(self, query, find):
        keys = [v for k, v in parse_qsl(query, keep_blank_values=True) if k == "idempotency_key"]
        if len(keys) != 1 or not valid_idempotency_key(keys[0]):
            raise HttpError(400, "idempotency_key_required")
        found = find(keys[0])
        if found is None:
            raise HttpError(404, "not_found")
        return found

    def handle_control(self, path, body):
        state = self.server.state
        routes = {"/_control/faults": ("GET", "POST"), "/_control/stats": ("GET",),
                  "/_control/reset": ("POST",)}
        allowed = routes.get(path)
        if allowed is None:
            self.send_json(404, {"error": "not_found"})
            return
        method = "GET" if self.command == "HEAD" else self.command
        if method not in allowed:
            self.send_json(405, {"error": "method_not_allowed"}, [("Allow", ", ".join(allowed))])
            return
        try:
            if path == "/_control/stats":
                result = state.stats()
            elif path == "/_control/reset":
                state.reset()
                result = {"reset": True}
            elif method == "POST":
                result = state.set_faults(parse_json_object(body))
            else:
                result = state.get_faults()
        except HttpError as e:
            self.send_json(e.status, e.body, e.headers)
            return
        self.send_json(200, result)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def __init__(self, address, handler, state, api_key):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.state = state
        self.api_key = api_key
        super().__init__(address, handler)

    def handle_error(self, request, client_address):
        pass  # connection-level errors (resets during reads) are routine here


def main(argv=None):
    parser = argparse.ArgumentParser(description="Card-payment gateway simulator (docs/payment-gateway.md).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--api-key", help="require 'Authorization: Bearer KEY' on protocol requests")
    parser.add_argument("--state-file", help="JSON file the charges and refunds are kept in across restarts")
    args = parser.parse_args(argv)
    if args.api_key == "":
        parser.error("--api-key must not be empty")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be in 0..65535")

    try:
        state = State(args.state_file)
    except StateFileError as e:
        print(f"simulator: {e}", file=sys.stderr)
        return 2
    try:
        server = Server((args.host, args.port), Handler, state, args.api_key)
    except OSError as e:
        print(f"simulator: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    print(f"listening {server.server_address[1]}", flush=True)

    while not stop.wait(0.5):
        pass
    SHUTDOWN.set()
    server.shutdown()
    server.server_close()
    # Handler threads are daemons and die with the process; never while writing the state file.
    state.persist_lock.acquire()
    return 0


if __name__ == "__main__":
    sys.exit(main())

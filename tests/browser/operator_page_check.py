#!/usr/bin/env python3
"""Loads the operator page in headless Chromium over the DevTools protocol (issue 13).

Usage: operator_page_check.py URL [--timeout S] [--screenshot FILE] [--settle S]

Starts Debian's `chromium` headless with a throw-away profile, opens URL, and records every
console error, uncaught exception and browser log error (failed loads, Content-Security-Policy
violations). It waits until the page says it has loaded and each chart holds data, then reads back
what each chart holds (its series' labels, points and largest values) and how many of each chart's
canvas pixels carry the first series' colour (the line was painted, not just the axes).

Prints one JSON object: {"loaded", "errors", "warnings", "charts", "tables", "painted"}; "tables"
holds the first cell of each filled row of the dependencies, tenants, slow-queries and errors
tables. Exit status 0 when
the page loaded with no errors, 1 otherwise, 2 when Chromium could not be driven at all.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # Debian: python3-websocket

CHARTS = ("requests", "latency", "orders", "revenue")

# Counts the pixels of each chart's canvas close to the first series' colour (#2563eb).
PAINTED_JS = """
(() => {
  const out = {};
  for (const name of %s) {
    const canvas = document.querySelector('#chart-' + name + ' canvas');
    if (!canvas) { out[name] = -1; continue; }
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4)
      if (d[i + 3] > 128 && Math.abs(d[i] - 37) < 50 && Math.abs(d[i + 1] - 99) < 50 &&
          Math.abs(d[i + 2] - 235) < 50) n++;
    out[name] = n;
  }
  return JSON.stringify(out);
})()
""" % json.dumps(list(CHARTS))

STATE_JS = """
(() => {
  if (!window.operatorPage) return 'null';
  const s = window.operatorPage.state();
  for (const [name, c] of Object.entries(s.charts)) {
    const plot = window.operatorPage.plot(name);
    c.labels = plot.series.slice(1).map((x) => x.label);
    c.max = plot.data.slice(1).map((xs) => xs.reduce((m, v) => (v === null ? m : Math.max(m, v)), 0));
  }
  s.tables = {};
  for (const id of ['dependencies', 'tenants', 'slow-queries', 'errors']) {
    const rows = [...document.querySelectorAll('#' + id + ' tbody tr')];
    s.tables[id] = rows.filter((r) => !r.querySelector('.empty')).map((r) => r.cells[0].textContent);
  }
  return JSON.stringify(s);
})()
"""


class DevTools:
    def __init__(self, ws_url):
        # Chromium refuses DevTools websockets that carry an Origin it was not told to allow.
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, params=None):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params or {}}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in r:
            raise RuntimeError("evaluate: %s" % r["exceptionDetails"])
        return r["result"].get("value")


def start_chromium(profile):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        raise RuntimeError("chromium is not installed (scripts/setup.sh installs it)")
    args = [
        binary, "--headless=new", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
        "--disable-extensions", "--disable-background-networking", "--disable-sync",
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, "--window-size=1280,1800", "about:blank",
    ]
    if os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium's sandbox refuses to run as root
    log = open(os.path.join(profile, "chromium.log"), "wb")
    proc = subprocess.Popen(args, stdout=log, stderr=log)
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("chromium exited with %s" % proc.returncode)
        try:
            with open(port_file) as f:
                port = int(f.readline().strip())
            break
        except (OSError, ValueError):
            time.sleep(0.1)
    else:
        raise RuntimeError("chromium did not open its DevTools port")
    with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=10) as r:
        targets = json.load(r)
    page = next(t for t in targets if t.get("type") == "page")
    return proc, page["webSocketDebuggerUrl"]


def classify(events):
    errors, warnings = [], []
    for e in events:
        m, p = e["method"], e.get("params", {})
        if m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            errors.append("exception: " + d.get("exception", {}).get("description", d.get("text", "")))
        elif m == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            if p.get("type") in ("error", "assert"):
                errors.append("console.%s: %s" % (p["type"], text))
            elif p.get("type") == "warning":
                warnings.append("console.warn: " + text)
        elif m == "Log.entryAdded":
            entry = p.get("entry", {})
            line = "%s: %s %s" % (entry.get("source"), entry.get("text"), entry.get("url", ""))
            if entry.get("level") == "error":
                errors.append(line)
            elif entry.get("level") == "warning":
                warnings.append(line)
    return errors, warnings


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--settle", type=float, default=1.0,
                    help="seconds to keep listening after the charts hold data")
    ap.add_argument("--screenshot")
    a = ap.parse_args()

    profile = tempfile.mkdtemp(prefix="brandos-chromium-")
    proc = None
    try:
        proc, ws_url = start_chromium(profile)
        dt = DevTools(ws_url)
        for domain in ("Runtime", "Log", "Page"):
            dt.call(domain + ".enable")
        dt.call("Page.navigate", {"url": a.url})
        state = None
        deadline = time.time() + a.timeout
        while time.time() < deadline:
            time.sleep(0.25)
            raw = dt.evaluate(STATE_JS)
            state = json.loads(raw) if raw else None
            if (state and state["loaded"] and
                    all(state["charts"].get(c, {}).get("points", 0) > 0 for c in CHARTS)):
                break
        # Keep listening through a refresh or two: a fault on the second poll counts too.
        time.sleep(a.settle)
        raw = dt.evaluate(STATE_JS)
        state = json.loads(raw) if raw else None
        painted = json.loads(dt.evaluate(PAINTED_JS))
        if a.screenshot:
            import base64
            shot = dt.call("Page.captureScreenshot", {"format": "png"})
            with open(a.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        errors, warnings = classify(dt.events)
        result = {
            "loaded": bool(state and state["loaded"]),
            "errors": errors,
            "warnings": warnings,
            "charts": state["charts"] if state else {},
            "tables": state["tables"] if state else {},
            "painted": painted,
        }
        print(json.dumps(result))
        return 0 if result["loaded"] and not errors else 1
    except Exception as e:  # noqa: BLE001 - anything here means the browser could not be driven
        print(json.dumps({"loaded": False, "errors": ["driver: %s" % e], "warnings": [],
                          "charts": {}, "painted": {}}))
        return 2
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""make bench-ingest: sustained ingest into the running daemon, and its peak memory.

Starts the release binary on a temporary workspace with the shipped campaigns, posts NDJSON batches of
500 events (purchases, page views, plan usage) for 100,000 customers over several keep-alive
connections, and prints events per second (each batch acknowledged only once durable) and the
daemon's peak RSS. The reference row is the same rows inserted straight into SQLite from Python
(one transaction per 500 rows, WAL): the floor of what durable storage costs on this machine.
"""
import http.client, json, os, random, shutil, signal, sqlite3, subprocess, sys, tempfile, threading, time
from datetime import datetime, timedelta, timezone
from bench_support import wait_until_ready, free_port, peak_rss_mb, cpu_seconds

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.abspath(os.environ.get("NUDGE_BINARY", os.path.join(ROOT, ".build", "release", "nudge")))
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "100000"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "300000"))
BATCH = 500
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
TOKEN = "bench-token-0123456789abcdef"


def make_events(rng):
    now = datetime.now(timezone.utc)
    categories = ["phone", "case", "headphones", "screen_protector", "charger", "laptop"]
    events = []
    for i in range(EVENTS):
        customer = f"c{rng.randrange(CUSTOMERS)}"
        ts = (now - timedelta(days=rng.uniform(0, 60))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        kind = rng.random()
        if kind < 0.5:
            cat = rng.choice(categories)
            price = rng.choice([250000, 490000, 1290000, 9990000])
            events.append({"id": f"e{i}", "type": "purchase", "customer_id": customer, "timestamp": ts,
                           "properties": {"order_id": f"o{i}", "currency": "VND", "total": price,
                                          "items": [{"sku": f"{cat.upper()}-{rng.randrange(50)}", "category": cat,
                                                     "name": "Sản phẩm", "price": price, "quantity": 1}]}})
        elif kind < 0.85:
            events.append({"id": f"e{i}", "type": "page_view", "customer_id": customer, "timestamp": ts,
                           "properties": {"url": "https://shop.example.vn/p/1", "category": rng.choice(categories)}})
        else:
            events.append({"id": f"e{i}", "type": "plan_usage", "customer_id": customer, "timestamp": ts,
                           "properties": {"metric": "orders", "used": rng.randrange(100), "limit": 100}})
    return events


def batches(events):
    lines = [json.dumps(e, ensure_ascii=False) for e in events]
    return ["\n".join(lines[i:i + BATCH]).encode() for i in range(0, len(lines), BATCH)]


def run_daemon(workdir, port):
    for folder in ("campaigns", "templates"):
        shutil.copytree(os.path.join(ROOT, folder), os.path.join(workdir, folder))
    with open(os.path.join(workdir, "nudge.yml"), "w") as f:
        f.write(f"data_dir: ./var\nlisten: 127.0.0.1:{port}\napi_token: {TOKEN}\n")
    log = open(os.path.join(workdir, "daemon.log"), "w")
    proc = subprocess.Popen([BINARY, "run", "--config", "nudge.yml"], cwd=workdir, stdout=log, stderr=log)
    return wait_until_ready(proc, port, workdir, 30)


def post_all(port, bodies):
    queue = list(enumerate(bodies))
    lock = threading.Lock()
    errors = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    return
                _, body = queue.pop(0)
            conn.request("POST", "/v1/events", body=body,
                         headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/x-ndjson"})
            reply = conn.getresponse()
            data = reply.read()
            if reply.status != 202:
                errors.append((reply.status, data[:300]))

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, errors


def reference(events, workdir):
    db = sqlite3.connect(os.path.join(workdir, "reference.sqlite"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, type TEXT, customer_id TEXT, "
               "timestamp TEXT, properties TEXT)")
    rows = [(e["id"], e["type"], e["customer_id"], e["timestamp"], json.dumps(e["properties"], ensure_ascii=False))
            for e in events]
    start = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        db.execute("BEGIN")
        db.executemany("INSERT INTO events (id, type, customer_id, timestamp, properties) VALUES (?,?,?,?,?)",
                       rows[i:i + BATCH])
        db.execute("COMMIT")
    return time.perf_counter() - start


def measure_daemon(events, workdir):
    """Posts `events` to the release daemon started on `workdir` (stopped after); returns the seconds it took, the
    daemon's CPU seconds meanwhile, and its RSS in MB when idle and at its peak. Its database stays in `workdir`."""
    port = free_port()
    proc = run_daemon(workdir, port)
    try:
        idle_rss = peak_rss_mb(proc.pid)
        cpu_before = cpu_seconds(proc.pid)
        elapsed, errors = post_all(port, batches(events))
        cpu = cpu_seconds(proc.pid) - cpu_before
        rss = peak_rss_mb(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    if errors:
        sys.exit(f"{len(errors)} batches were refused, first: {errors[0]}")
    return elapsed, cpu, idle_rss, rss


def main():
    if not os.access(BINARY, os.X_OK):
        sys.exit(f"build the release binary first: swift build -c release ({BINARY} is missing)")
    rng = random.Random(42)
    events = make_events(rng)
    workdir = tempfile.mkdtemp(prefix="nudge-bench-")
    elapsed, cpu, idle_rss, rss = measure_daemon(events, workdir)
    ref = reference(events, workdir)
    rate = len(events) / elapsed
    ref_rate = len(events) / ref
    print(f"ingest: {len(events):,} events in NDJSON batches of {BATCH}, {CUSTOMERS:,} customers, "
          f"{CONNECTIONS} connections, release build, {os.cpu_count()} cores")
    print()
    print(f"| {'measure':<44} | {'value':>14} | {'target':>12} | {'ratio':>7} |")
    print(f"|{'-' * 46}|{'-' * 16}|{'-' * 14}|{'-' * 9}|")
    print(f"| {'nudge daemon, events/s (durable, 202)':<44} | {rate:>14,.0f} | {'>= 20,000':>12} | "
          f"{rate / 20000:>6.2f}x |")
    print(f"| {'reference: raw SQLite inserts from Python/s':<44} | {ref_rate:>14,.0f} | {'':>12} | "
          f"{rate / ref_rate:>6.2f}x |")
    print(f"| {'daemon CPU per 1,000 events, ms':<44} | {cpu * 1e6 / len(events):>14,.1f} | {'':>12} | {'':>7} |")
    print(f"| {'daemon peak RSS, MB':<44} | {rss:>14,.1f} | {'<= 300':>12} | {rss / 300:>6.2f}x |")
    print(f"| {'daemon RSS when idle, MB':<44} | {idle_rss:>14,.1f} | {'':>12} | {'':>7} |")
    print()
    print("ratio: nudge against the target (events/s: above 1 is better; RSS: below 1 is better) and "
          "against the reference measured in this run")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""make bench-ingest: sustained ingest into the running daemon, and its peak memory.

Starts the release binary on a temporary workspace with the shipped campaigns, posts NDJSON batches of
500 events (purchases, page views, plan usage) for 100,000 customers over several keep-alive
connections, and prints events per second (each batch acknowledged only once durable) and the
daemon's peak RSS. The reference row is the same rows inserted straight into SQLite from Python
(one transaction per 500 rows, WAL): the floor of what durable storage costs on this machine.

BENCH_ROUNDS rounds (3), each on a fresh workspace, the daemon then the reference; the round with the median
events/s is reported, and every round's figures are listed: the machine's speed drifts from one minute to the next
(runs of one build have differed by 15 %). NUDGE_BASELINE=<another nudge binary> also measures that build in
every round, after this one and before it by turns, and prints the median of the rounds' ratios: the way to compare
two builds on a machine whose speed drifts.
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
# Rounds, each on a fresh workspace; the median is reported (a shared machine's speed drifts from minute to minute).
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# Another build to compare with (say, main's): measured in every round next to this one, under the same load.
BASELINE = os.environ.get("NUDGE_BASELINE") and os.path.abspath(os.environ["NUDGE_BASELINE"])
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


def median_round(rounds):
    """The round with the median events/s (the lower middle one of an even count)."""
    return sorted(rounds, key=lambda r: r["rate"])[(len(rounds) - 1) // 2]


def one_round(events, binary, with_reference=True):
    """The daemon (`binary`) on a fresh workspace, then the reference in the same folder; returns the figures. The
    workspace is removed after a round that succeeds, and kept (with the daemon's log) after one that fails."""
    global BINARY
    BINARY = binary
    workdir = tempfile.mkdtemp(prefix="nudge-bench-")
    try:
        elapsed, cpu, idle_rss, rss = measure_daemon(events, workdir)
        ref = reference(events, workdir) if with_reference else None
    except BaseException:
        print(f"the round on {workdir} failed; its daemon's log is {os.path.join(workdir, 'daemon.log')}",
              file=sys.stderr)
        raise
    shutil.rmtree(workdir, ignore_errors=True)
    n = len(events)
    return {"rate": n / elapsed, "ref_rate": n / ref if ref else None, "cpu_ms": cpu * 1e6 / n, "rss": rss,
            "idle_rss": idle_rss}


def main():
    binaries = [BINARY] + ([BASELINE] if BASELINE else [])
    for binary in binaries:
        if not os.access(binary, os.X_OK):
            sys.exit(f"build the release binary first: swift build -c release ({binary} is missing)")
    if ROUNDS < 1:
        sys.exit(f"BENCH_ROUNDS must be at least 1, not {ROUNDS}")
    events = make_events(random.Random(42))
    rounds, baseline_rounds = [], []
    for number in range(ROUNDS):
        # The baseline goes first in every other round, so that neither build always runs in the other's wake.
        if BASELINE and number % 2 == 1:
            baseline_rounds.append(one_round(events, BASELINE, with_reference=False))
        rounds.append(one_round(events, binaries[0]))
        if BASELINE and number % 2 == 0:
            baseline_rounds.append(one_round(events, BASELINE, with_reference=False))
    chosen = median_round(rounds)
    rate, ref_rate = chosen["rate"], chosen["ref_rate"]
    print(f"ingest: {len(events):,} events in NDJSON batches of {BATCH}, {CUSTOMERS:,} customers, "
          f"{CONNECTIONS} connections, release build, {os.cpu_count()} cores, {ROUNDS} rounds (median shown)")
    print()
    print(f"| {'measure':<44} | {'value':>14} | {'target':>12} | {'ratio':>7} |")
    print(f"|{'-' * 46}|{'-' * 16}|{'-' * 14}|{'-' * 9}|")
    print(f"| {'nudge daemon, events/s (durable, 202)':<44} | {rate:>14,.0f} | {'>= 20,000':>12} | "
          f"{rate / 20000:>6.2f}x |")
    print(f"| {'reference: raw SQLite inserts from Python/s':<44} | {ref_rate:>14,.0f} | {'':>12} | "
          f"{rate / ref_rate:>6.2f}x |")
    print(f"| {'daemon CPU per 1,000 events, ms':<44} | {chosen['cpu_ms']:>14,.1f} | {'':>12} | {'':>7} |")
    rss = max(r["rss"] for r in rounds)
    print(f"| {'daemon peak RSS (highest round), MB':<44} | {rss:>14,.1f} | {'<= 300':>12} | {rss / 300:>6.2f}x |")
    print(f"| {'daemon RSS when idle, MB':<44} | {chosen['idle_rss']:>14,.1f} | {'':>12} | {'':>7} |")
    if BASELINE:
        # Each round's ratio compares two runs made a minute apart; their median is the comparison.
        rate_ratios = [r["rate"] / b["rate"] for r, b in zip(rounds, baseline_rounds)]
        cpu_ratios = [r["cpu_ms"] / b["cpu_ms"] for r, b in zip(rounds, baseline_rounds)]
        base = median_round(baseline_rounds)
        print(f"| {'baseline daemon (NUDGE_BASELINE), events/s':<44} | {base['rate']:>14,.0f} | {'':>12} | "
              f"{sorted(rate_ratios)[(ROUNDS - 1) // 2]:>6.2f}x |")
        print(f"| {'baseline daemon CPU per 1,000 events, ms':<44} | {base['cpu_ms']:>14,.1f} | {'':>12} | "
              f"{sorted(cpu_ratios)[(ROUNDS - 1) // 2]:>6.2f}x |")
    print()
    print("every round, events/s (CPU ms per 1,000 events):")
    print("  nudge:     " + ", ".join(f"{r['rate']:,.0f} ({r['cpu_ms']:.1f})" for r in rounds))
    print("  reference: " + ", ".join(f"{r['ref_rate']:,.0f}" for r in rounds))
    if BASELINE:
        print("  baseline:  " + ", ".join(f"{r['rate']:,.0f} ({r['cpu_ms']:.1f})" for r in baseline_rounds))
        print("  nudge / baseline, events/s: " + ", ".join(f"{x:.3f}" for x in rate_ratios))
    print()
    print("ratio: nudge against the target (events/s: above 1 is better; RSS: below 1 is better), against the "
          "reference measured in the same round" + (", and against the baseline build: the median of the rounds' "
                                                    "ratios" if BASELINE else ""))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""make bench-recommend: latency of the checkout endpoint, GET /v1/customers/{id}/recommendations.

The release daemon's database is loaded with a catalog of 50,000 products (BENCH_PRODUCTS) in 100 categories
and 1,000,000 purchases (BENCH_PURCHASES) of 1–3 items by 200,000 customers (BENCH_CUSTOMERS), items drawn with
a long-tailed popularity and baskets that mix a product with accessories from related categories.

How it is loaded (posting a million purchases over HTTP would make the benchmark mostly an ingest benchmark):
the daemon creates its database; Python then writes the products, customers, purchase events and each
customer's derived facts (owned SKUs in first-bought order, counts, totals) straight into it, and puts the
schema back at version 4. On its next start the daemon's own migration 5 builds the co-purchase statistics
from the owned SKUs: exactly what ingest counts purchase by purchase (a test ingests the same baskets both
ways and compares). The benchmark then posts a few thousand more purchases through the API, so the
statistics are also updated the ordinary way, and reports that rate.

Latency is measured from a keep-alive client, one request at a time, for random customers who bought
something: p50, p90, p99 and max, with and without a category filter. Target: p99 <= 5 ms.
"""
import bisect, http.client, itertools, json, os, random, shutil, signal, sqlite3, subprocess, sys, tempfile, time
from datetime import datetime, timedelta, timezone
from bench_support import wait_until_ready, free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.abspath(os.environ.get("NUDGE_BINARY", os.path.join(ROOT, ".build-release", "release", "nudge")))
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "50000"))
PURCHASES = int(os.environ.get("BENCH_PURCHASES", "1000000"))
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "200000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20000"))
LIVE_PURCHASES = int(os.environ.get("BENCH_LIVE_PURCHASES", "5000"))
CATEGORIES = 100
TOKEN = "bench-token-0123456789abcdef"


def start_daemon(workdir, port, timeout=900):
    log = open(os.path.join(workdir, "daemon.log"), "a")
    proc = subprocess.Popen([BINARY, "run", "--config", "nudge.yml"], cwd=workdir, stdout=log, stderr=log)
    return wait_until_ready(proc, port, workdir, timeout)


def stop_daemon(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)


class Catalog:
    """Products with a long-tailed popularity; each category has two related accessory categories."""

    def __init__(self, rng):
        self.skus = [f"P{i:05d}" for i in range(PRODUCTS)]
        self.category = [i % CATEGORIES for i in range(PRODUCTS)]
        self.price = [rng.choice([49_000, 99_000, 199_000, 490_000, 1_290_000, 9_990_000]) for _ in range(PRODUCTS)]
        self.cost = [None if rng.random() < 0.1 else round(p * rng.uniform(0.4, 0.95)) for p in self.price]
        self.active = [rng.random() >= 0.05 for _ in range(PRODUCTS)]
        order = list(range(PRODUCTS))
        rng.shuffle(order)
        weights = [1 / (rank + 1) ** 0.9 for rank in range(PRODUCTS)]
        self.by_category = [[] for _ in range(CATEGORIES)]
        for index in order:
            self.by_category[self.category[index]].append(index)
        self.order = order
        self.cumulative = list(itertools.accumulate(weights))
        self.category_cumulative = [
            list(itertools.accumulate(1 / (r + 1) ** 0.9 for r in range(len(members)))) for members in self.by_category]

    def popular(self, rng):
        return self.order[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]

    def in_category(self, rng, category):
        weights = self.category_cumulative[category]
        return self.by_category[category][bisect.bisect_left(weights, rng.random() * weights[-1])]

    def basket(self, rng):
        main = self.popular(rng)
        items = [main]
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            related = (self.category[main] + rng.choice([1, 2])) % CATEGORIES
            items.append(self.in_category(rng, related))
        return list(dict.fromkeys(items))

    def item(self, index):
        return {"sku": self.skus[index], "category": f"cat-{self.category[index]}", "name": f"Sản phẩm {index}",
                "price": self.price[index], "quantity": 1}


# Version 4 kept each customer's facts in a table of their own (migration 9 moves them into the customer's row).
FACTS_COLUMNS = ["purchase_count", "total_spent", "first_purchase_at", "last_purchase_at", "signup_at",
                 "trial_ends_at", "plan", "usage", "owned_skus", "owned_categories", "complaints", "unsubscribed",
                 "unsubscribed_all", "stage_check_at"]
VERSION_4_FACTS = """
    CREATE TABLE customer_facts (
        customer_id TEXT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        purchase_count INTEGER NOT NULL DEFAULT 0, total_spent REAL NOT NULL DEFAULT 0, first_purchase_at REAL,
        last_purchase_at REAL, signup_at REAL, trial_ends_at REAL, plan TEXT, usage TEXT NOT NULL DEFAULT '{}',
        owned_skus TEXT NOT NULL DEFAULT '[]', owned_categories TEXT NOT NULL DEFAULT '[]',
        complaints INTEGER NOT NULL DEFAULT 0, unsubscribed TEXT NOT NULL DEFAULT '[]',
        unsubscribed_all INTEGER NOT NULL DEFAULT 0, stage_check_at REAL
    ) WITHOUT ROWID;
    CREATE INDEX customer_facts_stage_check ON customer_facts(stage_check_at) WHERE stage_check_at IS NOT NULL;
    DROP INDEX customers_stage_check;
"""


def load(db_path, catalog, rng):
    """Writes the catalog, customers, purchases and facts, and rewinds the schema to version 4."""
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    for statement in VERSION_4_FACTS.split(";"):
        if statement.strip():
            db.execute(statement)
    for column in FACTS_COLUMNS:
        db.execute(f"ALTER TABLE customers DROP COLUMN {column}")
    db.executemany(
        "INSERT INTO products (sku, name, category, price, cost, currency, active) VALUES (?,?,?,?,?,'VND',?)",
        ((catalog.skus[i], f"Sản phẩm {i}", f"cat-{catalog.category[i]}", catalog.price[i], catalog.cost[i],
          int(catalog.active[i])) for i in range(PRODUCTS)))
    now = datetime.now(timezone.utc).timestamp()
    counts = [0] * CUSTOMERS
    for _ in range(PURCHASES):
        counts[rng.randrange(CUSTOMERS)] += 1
    seq = 0
    events, customers, facts = [], [], []

    def flush():
        db.executemany("INSERT INTO events (id, type, customer_id, timestamp, properties) VALUES (?,?,?,?,?)", events)
        db.executemany(
            "INSERT INTO customers (id, email, created_at, updated_at, attributes, consent) "
            "VALUES (?,?,?,?,'{}','{}')", customers)
        db.executemany(
            "INSERT INTO customer_facts (customer_id, purchase_count, total_spent, first_purchase_at, "
            "last_purchase_at, owned_skus, owned_categories) VALUES (?,?,?,?,?,?,?)", facts)
        events.clear(), customers.clear(), facts.clear()

    for c in range(CUSTOMERS):
        if counts[c] == 0:
            continue
        cid = f"c{c}"
        times = sorted(now - rng.uniform(0, 365 * 86_400) for _ in range(counts[c]))
        owned, categories, spent = [], [], 0
        for t in times:
            basket = catalog.basket(rng)
            items = [catalog.item(i) for i in basket]
            total = sum(item["price"] for item in items)
            spent += total
            for item in items:
                if item["sku"] not in owned:
                    owned.append(item["sku"])
                if item["category"] not in categories:
                    categories.append(item["category"])
            events.append((f"e{seq}", "purchase", cid, t, json.dumps(
                {"order_id": f"o{seq}", "currency": "VND", "total": total, "items": items}, ensure_ascii=False)))
            seq += 1
        customers.append((cid, f"{cid}@example.vn", times[0], times[-1]))
        facts.append((cid, len(times), spent, times[0], times[-1], json.dumps(owned), json.dumps(categories)))
        if len(events) >= 20_000:
            flush()
    flush()
    # The statistics are the daemon's to build: migration 5 runs again on its next start (and 9 after it).
    db.execute("DROP TABLE sku_customers")
    db.execute("DROP TABLE co_purchases")
    db.execute("DROP TABLE purchasing_customers")
    db.execute("DROP INDEX products_active_by_category")
    db.execute("PRAGMA user_version = 4")
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return seq


def post_live_purchases(port, catalog, rng):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    now = datetime.now(timezone.utc)
    lines = []
    for i in range(LIVE_PURCHASES):
        items = [catalog.item(index) for index in catalog.basket(rng)]
        lines.append(json.dumps({
            "id": f"live-{i}", "type": "purchase", "customer_id": f"c{rng.randrange(CUSTOMERS)}",
            "timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "properties": {"order_id": f"live-{i}", "currency": "VND", "total": sum(x["price"] for x in items),
                           "items": items}}, ensure_ascii=False))
    start = time.perf_counter()
    for i in range(0, len(lines), 500):
        conn.request("POST", "/v1/events", body="\n".join(lines[i:i + 500]).encode(),
                     headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/x-ndjson"})
        reply = conn.getresponse()
        body = reply.read()
        if reply.status != 202:
            sys.exit(f"ingest refused: {reply.status} {body[:300]}")
    return LIVE_PURCHASES / (time.perf_counter() - start)


def measure(port, customers, rng, query):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    latencies, found = [], 0
    for i in range(REQUESTS + 500):
        customer = rng.choice(customers)
        start = time.perf_counter()
        conn.request("GET", f"/v1/customers/{customer}/recommendations?{query(rng)}", headers=headers)
        reply = conn.getresponse()
        body = reply.read()
        elapsed = time.perf_counter() - start
        if reply.status != 200:
            sys.exit(f"the endpoint answered {reply.status}: {body[:300]}")
        if i >= 500:  # the first requests warm the page cache
            latencies.append(elapsed * 1000)
            found += len(json.loads(body)["recommendations"])
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    return pct(50), pct(90), pct(99), latencies[-1], found / len(latencies)


def main():
    if not os.access(BINARY, os.X_OK):
        sys.exit(f"build the release binary first ({BINARY} is missing)")
    rng = random.Random(7)
    workdir = tempfile.mkdtemp(prefix="nudge-bench-recommend-")
    port = free_port()
    for folder in ("campaigns", "templates"):
        shutil.copytree(os.path.join(ROOT, folder), os.path.join(workdir, folder))
    with open(os.path.join(workdir, "nudge.yml"), "w") as f:
        f.write(f"data_dir: ./var\nlisten: 127.0.0.1:{port}\napi_token: {TOKEN}\n")
    stop_daemon(start_daemon(workdir, port))
    db_path = os.path.join(workdir, "var", "nudge.sqlite")
    if not os.path.exists(db_path):
        sys.exit(f"no database at {db_path}")

    catalog = Catalog(rng)
    started = time.perf_counter()
    purchases = load(db_path, catalog, rng)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    proc = start_daemon(workdir, port)
    migrated = time.perf_counter() - started
    try:
        check = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        pairs = check.execute("SELECT COUNT(*) FROM co_purchases").fetchone()[0]
        buyers = check.execute("SELECT customers FROM purchasing_customers").fetchone()[0]
        customers = [row[0] for row in check.execute("SELECT id FROM customers")]
        check.close()
        live_rate = post_live_purchases(port, catalog, rng)
        plain = measure(port, customers, rng, lambda r: "limit=3")
        filtered = measure(port, customers, rng, lambda r: f"limit=5&category=cat-{r.randrange(CATEGORIES)}")
    finally:
        stop_daemon(proc)
    size = os.path.getsize(db_path) / 2**20

    print(f"recommendations: {PRODUCTS:,} products in {CATEGORIES} categories, {purchases:,} purchases by "
          f"{buyers:,} customers, {pairs:,} co-purchase pairs (both ways), database {size:,.0f} MiB; "
          f"release build, {os.cpu_count()} cores")
    print(f"loaded by writing SQLite directly in {loaded:.0f} s; the daemon's migration 5 built the statistics "
          f"in {migrated:.0f} s; then {LIVE_PURCHASES:,} purchases ingested over HTTP at {live_rate:,.0f}/s "
          f"(statistics updated per purchase)")
    print()
    print(f"| {'GET …/recommendations':<36} | {'p50 ms':>7} | {'p90 ms':>7} | {'p99 ms':>7} | {'max ms':>7} | "
          f"{'items':>5} | {'target p99':>10} |")
    print(f"|{'-' * 38}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 7}|{'-' * 12}|")
    for name, (p50, p90, p99, worst, items) in [("limit=3", plain), ("limit=5&category=…", filtered)]:
        verdict = "ok" if p99 <= 5 else "MISSED"
        print(f"| {name:<36} | {p50:>7.2f} | {p90:>7.2f} | {p99:>7.2f} | {worst:>7.2f} | {items:>5.1f} | "
              f"{'<= 5 ' + verdict:>10} |")
    print()
    print(f"{REQUESTS:,} requests each, one at a time over a keep-alive connection, random customers; "
          "items: average recommendations per answer")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

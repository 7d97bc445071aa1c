#!/usr/bin/env python3
"""The storage floor of ingest: what SQLite alone sustains doing exactly nudge's row changes per event.

bench-ingest.py's "reference" inserts one row per event into a one-table database. Nudge does much more per event
(a customer read, facts and stage, the product catalog, co-purchase counters, enrollments), all in nudge's schema
with its indexes, deferred foreign keys and PRAGMAs. This script replays that work without nudge: the same event
mix (bench-ingest.py's generator, same seed), the same SQL text as SQLiteTransaction.swift / SQLiteCoPurchases.swift,
the same row shapes (StoredJSON: sorted keys, no spaces, raw UTF-8), 500 events per `BEGIN IMMEDIATE … COMMIT`,
the same WAL/synchronous/cache/foreign-key settings and the same checkpoint policy (WALCheckpointer.swift: passive
checkpoints on a second connection and thread once the log holds 16,384 pages, the writer finishing the last pass).

How it works:
  1. Schema: the release daemon is started once on an empty workspace and stopped (SIGTERM); its database, migrated
     to the latest version by nudge itself, is copied with VACUUM INTO. Every run starts from a copy of that file.
  2. Plan (untimed): a Python model of JourneyEngine.ingest (FactsUpdater, StageEvaluator with campaigns/stages.yml,
     recordPurchase, the shipped campaigns' triggers, exits and re-entry) turns the events into the list of
     statements nudge would run, batch by batch, with their bound values. The model keeps each customer's state in
     memory, so SELECT results are not needed to decide what comes next; the SELECTs are still executed and their
     rows fetched, as nudge does.
  3. Replay (timed): the statements are executed in order through Python's sqlite3 (each SQL text is prepared once
     and reused from the module's statement cache). Events/s and CPU per 1,000 events are measured over the replay
     only, and include the checkpointer thread, as nudge's CPU includes its own.

Python costs a few µs per statement that nudge's Swift does not pay (or pays differently); the script measures that
overhead with a no-op statement and prints it, so the floor can be read with and without it.

Nudge's daemon also runs the due steps of the enrollments ingest creates (dispatch_log rows, enrollment updates) in
transactions of its own; those are not ingest and are not replayed (at 20,000 events about 1.5 % of the events lead
to one; see the table counts with --with-nudge).

Usage:  python3 Benchmarks/ingest-floor.py [--events N] [--runs K] [--breakdown] [--with-nudge] [--warm N]
  --breakdown   one extra run timing each statement group separately
  --with-nudge  also runs bench-ingest's daemon measurement on the same events, and compares row counts
  --warm N      before each timed run, ingests N other events (another seed) untimed, as a warmed-up nudge would
                have (customers, facts, co-purchases already there); default 0, as bench-ingest starts empty
"""
import argparse, importlib.util, json, os, random, shutil, signal, sqlite3, struct, sys, tempfile, threading, time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench_support import free_port, cpu_seconds, peak_rss_mb  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_ingest", os.path.join(HERE, "bench-ingest.py"))
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

# 500 events per transaction: one POST /v1/events body. The daemon writes the bodies waiting together in one
# transaction (DatabaseQueue), which this floor does not model: it is the floor of a client posting one at a time.
BATCH = bench.BATCH
DAY = 86400.0
CHECKPOINT_AT = 16384  # SQLiteStore: checkpointAt, in pages (64 MiB)
CHECKPOINT_CEILING = CHECKPOINT_AT * 4

# ---------------------------------------------------------------------------------------------------------------
# The statements, verbatim from nudge (whitespace aside). Each has a group name for the breakdown.
# ---------------------------------------------------------------------------------------------------------------

SQL = {}


def statement(name, group, text, select=False):
    SQL[name] = (group, " ".join(text.split()), select)
    return name


CUSTOMER_COLUMNS = """
    id, email, phone, push_tokens, timezone, locale, attributes, consent, created_at, updated_at, stage,
    stage_entered_at, purchase_count, total_spent, first_purchase_at, last_purchase_at, signup_at, trial_ends_at,
    plan, usage, owned_skus, owned_categories, complaints, unsubscribed, unsubscribed_all, stage_check_at"""
ENROLLMENT_COLUMNS = """id, campaign, customer_id, arm, variant, enrolled_at, triggered_at, trigger_event, next_step,
    next_due_at, state, end_reason"""
PRODUCT_COLUMNS = "sku, name, category, price, cost, currency, url, image_url, active"

# JourneyEngine.ingest: the customer, read once per batch (SQLiteTransaction.customer)
READ_CUSTOMER = statement("read_customer", "customer read", f"""
    SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = ?1""",
                          select=True)
# SQLiteTransaction.insertEvent: duplicate check by the UNIQUE id, one row in events + 2 indexes
INSERT_EVENT = statement("insert_event", "event insert", """
    INSERT OR IGNORE INTO events (id, type, customer_id, timestamp, properties) VALUES (?1, ?2, ?3, ?4, ?5)""")
# recordPurchase → SQLiteTransaction.product / saveProduct (a SKU's first purchase teaches the catalog)
READ_PRODUCT = statement("read_product", "purchase: catalog", f"SELECT {PRODUCT_COLUMNS} FROM products WHERE sku = ?1",
                         select=True)
SAVE_PRODUCT = statement("save_product", "purchase: catalog", f"""
    INSERT OR REPLACE INTO products ({PRODUCT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)""")
# recordPurchase → SQLiteCoPurchases.addCoPurchases
ADD_SKU = statement("add_sku", "purchase: co-purchases", """
    INSERT INTO sku_customers (sku, customers) VALUES (?1, 1)
    ON CONFLICT (sku) DO UPDATE SET customers = customers + 1""")
ADD_PAIR = statement("add_pair", "purchase: co-purchases", """
    INSERT INTO co_purchases (sku, other, customers) VALUES (?1, ?2, 1)
    ON CONFLICT (sku, other) DO UPDATE SET customers = customers + 1""")
ADD_PURCHASER = statement("add_purchaser", "purchase: co-purchases", """
    INSERT INTO purchasing_customers (id, customers) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET customers = customers + 1""")
# JourneyEngine.updateStage → SQLiteTransaction.appendStageChange
STAGE_CHANGE = statement("stage_change", "stage history", """
    INSERT INTO stage_history (customer_id, from_stage, to_stage, at) VALUES (?1, ?2, ?3, ?4)""")
# JourneyEngine.applyExits (a purchase may exit plan-limit-push, plan-upgrade-sms, win-back, phone-accessories)
READ_ENROLLMENTS = statement("read_enrollments", "exits", f"""
    SELECT {ENROLLMENT_COLUMNS} FROM enrollments WHERE customer_id = ?1 ORDER BY id""", select=True)
APPEND_LOG = statement("append_log", "exits", """
    INSERT INTO dispatch_log (at, campaign, step, variant, customer_id, channel, status, reason, attempt,
        message_key, provider_id, latency_ms, error)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
UPDATE_ENROLLMENT = statement("update_enrollment", "exits", """
    UPDATE enrollments SET campaign = ?1, customer_id = ?2, arm = ?3, variant = ?4, enrolled_at = ?5,
        triggered_at = ?6, trigger_event = ?7, next_step = ?8, next_due_at = ?9, state = ?10, end_reason = ?11
    WHERE id = ?12""")
# JourneyEngine.react: a trigger fired → SQLiteTransaction.latestEnrollment, then insertEnrollment when admitted
LATEST_ENROLLMENT = statement("latest_enrollment", "triggers/enrollments", f"""
    SELECT {ENROLLMENT_COLUMNS} FROM enrollments WHERE customer_id = ?1 AND campaign = ?2
    ORDER BY id DESC LIMIT 1""", select=True)
INSERT_ENROLLMENT = statement("insert_enrollment", "triggers/enrollments", """
    INSERT INTO enrollments (campaign, customer_id, arm, variant, enrolled_at, triggered_at, trigger_event,
        next_step, next_due_at, state, end_reason)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)""")
# End of JourneyEngine.ingest: each changed customer saved once (SQLiteTransaction.saveCustomer): a customer read in
# the batch is updated, a new one inserted
INSERT_CUSTOMER = statement("insert_customer", "customer save", f"""
    INSERT INTO customers ({CUSTOMER_COLUMNS})
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
        ?22, ?23, ?24, ?25, ?26)
    ON CONFLICT (id) DO NOTHING""")
UPDATE_CUSTOMER = statement("update_customer", "customer save", """
    UPDATE customers SET email = ?2, phone = ?3, push_tokens = ?4, timezone = ?5, locale = ?6,
        attributes = ?7, consent = ?8, updated_at = ?10, stage = ?11, stage_entered_at = ?12,
        purchase_count = ?13, total_spent = ?14, first_purchase_at = ?15, last_purchase_at = ?16,
        signup_at = ?17, trial_ends_at = ?18, plan = ?19, usage = ?20, owned_skus = ?21,
        owned_categories = ?22, complaints = ?23, unsubscribed = ?24, unsubscribed_all = ?25,
        stage_check_at = ?26
    WHERE id = ?1""")
# SQLiteConnection.transaction(immediate: true)
BEGIN = statement("begin", "begin/commit", "BEGIN IMMEDIATE")
COMMIT = statement("commit", "begin/commit", "COMMIT")

NAMES = list(SQL)
CODE = {name: i for i, name in enumerate(NAMES)}
TEXT = [SQL[n][1] for n in NAMES]
IS_SELECT = [SQL[n][2] for n in NAMES]
GROUP = [SQL[n][0] for n in NAMES]


def stored_json(value):
    """StoredJSON.encode: keys sorted, no spaces, UTF-8 unescaped, integral numbers without a fraction."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def epoch(rfc3339):
    return datetime.strptime(rfc3339, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


# ---------------------------------------------------------------------------------------------------------------
# The model of JourneyEngine.ingest for the shipped campaigns: which statements each event causes.
# ---------------------------------------------------------------------------------------------------------------

class Customer:
    """A customer's stored row as nudge holds it in memory."""
    __slots__ = ("id", "created_at", "updated_at", "stage", "stage_entered_at", "purchase_count", "total_spent",
                 "first_purchase_at", "last_purchase_at", "usage", "owned_skus", "owned_categories", "stage_check_at")

    def __init__(self, cid, now):
        self.id, self.created_at, self.updated_at = cid, now, now
        self.stage = self.stage_entered_at = None
        self.purchase_count, self.total_spent = 0, 0.0
        self.first_purchase_at = self.last_purchase_at = None
        self.usage = {}  # metric -> (used, limit)
        self.owned_skus, self.owned_categories = [], []
        self.stage_check_at = None

    def row(self):
        """The values of INSERT_CUSTOMER and UPDATE_CUSTOMER, in CUSTOMER_COLUMNS order."""
        usage = stored_json({m: {"used": u, "limit": l} for m, (u, l) in self.usage.items()})
        return (self.id, None, None, "[]", None, None, "{}", "{}", self.created_at, self.updated_at, self.stage,
                self.stage_entered_at, self.purchase_count, self.total_spent, self.first_purchase_at,
                self.last_purchase_at, None, None, None, usage, stored_json(self.owned_skus),
                stored_json(self.owned_categories), 0, "[]", 0, self.stage_check_at)


def evaluate_stage(c, now):
    """StageEvaluator with campaigns/stages.yml: the first rule that holds, and the next time it may change by time
    alone (ConditionChangeTimes: threshold + 1 s, only times after now)."""
    ratio = max((u / l for u, l in c.usage.values() if l > 0), default=None)
    if c.purchase_count > 0 and now - c.last_purchase_at > 365 * DAY:
        stage = "churned"
    elif c.purchase_count > 0 and now - c.last_purchase_at > 90 * DAY:
        stage = "lapsed"
    elif ratio is not None and ratio >= 0.9:
        stage = "at_plan_limit"
    elif c.purchase_count >= 1 and now - c.first_purchase_at <= 30 * DAY:
        stage = "new_customer"
    elif c.purchase_count >= 1:
        stage = "active"
    else:
        stage = "prospect"
    times = []
    if c.purchase_count > 0:
        times = [c.last_purchase_at + 365 * DAY + 1, c.last_purchase_at + 90 * DAY + 1, c.first_purchase_at + 30 * DAY + 1]
    future = [t for t in times if t > now]
    return stage, (min(future) if future else None)


class Model:
    """Nudge's database state as far as ingest's decisions need it, and the statements each batch runs."""

    def __init__(self, seed):
        self.customers = {}  # id -> Customer (stored)
        self.products = set()  # SKUs in the catalog
        self.enrollments = {}  # customer id -> list of [id, campaign, state, enrolled_at, row values]
        self.enrollment_seq = 0
        self.rng = random.Random(seed)  # holdout arms (nudge hashes; only the share matters here)

    def batch(self, events, now):
        """The statements of one POST /v1/events body: [(code, params)]."""
        ops = [(CODE[BEGIN], ())]
        seen, stored = {}, {}
        for e in events:
            cid = e["customer_id"]
            c = seen.get(cid)
            if c is None:
                ops.append((CODE[READ_CUSTOMER], (cid,)))
                prev = self.customers.get(cid)
                stored[cid] = prev.row() if prev else None
                c = prev if prev else Customer(cid, now)
                seen[cid] = c
            ts = epoch(e["timestamp"])
            props = e["properties"]
            ops.append((CODE[INSERT_EVENT], (e["id"], e["type"], cid, ts, stored_json(props))))  # ids never repeat
            owned_before = list(c.owned_skus)
            # FactsUpdater.apply
            if e["type"] == "purchase":
                c.purchase_count += 1
                c.total_spent += props["total"]
                c.first_purchase_at = min(c.first_purchase_at or ts, ts)
                c.last_purchase_at = max(c.last_purchase_at or ts, ts)
                for item in props["items"]:
                    if item["sku"] not in c.owned_skus:
                        c.owned_skus.append(item["sku"])
                    if item["category"] not in c.owned_categories:
                        c.owned_categories.append(item["category"])
                self.record_purchase(ops, props, owned_before)
            elif e["type"] == "plan_usage":
                c.usage[props["metric"]] = (props["used"], props["limit"])
            self.react(ops, e, c, now)
        # each changed customer once
        for cid, c in seen.items():
            row = c.row()
            if stored[cid] is None:
                ops.append((CODE[INSERT_CUSTOMER], row))
            elif stored[cid] != row:
                ops.append((CODE[UPDATE_CUSTOMER], row))
            self.customers[cid] = c
        ops.append((CODE[COMMIT], ()))
        # The daemon's scheduler runs plan-limit-push's only step (due at once) right after: no longer active.
        for rows in self.enrollments.values():
            for row in rows:
                if row[2] == "active":
                    row[2] = "completed"
        return ops

    def record_purchase(self, ops, props, owned_before):
        """PurchaseRecording.recordPurchase: catalog lookup (saved on a SKU's first sight), co-purchase counters."""
        bought = []
        for item in props["items"]:
            ops.append((CODE[READ_PRODUCT], (item["sku"],)))
            if item["sku"] not in self.products:
                self.products.add(item["sku"])
                ops.append((CODE[SAVE_PRODUCT], (item["sku"], item["name"], item["category"], float(item["price"]),
                                                 None, props["currency"], None, None, 1)))
            bought.append(item["sku"])
        new = [s for s in dict.fromkeys(bought) if s not in owned_before]  # CoPurchaseDelta
        if not new:
            return
        earlier = owned_before
        for s in new:
            ops.append((CODE[ADD_SKU], (s,)))
        for i, s in enumerate(new):
            for other in new[i + 1:] + earlier:
                ops.append((CODE[ADD_PAIR], (s, other)))
                ops.append((CODE[ADD_PAIR], (other, s)))
        if not earlier:
            ops.append((CODE[ADD_PURCHASER], ()))

    def react(self, ops, e, c, now):
        """JourneyEngine.react: stage, exits, then triggers of the shipped campaigns."""
        stage, c.stage_check_at = evaluate_stage(c, now)
        entered = None
        if stage != c.stage:
            ops.append((CODE[STAGE_CHANGE], (c.id, c.stage, stage, now)))
            c.stage, c.stage_entered_at, entered = stage, now, stage
        # mayExit: every campaign with `exit: event: purchase` (or stage lapsed/churned, never reached here)
        if e["type"] == "purchase" or c.stage in ("lapsed", "churned"):
            ops.append((CODE[READ_ENROLLMENTS], (c.id,)))
            for row in self.enrollments.get(c.id, []):
                if row[2] == "active" and row[1] == "plan-limit-push":  # exit: event purchase
                    ops.append((CODE[APPEND_LOG], (now_text(now), "plan-limit-push", "limit-push", None, c.id, "push",
                                                   "suppressed", "exited", 0, None, None, None, None)))
                    row[2] = "exited"
                    values = row[4][:]
                    values[7], values[8], values[9], values[10] = "limit-push", None, "exited", "exited"
                    ops.append((CODE[UPDATE_ENROLLMENT], tuple(values) + (row[0],)))
        # phone-accessories: purchase of a phone → latestEnrollment; its audience (attributes.country == "VN")
        # admits nobody in this benchmark, so nothing is inserted
        if e["type"] == "purchase" and any(i["category"] == "phone" for i in e["properties"]["items"]):
            ops.append((CODE[LATEST_ENROLLMENT], (c.id, "phone-accessories")))
        # plan-upgrade-sms: plan_usage where customer.plan == "co-ban": never (no plan) → no statement
        # plan-limit-push: stage_entered at_plan_limit, reentry after 30d; win-back: stage_entered lapsed (never)
        if entered == "at_plan_limit":
            ops.append((CODE[LATEST_ENROLLMENT], (c.id, "plan-limit-push")))
            rows = self.enrollments.setdefault(c.id, [])
            last = rows[-1] if rows else None
            if last is None or (last[2] != "active" and last[3] + 30 * DAY <= now):
                self.enrollment_seq += 1
                arm = "holdout" if self.rng.random() < 0.05 else "treatment"
                values = ["plan-limit-push", c.id, arm, None, now, now, None, "limit-push", now, "active", None]
                rows.append([self.enrollment_seq, "plan-limit-push", "active", now, values])
                ops.append((CODE[INSERT_ENROLLMENT], tuple(values)))


def now_text(now):
    return datetime.fromtimestamp(now, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def plan(events, model, start):
    """All batches' statements; `now` advances as in a run at about 10,000 events/s."""
    return [model.batch(events[i:i + BATCH], start + i / 10000.0) for i in range(0, len(events), BATCH)]


# ---------------------------------------------------------------------------------------------------------------
# The database: nudge's own schema, PRAGMAs and checkpoint policy.
# ---------------------------------------------------------------------------------------------------------------

def nudge_binary():
    return os.path.abspath(os.environ.get("NUDGE_BINARY", os.path.join(ROOT, ".build-release", "release", "nudge")))


def make_schema(path):
    """Starts the release daemon on an empty workspace, stops it, and copies its migrated (empty) database."""
    bench.BINARY = nudge_binary()
    if not os.access(bench.BINARY, os.X_OK):
        sys.exit(f"build the release binary first ({bench.BINARY} is missing)")
    workdir = tempfile.mkdtemp(prefix="ingestfloor-schema-", dir="/tmp")
    proc = bench.run_daemon(workdir, free_port())
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    src = sqlite3.connect(os.path.join(workdir, "var", "nudge.sqlite"))
    src.execute("VACUUM INTO ?", (path,))
    src.close()
    shutil.rmtree(workdir, ignore_errors=True)


def open_like_nudge(path):
    """SQLiteConnection.init: WAL, synchronous NORMAL, 64 MiB cache, temp_store MEMORY, foreign keys on, 5 s busy."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0, cached_statements=256)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "wal_autocheckpoint = 16384",
                   "cache_size = -65536", "temp_store = MEMORY", "foreign_keys = ON"):
        db.execute("PRAGMA " + pragma)
    return db


class Checkpointer:
    """WALCheckpointer.swift, with the log length read from the wal-index (mxFrame, what SQLite passes to the WAL
    hook) after each commit instead of from a hook, which Python's sqlite3 cannot set. The writer's own automatic
    checkpoint is off, as the hook replaces it."""

    def __init__(self, path, writer):
        self.conn = open_like_nudge(path)
        self.writer = writer
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        self.shm = os.open(path + "-shm", os.O_RDONLY)
        self.state, self.last, self.frames, self.passes, self.restarts = "idle", 0, 0, 0, 0
        self.lock = threading.Lock()
        self.thread = None

    def log_length(self):
        return struct.unpack("=I", os.pread(self.shm, 4, 16))[0]

    def committed(self):
        pages = self.log_length()
        with self.lock:
            self.frames += pages - self.last if pages >= self.last else pages  # frames appended by this commit
            if pages < self.last:
                self.restarts += 1
            self.last = pages
            now = self.state
            if now == "caughtUp":
                self.state = "idle"
            elif now == "idle" and CHECKPOINT_AT <= pages < CHECKPOINT_CEILING:
                self.state = "copying"
        if now == "caughtUp" or (now == "idle" and pages >= CHECKPOINT_CEILING):
            self.writer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        elif now == "idle" and pages >= CHECKPOINT_AT:
            self.thread = threading.Thread(target=self.copy)
            self.thread.start()

    def copy(self):
        logged = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
        for _ in range(3):
            previous = logged
            logged = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
            if logged - previous <= CHECKPOINT_AT // 16:
                break
        with self.lock:
            self.state = "caughtUp"
            self.passes += 1

    def close(self):
        if self.thread:
            self.thread.join()
        self.conn.close()
        os.close(self.shm)


def write_bytes():
    with open("/proc/self/io") as f:
        return int(next(line for line in f if line.startswith("write_bytes")).split()[1])


# ---------------------------------------------------------------------------------------------------------------
# Replay
# ---------------------------------------------------------------------------------------------------------------

def replay(db, checkpointer, batches, timed_groups=False):
    """Executes the planned statements; returns (seconds, per-group seconds, per-group counts)."""
    cur = db.cursor()
    group_time = [0.0] * len(NAMES)
    counts = [0] * len(NAMES)
    commit = CODE[COMMIT]
    clock = time.perf_counter
    start = clock()
    for ops in batches:
        for code, params in ops:
            if timed_groups:
                t = clock()
            cur.execute(TEXT[code], params)
            if IS_SELECT[code]:
                cur.fetchall()
            if code == commit:
                checkpointer.committed()
            if timed_groups:
                group_time[code] += clock() - t
            counts[code] += 1
    return clock() - start, group_time, counts


def python_overhead(db, batches, samples=3000):
    """Seconds per execute() that Python adds, per statement: each statement's own bound values (a sample from the
    plan) bound to a statement that does nothing in SQLite (`SELECT ?1, …, ?k WHERE 0`), and for a SELECT the same
    number of columns fetched as one row. Returns {code: seconds per call}."""
    samples_by_code = {}
    for ops in batches:
        for code, params in ops:
            taken = samples_by_code.setdefault(code, [])
            if len(taken) < samples:
                taken.append(params)
    cur = db.cursor()
    columns = {READ_CUSTOMER: 26, READ_PRODUCT: 9, READ_ENROLLMENTS: 12, LATEST_ENROLLMENT: 12}
    result = {}
    for code, params_list in samples_by_code.items():
        k = len(params_list[0])
        binds = ", ".join(f"?{i + 1}" for i in range(k)) or "1"
        if IS_SELECT[code]:
            width = columns[NAMES[code]]
            sql = f"SELECT {binds}" + ", 'abcdefghij', 1.5" * ((width - max(k, 1)) // 2) + ", NULL" * ((width - max(k, 1)) % 2)
        else:
            sql = f"SELECT {binds} WHERE 0"
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            for params in params_list:
                cur.execute(sql, params)
                cur.fetchall()
            best = min(best, (time.perf_counter() - start) / len(params_list))
        result[code] = best
    return result


def run_once(schema, events, warm_events, timed_groups, label):
    path = os.path.join(tempfile.mkdtemp(prefix="ingestfloor-run-", dir="/tmp"), "floor.sqlite")
    shutil.copyfile(schema, path)
    db = open_like_nudge(path)
    checkpointer = Checkpointer(path, db)
    model = Model(seed=7)
    now = time.time()
    if warm_events:
        replay(db, checkpointer, plan(warm_events, model, now - 3600), False)
    batches = plan(events, model, now)
    frames0, io0, cpu0 = checkpointer.frames, write_bytes(), time.process_time()
    seconds, group_time, counts = replay(db, checkpointer, batches, timed_groups)
    cpu = time.process_time() - cpu0
    if checkpointer.thread:
        checkpointer.thread.join()
    io = write_bytes() - io0
    frames = checkpointer.frames - frames0
    n = len(events)
    result = dict(label=label, rate=n / seconds, cpu_ms=cpu * 1e6 / n, seconds=seconds, wal_per_event=frames * 4120 / n,
                  io_per_event=io / n, passes=checkpointer.passes, restarts=checkpointer.restarts,
                  group_time=group_time, counts=counts, path=path)
    checkpointer.close()
    db.close()
    return result


# ---------------------------------------------------------------------------------------------------------------
# Nudge itself (optional), on the same events
# ---------------------------------------------------------------------------------------------------------------

def run_nudge(events):
    bench.BINARY = nudge_binary()
    workdir = tempfile.mkdtemp(prefix="ingestfloor-nudge-", dir="/tmp")
    elapsed, cpu, _, rss = bench.measure_daemon(events, workdir)
    return dict(rate=len(events) / elapsed, cpu_ms=cpu * 1e6 / len(events), rss=rss,
                path=os.path.join(workdir, "var", "nudge.sqlite"), workdir=workdir)


TABLES = ["customers", "events", "products", "sku_customers", "co_purchases", "stage_history",
          "enrollments", "dispatch_log"]


def table_counts(path):
    db = sqlite3.connect(path)
    counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    counts["sum(co_purchases.customers)"] = db.execute("SELECT TOTAL(customers) FROM co_purchases").fetchone()[0]
    counts["purchasing_customers"] = (db.execute("SELECT customers FROM purchasing_customers").fetchone() or [0])[0]
    db.close()
    return counts


# ---------------------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--breakdown", action="store_true", help="one extra run timing each statement group")
    parser.add_argument("--with-nudge", action="store_true", help="also measure the daemon on the same events")
    parser.add_argument("--warm", type=int, default=0, help="events ingested untimed before each run")
    parser.add_argument("--keep", action="store_true", help="keep the databases in /tmp")
    args = parser.parse_args()

    bench.EVENTS = args.events
    events = bench.make_events(random.Random(42))  # bench-ingest's events, same seed
    warm = []
    if args.warm:
        bench.EVENTS = args.warm
        warm = [dict(e, id="w" + e["id"]) for e in bench.make_events(random.Random(4242))]

    schema_dir = tempfile.mkdtemp(prefix="ingestfloor-schema-copy-", dir="/tmp")
    schema = os.path.join(schema_dir, "schema.sqlite")
    make_schema(schema)

    results = [run_once(schema, events, warm, False, f"floor run {i + 1}") for i in range(args.runs)]
    breakdown = run_once(schema, events, warm, True, "breakdown") if args.breakdown else None
    probe = open_like_nudge(":memory:")
    overhead = python_overhead(probe, plan(events, Model(seed=7), time.time()))
    probe.close()
    nudge = run_nudge(events) if args.with_nudge else None

    counts = results[0]["counts"]
    n = len(events)
    calls = sum(counts)
    print(f"ingest floor: {n:,} events (bench-ingest mix, seed 42), {bench.CUSTOMERS:,} customers, batches of {BATCH}, "
          f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores" + (f", after {args.warm:,} warm-up events" if args.warm else ", empty database at start"))
    print()
    print(f"| {'run':<22} | {'events/s':>10} | {'CPU ms / 1k ev':>14} | {'WAL B / ev':>10} | {'disk write B / ev':>17} | {'ckpt passes':>11} |")
    print(f"|{'-' * 24}|{'-' * 12}|{'-' * 16}|{'-' * 12}|{'-' * 19}|{'-' * 13}|")
    for r in results + ([breakdown] if breakdown else []):
        print(f"| {r['label']:<22} | {r['rate']:>10,.0f} | {r['cpu_ms']:>14,.1f} | {r['wal_per_event']:>10,.0f} | "
              f"{r['io_per_event']:>17,.0f} | {r['passes']:>11} |")
    if nudge:
        print(f"| {'nudge daemon':<22} | {nudge['rate']:>10,.0f} | {nudge['cpu_ms']:>14,.1f} | {'':>10} | {'':>17} | {'':>11} |")
    rates = [r["rate"] for r in results]
    cpus = [r["cpu_ms"] for r in results]
    print()
    print(f"floor: {min(rates):,.0f}–{max(rates):,.0f} events/s, {min(cpus):.1f}–{max(cpus):.1f} ms CPU per 1,000 events")
    py_seconds = sum(overhead[code] * counts[code] for code in overhead)
    print(f"Python's sqlite3 overhead (same bound values on a statement SQLite does nothing for): "
          f"{py_seconds / calls * 1e6:.2f} µs per execute() on average × {calls / n:.2f} statements per event "
          f"≈ {py_seconds / n * 1e6:.1f} ms per 1,000 events of the time and CPU above")
    print(f"floor without it: {min(n / (r['seconds'] - py_seconds) for r in results):,.0f}–"
          f"{max(n / (r['seconds'] - py_seconds) for r in results):,.0f} events/s, "
          f"{min(cpus) - py_seconds / n * 1e6:.1f}–{max(cpus) - py_seconds / n * 1e6:.1f} ms CPU per 1,000 events")
    print()
    print("statements replayed (all runs identical), per event:")
    print(f"| {'statement':<18} | {'group':<24} | {'count':>9} | {'per event':>9} |")
    print(f"|{'-' * 20}|{'-' * 26}|{'-' * 11}|{'-' * 11}|")
    for i, name in enumerate(NAMES):
        print(f"| {name:<18} | {GROUP[i]:<24} | {counts[i]:>9,} | {counts[i] / n:>9.3f} |")
    print(f"| {'total':<18} | {'':<24} | {calls:>9,} | {calls / n:>9.3f} |")
    if breakdown:
        print()
        print("time per statement group (breakdown run, wall clock inside execute()+fetch, incl. Python overhead):")
        groups = {}
        for i in range(len(NAMES)):
            g = groups.setdefault(GROUP[i], [0.0, 0])
            g[0] += breakdown["group_time"][i]
            g[1] += breakdown["counts"][i]
        total = sum(g[0] for g in groups.values())
        py_group = {}
        for code, each in overhead.items():
            py_group[GROUP[code]] = py_group.get(GROUP[code], 0.0) + each * breakdown["counts"][code]
        print(f"| {'group':<24} | {'µs / event':>10} | {'share':>6} | {'µs / statement':>14} | "
              f"{'µs / event − Python':>19} |")
        print(f"|{'-' * 26}|{'-' * 12}|{'-' * 8}|{'-' * 16}|{'-' * 21}|")
        for name, (t, c) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
            print(f"| {name:<24} | {t * 1e6 / n:>10.1f} | {t / total:>6.1%} | {t * 1e6 / max(c, 1):>14.1f} | "
                  f"{(t - py_group.get(name, 0.0)) * 1e6 / n:>19.1f} |")
    if nudge:
        print()
        print("row counts after the run, floor (run 1) against nudge (same events; nudge's dispatch_log rows come from "
              "its scheduler, not from ingest):")
        mine, theirs = table_counts(results[0]["path"]), table_counts(nudge["path"])
        for key in mine:
            print(f"  {key:<30} floor {mine[key]:>10,.0f}   nudge {theirs[key]:>10,.0f}")
        print(f"  nudge peak RSS {nudge['rss']:.0f} MB")
    if not args.keep:
        for r in results + ([breakdown] if breakdown else []):
            shutil.rmtree(os.path.dirname(r["path"]), ignore_errors=True)
        if nudge:
            shutil.rmtree(nudge["workdir"], ignore_errors=True)
        shutil.rmtree(schema_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

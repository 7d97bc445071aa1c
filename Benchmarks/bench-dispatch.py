#!/usr/bin/env python3
"""make bench-dispatch: how fast the running daemon empties its outbox, against a C load generator.

Email: N messages (default 20,000) go from the release daemon to Postfix's smtp-sink over `smtp` at concurrency
16; in the same run `smtp-source -s 16 -d` (16 sessions, connections reused) sends the same count of messages of
the same size to an identical smtp-sink: the fair reference for the sink and the machine. HTTP (once the `http`
transport exists in this build): N push messages to the nginx sink over `http` at concurrency 16, against `wrk`
with 16 connections posting the same body to an identical nginx sink. Target ratios nudge/reference: 0.5 for
email, 0.4 for HTTP.

Each round also runs the floor: bare libcurl (Benchmarks/curl-floor, C) sending the same count with the daemon's own
thread layout (16 threads of one SMTP transfer each; 2 threads sharing 16 HTTP transfers) to another fresh sink.
It shows how much of the gap to the reference is libcurl's and how much is the daemon's own work.

Only the dispatch phase is timed. Filling: the daemon runs on the workspace with the channel on the `file`
transport at `rate: 1/h`, so that it renders all N+1 messages into its outbox (customers over the API, signups
in NDJSON batches, a campaign that sends at once) but lets only the first out, to a file. It is stopped with
SIGTERM (which queues again what it had claimed). Dispatch: it is started again on a copy of that database with
the channel on the real transport, and sends the N queued messages. Three rounds (BENCH_ROUNDS) alternate nudge
and the reference, each against a fresh sink, so that both see the same load on a shared machine; the round with
the median ratio is reported. The rate is the count of `sent` rows in the
dispatch log between its first and last batch of outcomes, divided by the time between them (the wall time from
the start of the process, startup included, is shown too). The dispatch log is durable: every outcome is
committed to SQLite (WAL) and a line is logged per message, as in production.

The smtp-sinks keep what they receive on tmpfs (/dev/shm when there is one): smtp-sink creates a file per message,
and on a disk file system the cost of creating one varies several-fold with the disk's recent history (ext4
without a journal scans past every recently deleted inode), which made the reference rate swing between 2,300 and
8,500 messages/s from one round to the next. The nginx sinks, which append to one file, stay on disk as before
(on tmpfs, wrk's rate fell by a quarter, which would flatter the ratio). The daemon's own database stays on disk.
Nothing is deleted until the run ends, so no round runs in the wake of another's deletions.

Every program runs in a session of its own: the daemon, each sink, smtp-source, wrk and the floor. In production they
are separate services, each in its own cgroup, and the scheduler shares the CPU between services. Inside one session
(one autogroup, Debian's default), it shares it between threads. The daemon has some twenty threads and smtp-sink
has one, so the sink then waited for a core before each reply, and every SMTP connection with it. Run that way, the
benchmark measured the scheduler's per-thread split more than the daemon's work. With the daemon unchanged, its
email rate went from about 4,400 to 4,700-5,400 messages/s and its HTTP rate from 10,000-11,000 to 12,000-12,600
requests/s; the references' rates moved within their usual spread.
"""
import atexit, http.client, json, os, re, resource, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, threading
import time
from datetime import datetime, timezone
from bench_support import free_port, peak_rss_mb, cpu_seconds

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.abspath(os.environ.get("NUDGE_BINARY", os.path.join(ROOT, ".build", "release", "nudge")))
PEERS = os.path.join(ROOT, "Tests", "Peers")
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "20000"))
CONCURRENCY = 16
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))
# Timed rounds, each nudge then the reference on the same fresh sink set-up; the median round is reported (the
# machine may be shared: alternating keeps both sides under the same load).
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
HALVES = os.environ.get("BENCH_HALVES", "smtp,http").split(",")
TOKEN = "bench-token-0123456789abcdef"
API_CONNECTIONS = 4
# The daemon's loop threads for an http channel (HTTPMessageTransport's lane); the floor uses as many.
HTTP_THREADS = 2
SIGNUP_BATCH = 500


# Whatever is still running when the script ends (an error included) is stopped.
RUNNING = []


@atexit.register
def stop_everything():
    for thing in reversed(RUNNING):
        thing.cleanup()


# Each program runs in a session of its own, out of reach of a signal to the benchmark's: a benchmark stopped with
# SIGTERM or SIGHUP exits through the cleanup above, which stops them.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
signal.signal(signal.SIGHUP, lambda *_: sys.exit(1))


class Peer:
    """A sink from Tests/Peers, started on a free port in a folder of its own."""

    def __init__(self, script, workdir, name, env=None):
        self.script = os.path.join(PEERS, script)
        self.dir = os.path.join(workdir, name)
        self.port = free_port()
        run = subprocess.run(["bash", self.script, "start", str(self.port), self.dir], capture_output=True, text=True,
                             env={**os.environ, **(env or {})}, start_new_session=True)
        if run.returncode != 0:
            sys.exit(f"{script} did not start:\n{run.stdout}{run.stderr}")
        RUNNING.append(self)

    def stop(self):
        subprocess.run(["bash", self.script, "stop", self.dir], capture_output=True)

    cleanup = stop

    def pid(self):
        with open(os.path.join(self.dir, "pid")) as f:
            return int(f.read())


class Daemon:
    """The release binary on a workspace of its own; each `start` is a new process on the same database."""

    def __init__(self, workdir, channel_config):
        self.dir = workdir
        self.port = free_port()
        self.log_path = os.path.join(workdir, "daemon.log")
        self.configure(channel_config)
        self.proc = None
        RUNNING.append(self)

    def cleanup(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def configure(self, channel_config):
        with open(os.path.join(self.dir, "nudge.yml"), "w") as f:
            f.write(f"data_dir: ./var\ncampaigns_dir: ./campaigns\ntemplates_dir: ./templates\n"
                    f"listen: 127.0.0.1:{self.port}\napi_token: {TOKEN}\nquiet_hours: off\n"
                    f"channels:\n{channel_config}")

    def start(self):
        """Starts the daemon; returns None when ready, else the reason it stopped."""
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([BINARY, "run", "--config", "nudge.yml"], cwd=self.dir, stdout=log, stderr=log,
                                     start_new_session=True)
        self.started = time.perf_counter()
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                with open(self.log_path) as f:
                    lines = [line for line in f.read().splitlines() if line.startswith("nudge:")]
                return (lines[-1] if lines else f"exit status {self.proc.returncode}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    return None
            except OSError:
                pass
            time.sleep(0.05)
        self.proc.kill()
        sys.exit("the daemon did not become ready; see " + self.log_path)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(timeout=60)
        if status != 0:
            sys.exit(f"the daemon exited with status {status}; see {self.log_path}")

    def database(self):
        return sqlite3.connect(f"file:{os.path.join(self.dir, 'var', 'nudge.sqlite')}?mode=ro", uri=True)

    def count(self, sql):
        db = self.database()
        try:
            return db.execute(sql).fetchone()[0]
        finally:
            db.close()

    def api(self, requests):
        """Sends (method, path, body, content type) requests over several keep-alive connections."""
        queue = list(requests)
        lock = threading.Lock()
        errors = []

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            while True:
                with lock:
                    if not queue:
                        return
                    method, path, body, kind = queue.pop()
                conn.request(method, path, body=body.encode(),
                             headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": kind})
                reply = conn.getresponse()
                data = reply.read()
                if reply.status not in (200, 202):
                    errors.append((path, reply.status, data[:300]))

        threads = [threading.Thread(target=worker) for _ in range(API_CONNECTIONS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            sys.exit(f"{len(errors)} API requests were refused, first: {errors[0]}")


def workspace(workdir, campaign, template_name, template):
    os.makedirs(os.path.join(workdir, "campaigns"))
    shutil.copy(os.path.join(ROOT, "campaigns", "stages.yml"), os.path.join(workdir, "campaigns"))
    shutil.copytree(os.path.join(ROOT, "templates"), os.path.join(workdir, "templates"))
    name = re.search(r"^campaign: (\S+)", campaign, re.M).group(1)
    with open(os.path.join(workdir, "campaigns", name + ".yml"), "w") as f:
        f.write(campaign)
    with open(os.path.join(workdir, "templates", template_name), "w") as f:
        f.write(template)


def fill(daemon, channel, count, profile):
    """Renders `count` messages into the outbox with the channel held (file transport, 1/h); returns the seconds."""
    started = time.perf_counter()
    reason = daemon.start()
    if reason:
        sys.exit(f"the daemon refused the filling configuration: {reason}")
    daemon.api([("PUT", f"/v1/customers/c{i}", json.dumps(profile(i), ensure_ascii=False), "application/json")
                for i in range(count)])
    at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    lines = [json.dumps({"id": f"signup-{i}", "type": "signup", "customer_id": f"c{i}", "timestamp": at})
             for i in range(count)]
    daemon.api([("POST", "/v1/events", "\n".join(lines[i:i + SIGNUP_BATCH]), "application/x-ndjson")
                for i in range(0, count, SIGNUP_BATCH)])
    deadline = time.time() + 600
    while daemon.count(f"SELECT COUNT(*) FROM outbox WHERE channel = '{channel}'") < count:
        if time.time() > deadline:
            sys.exit("the outbox did not fill; see " + daemon.log_path)
        time.sleep(0.2)
    daemon.stop()
    queued = daemon.count(f"SELECT COUNT(*) FROM outbox WHERE channel = '{channel}' AND state = 'queued'")
    if queued != count - 1:
        sys.exit(f"expected {count - 1} queued messages after filling, found {queued}")
    return time.perf_counter() - started


def dispatch(daemon, channel, count):
    """Starts the daemon on the filled outbox and waits until `count` more messages are sent; returns figures."""
    before = daemon.count("SELECT COALESCE(MAX(seq), 0) FROM dispatch_log")
    reason = daemon.start()
    if reason:
        return {"refused": reason}
    pid = daemon.proc.pid
    deadline = time.time() + 600
    # Each poll reads only the log rows written since the last one, on one connection: the machine has two cores,
    # and a poller scanning the whole log ten times a second would take its share from the daemon.
    db = daemon.database()
    seen, sent = before, 0
    try:
        while sent < count:
            if time.time() > deadline or daemon.proc.poll() is not None:
                sys.exit("the messages were not all sent; see " + daemon.log_path)
            # One writer, whole transactions: every row up to the highest seq is committed.
            top = db.execute("SELECT COALESCE(MAX(seq), 0) FROM dispatch_log").fetchone()[0]
            if top > seen:
                failure = db.execute("SELECT status, error FROM dispatch_log WHERE seq > ? AND seq <= ? "
                                     "AND status != 'sent' LIMIT 1", (seen, top)).fetchone()
                if failure:
                    sys.exit(f"a message was not sent ({failure[0]}: {failure[1]}); see {daemon.log_path}")
                sent += db.execute("SELECT COUNT(*) FROM dispatch_log WHERE seq > ? AND seq <= ?",
                                   (seen, top)).fetchone()[0]
                seen = top
            if sent < count:
                time.sleep(0.1)
    finally:
        db.close()
    wall = time.perf_counter() - daemon.started
    cpu = cpu_seconds(pid)
    rss = peak_rss_mb(pid)
    db = daemon.database()
    stamps = [row[0] for row in db.execute(
        f"SELECT at FROM dispatch_log WHERE seq > {before} AND status = 'sent' ORDER BY seq")]
    others = db.execute(f"SELECT status, COUNT(*) FROM dispatch_log WHERE seq > {before} AND status != 'sent' "
                        "GROUP BY status").fetchall()
    db.close()
    daemon.stop()
    times = [datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() for s in stamps]
    first, last = times[0], times[-1]
    after_first = sum(1 for t in times if t > first)
    return {"rate": after_first / (last - first), "wall": wall, "cpu": cpu, "rss": rss, "others": others}


def timed(argv):
    """Runs a reference program; returns (seconds, CPU seconds, output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run(argv, capture_output=True, text=True, start_new_session=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        sys.exit(f"{argv[0]} failed ({run.returncode}):\n{run.stdout}{run.stderr}")
    return elapsed, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), run.stdout


FLOOR_SOURCES = os.path.join(ROOT, "Benchmarks", "curl-floor")


def build_floor(name, workdir):
    """Compiles Benchmarks/curl-floor/<name>.c against the system libcurl; returns the program's path."""
    program = os.path.join(workdir, name)
    compiler = shutil.which("cc") or shutil.which("clang")  # the Swift toolchain brings clang
    if not compiler:
        sys.exit("no C compiler (cc or clang) to build the bare-libcurl floor")
    run = subprocess.run([compiler, "-O2", "-o", program, os.path.join(FLOOR_SOURCES, name + ".c"), "-lcurl", "-lpthread"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"cannot build {name}:\n{run.stdout}{run.stderr}")
    return program


def floor(program, port, count, threads, env):
    """Runs a bare-libcurl program at the benchmark's concurrency; returns its rate and CPU seconds."""
    run = subprocess.run([program, str(port), str(count), str(CONCURRENCY), str(threads)], capture_output=True,
                         text=True, env={**os.environ, **env}, start_new_session=True)
    if run.returncode != 0:
        sys.exit(f"{os.path.basename(program)} failed ({run.returncode}):\n{run.stdout}{run.stderr}")
    figures = dict(field.split("=") for field in run.stdout.split())
    return {"floor_rate": float(figures["rate"]), "floor_cpu": float(figures["cpu_us_per_transfer"]) * count / 1e6}


def stored_mail(sink, sender):
    """The average size of the messages an smtp-sink stored; exits unless `sender` delivered every one."""
    received = files_in(os.path.join(sink.dir, "mail"))
    if len(received) != MESSAGES:
        sys.exit(f"{sender} delivered {len(received)} messages to smtp-sink, expected {MESSAGES}")
    return sum(os.path.getsize(p) for p in received) // len(received)


def files_in(folder):
    return [os.path.join(folder, name) for name in os.listdir(folder)]


EMAIL_CAMPAIGN = """campaign: bench-offer
name: Ưu đãi cuối tuần
kind: promotion
trigger:
  event: signup
steps:
  - id: offer
    channel: email
    after: 0m
    before: 1d
    template: bench-offer
"""

EMAIL_TEMPLATE = """---
subject: "{{customer.attributes.name}} ơi, ưu đãi cuối tuần dành cho bạn"
preheader: Giảm 20% cho phụ kiện trong 48 giờ
---
<html>
<body>
  <h1>Chào {{customer.attributes.name}},</h1>
  <p>Cuối tuần này, tất cả phụ kiện điện thoại đều được giảm 20%: ốp lưng, tai nghe, miếng dán màn hình và
  sạc dự phòng. Ưu đãi chỉ có trong 48 giờ, số lượng có hạn.</p>
  <p>Cảm ơn bạn đã mua sắm cùng chúng tôi.</p>
  {{> footer}}
</body>
</html>
"""

PUSH_CAMPAIGN = """campaign: bench-push
name: Thông báo đẩy
kind: promotion
trigger:
  event: signup
steps:
  - id: hello
    channel: push
    after: 0m
    before: 1d
    template: bench-push
"""

PUSH_TEMPLATE = """---
title: "Chào {{customer.attributes.name}}"
url: "shop://offers/weekend"
---
Ưu đãi cuối tuần: giảm 20% cho phụ kiện trong 48 giờ.
"""


def copy_workspace(template, target):
    """A fresh copy of a filled workspace, for one timed round (the outbox as filling left it)."""
    shutil.copytree(template, target, ignore=shutil.ignore_patterns("daemon.log", "held"))


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def summarize(rounds):
    """The round with the median nudge/reference ratio, with every round's ratio."""
    ratios = [r["rate"] / r["ref_rate"] for r in rounds]
    chosen = sorted(zip(ratios, range(len(rounds))))[len(rounds) // 2][1]
    return {**rounds[chosen], "ratios": ratios, "rates": [r["rate"] for r in rounds],
            "ref_rates": [r["ref_rate"] for r in rounds], "floor_rates": [r["floor_rate"] for r in rounds],
            "rss": max(r["rss"] for r in rounds)}


def smtp_half(workdir, sinks):
    count = MESSAGES + 1
    template = os.path.join(workdir, "smtp")
    os.makedirs(template)
    workspace(template, EMAIL_CAMPAIGN, "bench-offer.email.mustache", EMAIL_TEMPLATE)
    filler = Daemon(template, "  email: {transport: file, dir: ./held, rate: 1/h}\n")
    filled = fill(filler, "email", count,
                  lambda i: {"email": f"c{i}@example.vn", "attributes": {"name": f"Khách {i}"}})
    smtp_floor = build_floor("smtp-floor", workdir)
    rounds = []
    for number in range(ROUNDS):
        ws = os.path.join(workdir, f"smtp-{number}")
        copy_workspace(template, ws)
        sink = Peer("smtp-sink.sh", sinks, f"smtp-sink-nudge-{number}")
        try:
            daemon = Daemon(ws, f"  email:\n    transport: smtp\n    url: smtp://127.0.0.1:{sink.port}\n"
                                f"    starttls: off\n    from: \"Cửa hàng <shop@example.vn>\"\n"
                                f"    concurrency: {CONCURRENCY}\n")
            result = dispatch(daemon, "email", MESSAGES)
            sink_cpu = cpu_seconds(sink.pid())
        finally:
            sink.stop()
        size = stored_mail(sink, "nudge")

        reference_sink = Peer("smtp-sink.sh", sinks, f"smtp-sink-reference-{number}")
        try:
            # smtp-source adds about 150 bytes of headers; smtp-sink prepends the same headers to both.
            elapsed, ref_cpu, _ = timed(["smtp-source", "-s", str(CONCURRENCY), "-d", "-m", str(MESSAGES), "-l",
                                         str(max(1, size - 400)), "-f", "shop@example.vn", "-t", "c@example.vn",
                                         f"127.0.0.1:{reference_sink.port}"])
            ref_sink_cpu = cpu_seconds(reference_sink.pid())
        finally:
            reference_sink.stop()
        ref_size = stored_mail(reference_sink, "smtp-source")

        floor_sink = Peer("smtp-sink.sh", sinks, f"smtp-sink-floor-{number}")
        try:
            # The floor's message is written to the size of nudge's as the sink stored it, less the headers
            # smtp-sink prepends (as for smtp-source, about 200 bytes).
            bare = floor(smtp_floor, floor_sink.port, MESSAGES, CONCURRENCY,
                         {"FLOOR_MESSAGE_SIZE": str(max(1000, size - 200))})
        finally:
            floor_sink.stop()
        floor_size = stored_mail(floor_sink, "bare libcurl")
        rounds.append({**result, "size": size, "ref_rate": MESSAGES / elapsed, "ref_cpu": ref_cpu,
                       "ref_size": ref_size, "sink_cpu": sink_cpu, "ref_sink_cpu": ref_sink_cpu, **bare,
                       "floor_size": floor_size})
    return {**summarize(rounds), "filled": filled}


def http_half(workdir):
    count = MESSAGES + 1
    template = os.path.join(workdir, "http")
    os.makedirs(template)
    workspace(template, PUSH_CAMPAIGN, "bench-push.push.mustache", PUSH_TEMPLATE)

    def real(port):
        return f"  push:\n    transport: http\n    url: http://127.0.0.1:{port}/push\n    concurrency: {CONCURRENCY}\n"

    # Does this build have the http transport? Ask the daemon itself, on an empty workspace.
    probe_dir = os.path.join(workdir, "http-probe")
    os.makedirs(probe_dir)
    workspace(probe_dir, PUSH_CAMPAIGN, "bench-push.push.mustache", PUSH_TEMPLATE)
    probe = Daemon(probe_dir, real(free_port()))
    reason = probe.start()
    if reason:
        return {"refused": reason}
    probe.stop()

    filler = Daemon(template, "  push: {transport: file, dir: ./held, rate: 1/h}\n")
    filled = fill(filler, "push", count, lambda i: {
        "push_tokens": [f"token-{i:06d}-abcdefghijklmnopqrstuvwxyz"], "consent": {"push": True},
        "attributes": {"name": f"Khách {i}"}})
    http_floor = build_floor("http-floor", workdir)
    rounds = []
    for number in range(ROUNDS):
        ws = os.path.join(workdir, f"http-{number}")
        copy_workspace(template, ws)
        sink = Peer("nginx-sink.sh", workdir, f"nginx-nudge-{number}")
        try:
            result = dispatch(Daemon(ws, real(sink.port)), "push", MESSAGES)
            if "refused" in result:
                return result
            sink_cpu = cpu_seconds(sink.pid())
        finally:
            sink.stop()
        with open(os.path.join(sink.dir, "requests.jsonl")) as f:
            pushed = [r for r in (json.loads(line) for line in f if line.strip()) if r["path"] == "/push"]
        if len(pushed) != MESSAGES:
            sys.exit(f"the nginx sink received {len(pushed)} requests, expected {MESSAGES}")
        body = pushed[0]["body"]
        content_type = pushed[0]["content_type"] or "application/json"

        reference_sink = Peer("nginx-sink.sh", workdir, f"nginx-reference-{number}")
        try:
            script = os.path.join(workdir, "post.lua")
            with open(script, "w") as f:
                f.write(f"wrk.method = \"POST\"\nwrk.body = {json.dumps(body)}\n"
                        f"wrk.headers[\"Content-Type\"] = {json.dumps(content_type)}\n"
                        f"wrk.headers[\"Idempotency-Key\"] = \"bench-push/hello/c1/1\"\n")
            _, ref_cpu, output = timed(["wrk", "-t2", f"-c{CONCURRENCY}", f"-d{WRK_SECONDS}s", "-s", script,
                                        f"http://127.0.0.1:{reference_sink.port}/push"])
            ref_sink_cpu = cpu_seconds(reference_sink.pid())
        finally:
            reference_sink.stop()
        match = re.search(r"Requests/sec:\s+([\d.]+)", output)
        if not match:
            sys.exit("cannot read wrk's rate:\n" + output)
        ref_rate = float(match.group(1))

        floor_sink = Peer("nginx-sink.sh", workdir, f"nginx-floor-{number}")
        try:
            bare = floor(http_floor, floor_sink.port, MESSAGES, HTTP_THREADS, {"FLOOR_BODY": body})
        finally:
            floor_sink.stop()
        rounds.append({**result, "size": len(body.encode()), "ref_rate": ref_rate, "ref_cpu": ref_cpu,
                       "ref_count": int(ref_rate * WRK_SECONDS), "sink_cpu": sink_cpu, "ref_sink_cpu": ref_sink_cpu,
                       **bare})
    return {**summarize(rounds), "filled": filled}


def row(measure, value, target="", ratio=""):
    print(f"| {measure:<54} | {value:>17} | {target:>10} | {ratio:>7} |")


def main():
    if not os.access(BINARY, os.X_OK):
        sys.exit(f"build the release binary first: swift build -c release ({BINARY} is missing)")
    # Both folders go when the script ends, however it ends (rounds keep their files until then).
    workdir = tempfile.mkdtemp(prefix="nudge-bench-dispatch-")
    sinks = tempfile.mkdtemp(prefix="nudge-bench-sinks-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    for folder in (workdir, sinks):
        os.chmod(folder, 0o755)  # smtp-sink runs as nobody when started as root
        atexit.register(shutil.rmtree, folder, True)
    results = {}
    load_before = os.getloadavg()[0]
    if "smtp" in HALVES:
        results["smtp"] = smtp_half(workdir, sinks)
    if "http" in HALVES:
        results["http"] = http_half(workdir)

    print(f"dispatch: {MESSAGES:,} messages per transport, concurrency {CONCURRENCY}, release build, "
          f"{os.cpu_count()} cores; durable dispatch log (SQLite WAL) and one log line per message")
    print("method: the outbox is filled first (the daemon renders N+1 messages with the channel held at "
          "rate 1/h on the file transport, then stops);")
    print("        the daemon then starts again on a copy of that database with the real transport and is timed "
          "from its first to its last batch of `sent` outcomes;")
    print(f"        {ROUNDS} rounds of nudge then the reference, each on a fresh sink; the round with the median "
          f"ratio is shown (load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)")
    print()
    print(f"| {'measure':<54} | {'value':>17} | {'target':>10} | {'ratio':>7} |")
    print(f"|{'-' * 56}|{'-' * 19}|{'-' * 12}|{'-' * 9}|")
    smtp = results.get("smtp")
    if smtp:
        ratio = smtp["rate"] / smtp["ref_rate"]
        row("email: nudge → smtp-sink, messages/s", f"{smtp['rate']:,.0f}")
        row(f"email: smtp-source -s {CONCURRENCY} -d → smtp-sink, messages/s", f"{smtp['ref_rate']:,.0f}")
        row("email: ratio nudge / smtp-source", f"{ratio:.2f}", ">= 0.5", f"{ratio / 0.5:.2f}x")
        row("email: ratio in each round", " ".join(f"{r:.2f}" for r in smtp["ratios"]))
        row(f"email: bare libcurl, {CONCURRENCY} threads → smtp-sink, msg/s", f"{smtp['floor_rate']:,.0f}")
        row("email: ratio bare libcurl / smtp-source", f"{smtp['floor_rate'] / smtp['ref_rate']:.2f}")
        row("email: ratio nudge / bare libcurl", f"{smtp['rate'] / smtp['floor_rate']:.2f}")
        row("email: bare libcurl messages/s in each round", " ".join(f"{r:.0f}" for r in smtp["floor_rates"]))
        row("email: nudge messages/s in each round", " ".join(f"{r:.0f}" for r in smtp["rates"]))
        row("email: smtp-source messages/s in each round", " ".join(f"{r:.0f}" for r in smtp["ref_rates"]))
        row("email: nudge wall time incl. startup, s", f"{smtp['wall']:.2f}")
        row("email: nudge CPU per message (startup incl.), µs", f"{smtp['cpu'] * 1e6 / MESSAGES:,.0f}")
        row("email: smtp-source CPU per message, µs", f"{smtp['ref_cpu'] * 1e6 / MESSAGES:,.0f}")
        row("email: bare libcurl CPU per message, µs", f"{smtp['floor_cpu'] * 1e6 / MESSAGES:,.0f}")
        row("email: smtp-sink CPU per message (nudge / ref.), µs",
            f"{smtp['sink_cpu'] * 1e6 / MESSAGES:,.0f} / {smtp['ref_sink_cpu'] * 1e6 / MESSAGES:,.0f}")
        row("email: daemon peak RSS (highest round), MB", f"{smtp['rss']:,.1f}")
        row("email: bytes per message at sink (nudge/ref./libcurl)",
            f"{smtp['size']:,}/{smtp['ref_size']:,}/{smtp['floor_size']:,}")
        row("email: filling the outbox (not timed above), s", f"{smtp['filled']:.1f}")
        if smtp["others"]:
            print(f"  other outcomes: {smtp['others']}")
    http = results.get("http")
    if http and "refused" in http:
        print()
        print(f"HTTP half skipped: the daemon refuses `transport: http` in this build ({http['refused']})")
    elif http:
        ratio = http["rate"] / http["ref_rate"]
        row("http: nudge → nginx sink, requests/s", f"{http['rate']:,.0f}")
        row(f"http: wrk -t2 -c{CONCURRENCY} ({WRK_SECONDS} s) → nginx sink, requests/s", f"{http['ref_rate']:,.0f}")
        row("http: ratio nudge / wrk", f"{ratio:.2f}", ">= 0.4", f"{ratio / 0.4:.2f}x")
        row("http: ratio in each round", " ".join(f"{r:.2f}" for r in http["ratios"]))
        row(f"http: bare libcurl, {HTTP_THREADS} threads → nginx sink, req./s", f"{http['floor_rate']:,.0f}")
        row("http: ratio bare libcurl / wrk", f"{http['floor_rate'] / http['ref_rate']:.2f}")
        row("http: ratio nudge / bare libcurl", f"{http['rate'] / http['floor_rate']:.2f}")
        row("http: bare libcurl requests/s in each round", " ".join(f"{r:.0f}" for r in http["floor_rates"]))
        row("http: nudge requests/s in each round", " ".join(f"{r:.0f}" for r in http["rates"]))
        row("http: wrk requests/s in each round", " ".join(f"{r:.0f}" for r in http["ref_rates"]))
        row("http: nudge wall time incl. startup, s", f"{http['wall']:.2f}")
        row("http: nudge CPU per message (startup incl.), µs", f"{http['cpu'] * 1e6 / MESSAGES:,.0f}")
        row("http: wrk CPU per request, µs", f"{http['ref_cpu'] * 1e6 / max(1, http['ref_count']):,.0f}")
        row("http: bare libcurl CPU per request, µs", f"{http['floor_cpu'] * 1e6 / MESSAGES:,.0f}")
        row("http: daemon peak RSS (highest round), MB", f"{http['rss']:,.1f}")
        row("http: request body bytes", f"{http['size']:,}")
        row("http: filling the outbox (not timed above), s", f"{http['filled']:.1f}")
        if http["others"]:
            print(f"  other outcomes: {http['others']}")
    print()
    print("ratio column: the measured ratio against its target (above 1 meets it)")


if __name__ == "__main__":
    main()

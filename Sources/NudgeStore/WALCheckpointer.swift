import CSQLite
import Foundation

/// Copies the write-ahead log into the database on a thread and connection of its own, so that the writer does not
/// stop to do it. SQLite's automatic checkpoint runs inside the commit that crosses its threshold: the writer copies
/// the whole log and waits for two fsyncs, and every request behind it waits too.
///
/// After each commit the writer's connection reports the log's length in pages. Past `threshold`, passive
/// checkpoints run on the second connection, without waiting for the writer or for readers. The writer can only
/// start the log again from its beginning once every page in it has been copied, which never happens while it goes
/// on committing: so once the background has caught up, the writer's next commit copies the few pages written since,
/// a short pause where it used to copy everything. Should the log still reach `ceiling` pages (a reader holding an
/// old snapshot), the writer checkpoints itself at each commit, as SQLite would have.
final class WALCheckpointer: @unchecked Sendable {
    let threshold: Int32
    let ceiling: Int32
    private let connection: SQLiteConnection
    private let queue = DispatchQueue(label: "nudge.checkpoint")
    private let lock = NSLock()
    private var state = State.idle
    private var passes = 0
    private var restarts = 0
    private var lastLength: Int32 = 0

    private enum State {
        case idle
        /// Background passes are queued or running.
        case copying
        /// The background has copied the log as it was; the writer copies the rest after its next commit.
        case caughtUp
    }

    init(path: String, threshold: Int32, ceiling: Int32) throws {
        self.threshold = threshold
        self.ceiling = ceiling
        connection = try SQLiteConnection(path: path)
    }

    /// Background passes completed so far (for tests and diagnostics).
    var completedPasses: Int { lock.withLock { passes } }

    /// Times the writer started the log again from its beginning (for tests and diagnostics).
    var logRestarts: Int { lock.withLock { restarts } }

    /// Reports `writer`'s commits to this checkpointer from now on, in place of SQLite's automatic checkpoint.
    /// The checkpointer must outlive the hook: `detach` before it goes.
    func attach(to writer: SQLiteConnection) {
        writer.setWALHook(context: Unmanaged.passUnretained(self).toOpaque()) { context, db, _, pages in
            guard let context, let db else { return SQLITE_OK }
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().writerCommitted(logLength: pages, db)
            return SQLITE_OK
        }
    }

    func detach(from writer: SQLiteConnection) {
        writer.setWALHook(context: nil, nil)
    }

    /// On the writer's thread, after each of its commits.
    private func writerCommitted(logLength pages: Int32, _ writer: OpaquePointer) {
        let state = lock.withLock {
            if pages < lastLength { restarts += 1 }
            lastLength = pages
            let now = self.state
            if now == .caughtUp {
                self.state = .idle
            } else if now == .idle, pages >= threshold, pages < ceiling {
                self.state = .copying
            }
            return now
        }
        switch state {
        case .caughtUp:
            sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        case .idle where pages >= ceiling:
            sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        case .idle where pages >= threshold:
            queue.async { self.copy() }
        case .idle, .copying:
            break
        }
    }

    /// Background passes, each copying what the writer committed during the one before, until little is left.
    private func copy() {
        var logged = connection.checkpointPassively().logged
        for _ in 0..<3 {
            let previous = logged
            logged = connection.checkpointPassively().logged
            if logged - previous <= threshold / 16 { break }
        }
        lock.withLock {
            state = .caughtUp
            passes += 1
        }
    }
}

import Foundation
import NudgeCore

/// The Store on one SQLite file (WAL): one writer connection, serialised by a lock, the customers and products it
/// last read or saved, and a checkpointer beside it. Other processes (`nudge tail`, `nudge import`) use the same
/// file concurrently.
public final class SQLiteStore: Store, @unchecked Sendable {
    private let connection: SQLiteConnection
    let checkpointer: WALCheckpointer
    let kept: KeptRecords
    private let lock = NSLock()
    public let path: String

    /// Opens or creates the database at `path` and brings its schema up to date.
    ///
    /// The write-ahead log is copied into the database once it holds `checkpointAt` pages (64 MiB by default, so
    /// that pages written again and again — customers, indexes — are copied once), by a checkpointer of its own.
    ///
    /// Up to 200,000 customers are kept in memory (about half a kilobyte each with a few facts), so that the events of
    /// a customer seen recently do not read the customer again, and up to 20,000 products.
    public convenience init(path: String) throws {
        try self.init(path: path, checkpointAt: 16384)
    }

    init(
        path: String, checkpointAt threshold: Int32, ceiling: Int32? = nil, customersKept: Int = 200_000,
        productsKept: Int = 20_000
    ) throws {
        self.path = path
        kept = KeptRecords(customers: customersKept, products: productsKept)
        connection = try SQLiteConnection(path: path)
        try Migrations.apply(to: connection)
        checkpointer = try WALCheckpointer(path: path, threshold: threshold, ceiling: ceiling ?? threshold * 4)
        checkpointer.attach(to: connection)
    }

    deinit {
        checkpointer.detach(from: connection)
    }

    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try transaction(immediate: true, body)
    }

    public func writeEach<T>(_ bodies: [(any StoreTransaction) throws -> T]) -> [Result<T, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return WriteGroup.run(
            bodies.map { body in { try body($0) } }, transaction: { try transaction(immediate: true, $0) },
            check: { (_: SQLiteTransaction) in try connection.checkForeignKeys() })
    }

    public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try transaction(immediate: false, body)
    }

    /// A transaction that sees the kept customers and products once they are known to be current, and forgets them
    /// all when it rolls back.
    private func transaction<T>(immediate: Bool, _ body: (SQLiteTransaction) throws -> T) throws -> T {
        do {
            return try connection.transaction(immediate: immediate) {
                kept.validate(dataVersion: try connection.dataVersion())
                return try body(SQLiteTransaction(connection, kept: kept))
            }
        } catch {
            kept.removeAll()
            throw error
        }
    }

    /// Whether the database accepts a write (for readiness checks).
    public func isWritable() -> Bool {
        (try? write { _ in true }) ?? false
    }
}

/// A read-only view of a nudge database, for commands that run beside the daemon (`nudge tail`).
public final class SQLiteReader: ReadableStore, @unchecked Sendable {
    private let connection: SQLiteConnection
    private let lock = NSLock()

    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SQLiteError(code: 14, message: "no database at \(path)")
        }
        connection = try SQLiteConnection(path: path, readOnly: true)
    }

    public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try connection.transaction(immediate: false) {
            try body(SQLiteTransaction(connection))
        }
    }

    /// Writes a consistent copy of the whole database to a new file at `path` (`VACUUM INTO`), while the daemon
    /// may go on writing: the copy is the database as of one moment.
    public func copy(to path: String) throws {
        lock.lock()
        defer { lock.unlock() }
        try connection.execute("VACUUM INTO '\(path.replacingOccurrences(of: "'", with: "''"))'")
    }
}

import CSQLite
import Foundation

/// An error from SQLite, with the statement that caused it.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var sql: String?

    public var description: String {
        sql.map { "\(message) (SQLite \(code)) in: \($0)" } ?? "\(message) (SQLite \(code))"
    }

    /// The database is locked by another writer for longer than the busy timeout.
    public var isBusy: Bool { code & 0xff == SQLITE_BUSY || code & 0xff == SQLITE_LOCKED }
    public var isConstraint: Bool { code & 0xff == SQLITE_CONSTRAINT }
}

/// One SQLite connection with a cache of prepared statements. Not thread-safe: its owner serialises use.
final class SQLiteConnection {
    private let handle: OpaquePointer
    /// Statements whose SQL is fixed at a call site, found by the site without building or hashing the SQL.
    private var statementsBySite: [CallSite: Statement] = [:]
    /// Statements whose SQL is built at run time, found by their text.
    private var statementsByText: [String: Statement] = [:]
    let path: String

    /// Opens (creating when asked) the database at `path` in WAL mode with foreign keys on.
    init(path: String, readOnly: Bool = false) throws {
        var db: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: "\(message): \(path)")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 5_000)
        if !readOnly {
            try execute("PRAGMA journal_mode = WAL")
            // In WAL mode, NORMAL syncs at checkpoints: a power cut may lose the last transactions, a crash of
            // the process loses nothing.
            try execute("PRAGMA synchronous = NORMAL")
            // SQLite's own checkpoint, for a connection that writes without a `WALCheckpointer` (the store's writer
            // has one): every 64 MiB of WAL rather than 4 MiB, so that pages written again and again between
            // checkpoints (customers, indexes) are copied into the database once.
            try execute("PRAGMA wal_autocheckpoint = 16384")
        }
        // 64 MiB of page cache: customers, enrollments and their indexes stay in memory at 1M customers.
        try execute("PRAGMA cache_size = -65536")
        try execute("PRAGMA temp_store = MEMORY")
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        statementsBySite.values.forEach { $0.finalize() }
        statementsByText.values.forEach { $0.finalize() }
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without parameters.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite3_free(error)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    /// The prepared statement for the SQL written at this call site, prepared on first use and reused after. `sql`
    /// is evaluated only on the first call from a site, so the SQL at a site must never vary: for SQL built at run
    /// time use `statement(text:)`.
    func statement(
        _ sql: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Statement {
        let site = CallSite(file: UInt(bitPattern: file.utf8Start), line: line)
        if let cached = statementsBySite[site] {
            assert(cached.sql == sql(), "the SQL at \(file):\(line) changed between calls; use statement(text:)")
            cached.reset()
            return cached
        }
        let statement = try prepare(sql())
        statementsBySite[site] = statement
        return statement
    }

    /// The prepared statement for `sql`, reused across calls with the same text.
    func statement(text sql: String) throws -> Statement {
        if let cached = statementsByText[sql] {
            cached.reset()
            return cached
        }
        let statement = try prepare(sql)
        statementsByText[sql] = statement
        return statement
    }

    private func prepare(_ sql: String) throws -> Statement {
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else { throw error(rc, sql: sql) }
        return Statement(raw, connection: self, sql: sql)
    }

    /// Where a statement is written in the source: its file (by the address of its name) and line.
    private struct CallSite: Hashable {
        var file: UInt
        var line: UInt
    }

    /// Calls `hook` after each commit with the length of the write-ahead log in pages (nil removes it). Replaces
    /// SQLite's automatic checkpoint, which is itself such a hook.
    func setWALHook(
        context: UnsafeMutableRawPointer?,
        _ hook: (@convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32)?
    ) {
        sqlite3_wal_hook(handle, hook, context)
    }

    /// Copies what it can of the write-ahead log into the database without waiting for anyone; returns the pages
    /// in the log and how many of them are now in the database (both 0 when another checkpoint was running).
    @discardableResult
    func checkpointPassively() -> (logged: Int32, copied: Int32) {
        var logged: Int32 = 0
        var copied: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, &logged, &copied)
        return rc == SQLITE_OK ? (logged, copied) : (0, 0)
    }

    /// A number that changes when another connection commits to the database (`PRAGMA data_version`); read inside a
    /// transaction, it stays the same until that transaction ends.
    func dataVersion() throws -> Int64 {
        try statement("PRAGMA data_version").first { $0.int(0) } ?? 0
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var changes: Int { Int(sqlite3_changes(handle)) }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs `body` in a transaction (`BEGIN IMMEDIATE` for writers), committing on return, rolling back on throw.
    func transaction<T>(immediate: Bool, _ body: () throws -> T) throws -> T {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Throws, as a commit would, when the open transaction leaves a deferred foreign key unresolved.
    func checkForeignKeys() throws {
        var unresolved: Int32 = 0
        var highest: Int32 = 0
        sqlite3_db_status(handle, SQLITE_DBSTATUS_DEFERRED_FKS, &unresolved, &highest, 0)
        if unresolved > 0 {
            // SQLITE_CONSTRAINT_FOREIGNKEY, a macro Swift does not import.
            throw SQLiteError(code: SQLITE_CONSTRAINT | 3 << 8, message: "FOREIGN KEY constraint failed")
        }
    }
}

/// A value SQLite can bind.
enum SQLValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A prepared statement: bind, step, read columns.
final class Statement {
    private let raw: OpaquePointer
    private unowned let connection: SQLiteConnection
    let sql: String

    /// The statement's `?` parameters.
    private let parameterCount: Int

    fileprivate init(_ raw: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.raw = raw
        self.connection = connection
        self.sql = sql
        parameterCount = Int(sqlite3_bind_parameter_count(raw))
    }

    fileprivate func finalize() { sqlite3_finalize(raw) }

    /// Ends the last run. Its bound values stay until the next `bind`, which replaces or clears them all.
    fileprivate func reset() {
        sqlite3_reset(raw)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds values to `?1 … ?n` in order; any parameter after them is NULL, whatever an earlier run bound.
    @discardableResult
    func bind(_ values: [SQLValue]) throws -> Statement {
        // Every parameter given a value anyway, as is usual, needs no clearing first.
        if values.count < parameterCount { sqlite3_clear_bindings(raw) }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(raw, index)
            case .integer(let v): rc = sqlite3_bind_int64(raw, index, v)
            case .real(let v): rc = sqlite3_bind_double(raw, index, v)
            case .text(let v) where v.isEmpty:
                // Not a null pointer, which would bind NULL.
                rc = sqlite3_bind_text(raw, index, "", 0, Statement.transient)
            case .text(var v):
                // The bytes with their length: no C string is made, and a NUL inside the text is kept.
                rc = v.withUTF8 { sqlite3_bind_text(raw, index, $0.baseAddress, Int32($0.count), Statement.transient) }
            }
            guard rc == SQLITE_OK else { throw connection.error(rc, sql: sql) }
        }
        return self
    }

    /// Advances to the next row; false when there are no more.
    func step() throws -> Bool {
        let rc = sqlite3_step(raw)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.error(rc, sql: sql)
            sqlite3_reset(raw)
            throw error
        }
    }

    /// Runs a statement that returns no rows.
    func run(_ values: [SQLValue] = []) throws {
        try bind(values)
        while try step() {}
    }

    /// Every row, read by `row`. The statement is reset however the read ends, so that a row that cannot be read
    /// leaves no read transaction open behind it.
    func rows<T>(_ values: [SQLValue] = [], _ row: (Statement) throws -> T) throws -> [T] {
        try bind(values)
        defer { sqlite3_reset(raw) }
        var result: [T] = []
        while try step() { result.append(try row(self)) }
        return result
    }

    /// Rows in order until `row` returns false or none are left: a walk that may stop early.
    func scan(_ values: [SQLValue] = [], while row: (Statement) throws -> Bool) throws {
        try bind(values)
        defer { sqlite3_reset(raw) }
        while try step(), try row(self) {}
    }

    /// The first row, read by `row`, or nil.
    func first<T>(_ values: [SQLValue] = [], _ row: (Statement) throws -> T) throws -> T? {
        try bind(values)
        defer { sqlite3_reset(raw) }
        return try step() ? try row(self) : nil
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }
    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(raw, column) }
    func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }
    func optionalInt(_ column: Int32) -> Int64? { isNull(column) ? nil : int(column) }

    func text(_ column: Int32) -> String {
        // The pointer first, then the length of the text it points to (SQLite's documented order).
        guard let bytes = sqlite3_column_text(raw, column) else { return "" }
        let count = Int(sqlite3_column_bytes(raw, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
    func date(_ column: Int32) -> Date { Date(timeIntervalSince1970: double(column)) }
    func optionalDate(_ column: Int32) -> Date? { isNull(column) ? nil : date(column) }
}

extension SQLValue {
    static func from(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
    static func from(_ date: Date?) -> SQLValue { date.map { .real($0.timeIntervalSince1970) } ?? .null }
    static func from(_ number: Double?) -> SQLValue { number.map(SQLValue.real) ?? .null }
    static func from(_ number: Int?) -> SQLValue { number.map { .integer(Int64($0)) } ?? .null }
    static func from(_ flag: Bool) -> SQLValue { .integer(flag ? 1 : 0) }
}

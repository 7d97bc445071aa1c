import CSQLite
import Foundation

/// A daemon's SQLite database opened read-only beside it (or after it died), for tests that check what it stored
/// with plain SQL: outbox states, dispatch log rows. Opened `writable` (only while the daemon is stopped), it lets a
/// test move stored times into the past, as if days had gone by.
final class DatabaseFile {
    private let handle: OpaquePointer

    init(path: String, writable: Bool = false) throws {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, nil)
        guard rc == SQLITE_OK, let db else {
            if let db { sqlite3_close_v2(db) }
            throw DatabaseFileError("cannot open \(path) (SQLite \(rc))")
        }
        handle = db
        sqlite3_busy_timeout(db, 5_000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Every row of `sql`, each column as text (nil for NULL).
    func rows(_ sql: String) throws -> [[String?]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw DatabaseFileError("\(String(cString: sqlite3_errmsg(handle))) in: \(sql)")
        }
        defer { sqlite3_finalize(statement) }
        var rows: [[String?]] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return rows }
            guard rc == SQLITE_ROW else {
                throw DatabaseFileError("\(String(cString: sqlite3_errmsg(handle))) in: \(sql)")
            }
            rows.append(
                (0..<sqlite3_column_count(statement)).map { column in
                    sqlite3_column_text(statement, column).map { String(cString: $0) }
                })
        }
    }

    /// Runs `sql` (statements that change data); returns how many rows the last one changed.
    @discardableResult
    func execute(_ sql: String) throws -> Int {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw DatabaseFileError("\(String(cString: sqlite3_errmsg(handle))) in: \(sql)")
        }
        return Int(sqlite3_changes(handle))
    }

    /// The integer in the first column of the first row of `sql` (a `COUNT(*)`).
    func integer(_ sql: String) throws -> Int {
        guard let text = try rows(sql).first?.first ?? nil, let value = Int(text) else {
            throw DatabaseFileError("no integer from: \(sql)")
        }
        return value
    }
}

struct DatabaseFileError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

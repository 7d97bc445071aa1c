import Foundation

/// Migration 7: every `CHECK (column IN ('a', 'b', …))` becomes `CHECK (column = 'a' OR column = 'b' OR …)`.
///
/// The rules are the same, but SQLite evaluates a CHECK with a list of more than two values by building a
/// temporary b-tree of the values, for each row written: each dispatch log row and each change of an outbox
/// message's or an enrollment's state paid about 8 µs for it. The comparisons cost next to nothing.
///
/// Only CHECK constraints change, and every stored row satisfies the new ones since they say the same thing, so
/// the table definitions are rewritten in place, as SQLite documents for changing constraints
/// (https://sqlite.org/lang_altertable.html#otheralter): no table is copied, however long the log is.
enum ValueListChecks {
    /// `CHECK (name IN (values))`, the values quoted literals with no parenthesis in them.
    nonisolated(unsafe) private static let check = #/CHECK \((\w+) IN\s*\(([^()]*)\)\)/#

    /// The definition with each value-list CHECK written as comparisons; unchanged when it has none.
    static func rewritten(_ definition: String) -> String {
        definition.replacing(check) { match in
            let column = String(match.output.1)
            let values = match.output.2.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            return "CHECK (" + values.map { "\(column) = \($0)" }.joined(separator: " OR ") + ")"
        }
    }

    /// Rewrites every table definition that has a value-list CHECK; runs inside the migration's transaction.
    static func rewrite(_ connection: SQLiteConnection) throws {
        let tables = try connection.statement(text: "SELECT name, sql FROM sqlite_schema WHERE type = 'table'")
            .rows { (name: $0.text(0), sql: $0.optionalText(1) ?? "") }
        let changes = tables.compactMap { table in
            let definition = rewritten(table.sql)
            return definition == table.sql ? nil : (name: table.name, sql: definition)
        }
        guard !changes.isEmpty else { return }
        let version = try connection.statement(text: "PRAGMA schema_version").first { $0.int(0) } ?? 0
        try connection.execute("PRAGMA writable_schema = ON")
        defer { try? connection.execute("PRAGMA writable_schema = OFF") }
        for change in changes {
            try connection.statement(text: "UPDATE sqlite_schema SET sql = ?2 WHERE type = 'table' AND name = ?1")
                .run([.text(change.name), .text(change.sql)])
        }
        // A new schema version makes every connection, this one included, read the definitions again.
        try connection.execute("PRAGMA schema_version = \(version + 1)")
        // Reading each changed table parses the new definitions: one SQLite refuses fails the migration, which
        // rolls back and leaves the database as it was.
        for change in changes {
            try connection.execute("SELECT * FROM \"\(change.name)\" LIMIT 0")
        }
    }
}

import Foundation
import Testing

@testable import NudgeStore

/// Migration 7 writes the value-list CHECKs as comparisons: the same rules, without a temporary b-tree per row.
@Suite struct ValueListCheckMigrationTests {
    /// Rows of every table with a value-list CHECK, written as a version 6 database would hold them.
    static let rows = """
        INSERT INTO enrollments (campaign, customer_id, arm, enrolled_at, triggered_at, state)
            VALUES ('welcome', 'c1', 'treatment', 0, 0, 'active'), ('welcome', 'c2', 'holdout', 0, 0, 'completed');
        INSERT INTO outbox (key, campaign, step, customer_id, channel, recipient, content, state, next_attempt_at,
            created_at, is_marketing)
            VALUES ('k1', 'welcome', 'hello', 'c1', 'email', '{}', '{}', 'queued', 0, 0, 1),
                ('k2', 'welcome', 'hello', 'c2', 'email', '{}', '{}', 'dead', 0, 0, 1);
        INSERT INTO dispatch_log (at, campaign, step, customer_id, channel, status)
            VALUES ('2026-11-23T08:00:00.000Z', 'welcome', 'hello', 'c1', 'email', 'queued'),
                ('2026-11-23T08:00:01.000Z', 'welcome', 'hello', 'c2', 'email', 'retrying');
        """

    /// The same rows in today's schema, where a message's recipient and content have a table of their own.
    static let currentRows = rows.replacingOccurrences(of: "channel, recipient, content, state", with: "channel, state")
        .replacingOccurrences(of: "'email', '{}', '{}',", with: "'email',")

    /// Writes that check a value list, one per rule.
    static let writes = [
        "INSERT INTO dispatch_log (at, campaign, step, customer_id, channel, status) VALUES ('t', 'w', 'h', 'c1', 'email', ?1)",
        "UPDATE outbox SET state = ?1 WHERE key = 'k1'",
        "UPDATE enrollments SET state = ?1 WHERE customer_id = 'c1'",
        "UPDATE enrollments SET arm = ?1 WHERE customer_id = 'c1'",
    ]

    @Test func aValueListBecomesComparisons() {
        let definition = """
            CREATE TABLE t (
                a TEXT CHECK (a IN ('x', 'y', 'z')),
                b TEXT NOT NULL CHECK (b IN
                    ('p',  'q')),
                c REAL CHECK (c >= 0)
            )
            """
        #expect(
            ValueListChecks.rewritten(definition) == """
                CREATE TABLE t (
                    a TEXT CHECK (a = 'x' OR a = 'y' OR a = 'z'),
                    b TEXT NOT NULL CHECK (b = 'p' OR b = 'q'),
                    c REAL CHECK (c >= 0)
                )
                """)
        #expect(ValueListChecks.rewritten("CREATE TABLE u (c REAL CHECK (c >= 0))") == "CREATE TABLE u (c REAL CHECK (c >= 0))")
    }

    @Test func aVersionSixDatabaseKeepsItsRowsAndRules() throws {
        try withScratchDatabase { path in

            let old = try SQLiteConnection(path: path)
            try Migrations.apply(to: old, upTo: 6)
            try old.execute("PRAGMA foreign_keys = OFF")
            try old.execute(Self.rows)
            let probe = try SQLiteConnection(path: path)
            #expect(try ephemeralTables(in: Self.writes, on: probe) == [1, 1, 1, 0])
            let before = try contents(of: old)

            try Migrations.apply(to: SQLiteConnection(path: path), upTo: 7)

            // A connection opened before the migration reads the new definitions at its next transaction.
            #expect(try old.statement(text: "SELECT COUNT(*) FROM outbox").first { $0.int(0) } == 2)
            #expect(try ephemeralTables(in: Self.writes, on: old) == [0, 0, 0, 0])
            let connection = try SQLiteConnection(path: path)
            try connection.execute("PRAGMA foreign_keys = OFF")
            #expect(try connection.statement(text: "PRAGMA user_version").first { $0.int(0) } == 7)
            #expect(try connection.statement(text: "PRAGMA integrity_check").first { $0.text(0) } == "ok")
            #expect(try contents(of: connection) == before)
            let definitions = try connection.statement(text: "SELECT sql FROM sqlite_schema WHERE type = 'table'")
                .rows { $0.text(0) }
            #expect(!definitions.contains { $0.contains(" IN (") || $0.contains(" IN\n") })
            try expectTheRulesHold(on: connection)
            try expectTheRulesHold(on: old)
        }
    }

    @Test func aNewDatabaseChecksItsValuesWithoutTemporaryTables() throws {
        try withScratchDatabase { path in
            _ = try SQLiteStore(path: path)
            let connection = try SQLiteConnection(path: path)
            try connection.execute("PRAGMA foreign_keys = OFF")
            try connection.execute(Self.currentRows)
            #expect(try ephemeralTables(in: Self.writes, on: connection) == [0, 0, 0, 0])
            try expectTheRulesHold(on: connection)
        }
    }

    /// Every listed value is accepted, anything else refused, for each rule.
    private func expectTheRulesHold(on connection: SQLiteConnection) throws {
        let allowed = [
            ["queued", "sent", "delivered", "deferred", "suppressed", "failed", "retrying", "dead"],
            ["queued", "sending", "sent", "failed", "dead"],
            ["active", "completed", "exited", "expired"],
            ["treatment", "holdout"],
        ]
        for (sql, values) in zip(Self.writes, allowed) {
            for value in values {
                #expect(throws: Never.self, "\(sql) with \(value)") {
                    try connection.statement(text: sql).run([.text(value)])
                }
            }
            for value in ["bogus", "Sent", ""] {
                let error = #expect(throws: SQLiteError.self, "\(sql) with \(value)") {
                    try connection.statement(text: sql).run([.text(value)])
                }
                #expect(error?.description.contains("CHECK constraint failed") == true, "\(String(describing: error))")
            }
        }
    }

    /// How many temporary b-trees each statement's program opens.
    private func ephemeralTables(in statements: [String], on connection: SQLiteConnection) throws -> [Int] {
        try statements.map { sql in
            // Walked with `scan`, which resets the statement: an EXPLAIN left unreset would keep the connection's
            // later reads open.
            var count = 0
            try connection.statement(text: "EXPLAIN " + sql).scan([.text("queued")]) { row in
                if row.text(1) == "OpenEphemeral" { count += 1 }
                return true
            }
            return count
        }
    }

    /// Every row of the three tables, as text.
    private func contents(of connection: SQLiteConnection) throws -> [String] {
        try ["enrollments", "outbox", "dispatch_log"].flatMap { table in
            try connection.statement(text: "SELECT * FROM \(table) ORDER BY rowid").rows { row in
                (0..<Int32(16)).map { row.optionalText($0) ?? "∅" }.joined(separator: "|")
            }
        }
    }
}

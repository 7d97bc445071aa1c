import Foundation
import Testing

@testable import NudgeStore

/// A read that stops early, by an error while reading a row, ends its read transaction: the connection's next read
/// sees what others committed since, and the WAL can be checkpointed past it.
@Suite struct StatementResetTests {
    struct RowRefused: Error {}

    @Test func aRowReaderThatThrowsLeavesNoSnapshotOpen() throws {
        try withScratchDatabase { path in
            let writer = try SQLiteConnection(path: path)
            try writer.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            for value in ["a", "b", "c"] {
                try writer.statement(text: "INSERT INTO t (v) VALUES (?1)").run([.text(value)])
            }
            let reader = try SQLiteConnection(path: path)
            #expect(throws: RowRefused.self) {
                _ = try reader.statement(text: "SELECT v FROM t ORDER BY id").rows { _ -> String in throw RowRefused() }
            }
            try writer.statement(text: "INSERT INTO t (v) VALUES (?1)").run([.text("d")])
            let count = try reader.statement(text: "SELECT count(*) FROM t").first { $0.int(0) }
            #expect(count == 4)
        }
    }

    /// A statement reused with fewer values than it has parameters reads NULL for the rest, never a value an earlier
    /// run bound.
    @Test func parametersLeftOutAreNullNotWhatTheLastRunBound() throws {
        try withScratchDatabase { path in
            let connection = try SQLiteConnection(path: path)
            let pair = "SELECT ?1, ?2 IS NULL, ?3 IS NULL"
            let first = try connection.statement(text: pair).first([.text("a"), .text("b"), .integer(3)]) {
                [$0.text(0), String($0.int(1)), String($0.int(2))]
            }
            #expect(first == ["a", "0", "0"])
            let second = try connection.statement(text: pair).first([.text("c")]) {
                [$0.text(0), String($0.int(1)), String($0.int(2))]
            }
            #expect(second == ["c", "1", "1"])
            let none = try connection.statement(text: pair).first { $0.isNull(0) }
            #expect(none == true)
        }
    }
}

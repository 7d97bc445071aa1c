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
}

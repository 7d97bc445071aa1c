import Foundation
import Testing

@testable import NudgeStore

/// Text goes into SQLite and comes back byte for byte.
@Suite struct SQLiteTextTests {
    @Test func textRoundTripsExactly() throws {
        try withScratchDatabase { path in
            let connection = try SQLiteConnection(path: path)
            try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            let values = [
                "", "a", "Nguyễn Thị Lan", "ốp lưng iPhone 15 — giảm 20%", "nul\u{0}inside", String(repeating: "ẩ", count: 5000),
                "emoji 🧧 and \u{2028}",
            ]
            for value in values {
                try connection.statement(text: "INSERT INTO t (v) VALUES (?1)").run([.text(value)])
            }
            let stored = try connection.statement(text: "SELECT v, typeof(v), length(CAST(v AS BLOB)) FROM t ORDER BY id")
                .rows { (text: $0.text(0), type: $0.text(1), bytes: Int($0.int(2))) }
            #expect(stored.map(\.text) == values)
            #expect(stored.allSatisfy { $0.type == "text" })
            #expect(stored.map(\.bytes) == values.map(\.utf8.count))
        }
    }
}

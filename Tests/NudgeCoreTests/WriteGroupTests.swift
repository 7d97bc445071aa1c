import NudgeCore
import Testing

private struct Refused: Error, Equatable {}
private struct Busy: Error, Equatable {}

/// A list of rows that commits or rolls back as a whole, counting its transactions and each body's runs.
private final class Rows {
    var committed: [String] = []
    var transactions = 0
    var runs: [String: Int] = [:]
    /// Makes the next transaction fail before any body runs, as a database another process keeps locked would.
    var busy = false

    final class Transaction {
        var rows: [String]
        init(_ rows: [String]) { self.rows = rows }
    }

    func transaction<T>(_ body: (Transaction) throws -> [T]) throws -> [T] {
        transactions += 1
        if busy { throw Busy() }
        let tx = Transaction(committed)
        let values = try body(tx)
        committed = tx.rows
        return values
    }

    func add(_ row: String, failing: Bool = false) -> (Transaction) throws -> String {
        { tx in
            self.runs[row, default: 0] += 1
            tx.rows.append(row)
            if failing { throw Refused() }
            return row
        }
    }

    /// The check a commit makes: here, no row may be "orphan" unless "parent" is there.
    func check(_ tx: Transaction) throws {
        if tx.rows.contains("orphan"), !tx.rows.contains("parent") { throw Refused() }
    }

    func run(_ bodies: [(Transaction) throws -> String]) -> [Result<String, any Error>] {
        WriteGroup.run(bodies, transaction: { try transaction($0) }, check: { try check($0) })
    }
}

@Suite("Write group")
struct WriteGroupTests {
    @Test func bodiesThatAllSucceedShareOneTransactionAndRunOnce() throws {
        let rows = Rows()
        let results = rows.run([rows.add("a"), rows.add("b"), rows.add("c")])
        #expect(try results.map { try $0.get() } == ["a", "b", "c"])
        #expect(rows.committed == ["a", "b", "c"])
        #expect(rows.transactions == 1)
        #expect(rows.runs == ["a": 1, "b": 1, "c": 1])
    }

    @Test func aFailingBodyCostsOneMoreRunOfThoseBeforeIt() throws {
        let rows = Rows()
        let results = rows.run([rows.add("a"), rows.add("b"), rows.add("x", failing: true), rows.add("c")])
        #expect(try results[0].get() == "a")
        #expect(try results[1].get() == "b")
        #expect(throws: Refused.self) { try results[2].get() }
        #expect(try results[3].get() == "c")
        #expect(rows.committed == ["a", "b", "c"])
        // The whole group, then a and b together again, then c alone.
        #expect(rows.transactions == 3)
        #expect(rows.runs == ["a": 2, "b": 2, "x": 1, "c": 1])
    }

    @Test func aBodyFailingTheCommitsCheckFailsAloneEvenIfALaterOneWouldSatisfyIt() throws {
        let rows = Rows()
        let results = rows.run([rows.add("orphan"), rows.add("parent")])
        #expect(throws: Refused.self) { try results[0].get() }
        #expect(try results[1].get() == "parent")
        #expect(rows.committed == ["parent"])
    }

    @Test func aTransactionThatFailsWithNoBodyAtFaultFailsEachWithoutRunningThemAgain() throws {
        let rows = Rows()
        rows.busy = true
        let results = rows.run([rows.add("a"), rows.add("b"), rows.add("c")])
        for result in results { #expect(throws: Busy.self) { try result.get() } }
        #expect(rows.transactions == 1)
        #expect(rows.runs.isEmpty)
        #expect(rows.committed.isEmpty)
    }

    @Test func noBodiesNoTransaction() {
        let rows = Rows()
        #expect(rows.run([]).isEmpty)
        #expect(rows.transactions == 0)
    }
}

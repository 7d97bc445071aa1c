import Dispatch
import Foundation
import NudgeCore
import NudgeStore
import NudgeTesting
import Synchronization
import Testing

@testable import NudgeServer

private struct Refused: Error {}

/// The real SQLite store, with a record of the writes each transaction took. Its first transaction is held until
/// the test lets it go, so that writes queue up behind it.
private final class RecordingStore: Store, @unchecked Sendable {
    let inner: SQLiteStore
    private let state = Mutex(State())
    private let gate = DispatchSemaphore(value: 0)

    struct State {
        var groups: [Int] = []
        var holdFirst = true
        var holding = false
    }

    init(_ inner: SQLiteStore) {
        self.inner = inner
    }

    var groups: [Int] { state.withLock { $0.groups } }
    var isHolding: Bool { state.withLock { $0.holding } }
    func letGo() { gate.signal() }

    func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T { try inner.write(body) }
    func read<T>(_ body: (any StoreReader) throws -> T) throws -> T { try inner.read(body) }

    func writeEach<T>(_ bodies: [(any StoreTransaction) throws -> T]) -> [Result<T, any Error>] {
        let hold = state.withLock { state in
            state.groups.append(bodies.count)
            state.holding = state.holdFirst
            defer { state.holdFirst = false }
            return state.holdFirst
        }
        if hold { gate.wait() }
        return inner.writeEach(bodies)
    }
}

private func makeStore() throws -> RecordingStore {
    let path = try ScratchDirectory.make("queue").appendingPathComponent("nudge.sqlite").path
    return RecordingStore(try SQLiteStore(path: path))
}

private func save(_ id: String) -> @Sendable (any StoreTransaction) throws -> String {
    { tx in
        try tx.saveCustomer(Customer(id: id, createdAt: Date(timeIntervalSince1970: 1_795_000_000)))
        return id
    }
}

@Suite("Database queue", .timeLimit(.minutes(1)))
struct DatabaseQueueTests {
    @Test func writesQueuedWhileTheWriterIsBusyShareTransactionsUpToTheLimit() async throws {
        let store = try makeStore()
        let database = DatabaseQueue(store: store, groupLimit: 3)
        let first = Task { try await database.write(save("c0")) }
        try await Polling.until(30, "the first write to hold the writer") { store.isHolding }

        var writes: [Task<String, any Error>] = []
        for i in 1...5 {
            writes.append(Task { try await database.write(i == 2 ? { _ in throw Refused() } : save("c\(i)")) })
            try await Polling.until(30, "write \(i) to queue") { database.waitingWrites == i }
        }
        store.letGo()

        #expect(try await first.value == "c0")
        for (offset, write) in writes.enumerated() where offset != 1 {
            #expect(try await write.value == "c\(offset + 1)")
        }
        await #expect(throws: Refused.self) { try await writes[1].value }
        #expect(store.groups == [1, 3, 2])
        let saved = try store.inner.read { tx in try (0...5).compactMap { try tx.customer("c\($0)")?.id } }
        #expect(saved == ["c0", "c1", "c3", "c4", "c5"])
    }

    @Test func manyWritesAtOnceAreEachAnsweredAndCommitted() async throws {
        let store = try makeStore()
        let database = DatabaseQueue(store: store)
        let ids = (0..<40).map { "c\($0)" }
        let writes = ids.map { id in Task { try await database.write(save(id)) } }
        try await Polling.until(30, "the first write to hold the writer") { store.isHolding }
        store.letGo()

        for (id, write) in zip(ids, writes) { #expect(try await write.value == id) }
        #expect(store.groups.reduce(0, +) == 40)
        #expect(store.groups.allSatisfy { $0 <= 16 })
        let saved = try store.inner.read { tx in try ids.compactMap { try tx.customer($0)?.id } }
        #expect(saved == ids)
    }
}

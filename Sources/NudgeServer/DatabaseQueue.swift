import Dispatch
import Foundation
import NudgeCore
import Synchronization

/// Runs blocking Store work on one dedicated thread, so that SQLite never blocks Swift's cooperative pool.
///
/// Writes that queue up while the thread is busy run together, in one transaction (`Store.writeEach`): the commit
/// writes each page the transaction changed once, however many of the writes changed it. Each write still commits
/// or fails as if it were alone, and its caller resumes once it is committed.
public final class DatabaseQueue: Sendable {
    public let store: any Store
    private let queue = DispatchQueue(label: "nudge.database")
    private let waiting = Mutex<[QueuedWrite]>([])
    /// The most writes one transaction takes; the rest wait for the next.
    let groupLimit: Int

    public init(store: any Store, groupLimit: Int = 16) {
        precondition(groupLimit >= 1, "a transaction takes at least one write")
        self.store = store
        self.groupLimit = groupLimit
    }

    /// Runs `body` in a write transaction, perhaps shared with others. `body` may run more than once (see
    /// `Store.writeEach`): it must do nothing but read and write through its transaction.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let write = QueuedWrite(
                body: { tx in
                    let value = try body(tx)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) })
            let first = waiting.withLock { writes in
                writes.append(write)
                return writes.count == 1
            }
            if first { queue.async { self.runWaitingWrites() } }
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T {
        try await queue.run { [store] in try store.read(body) }
    }

    /// Writes waiting for their turn (for tests).
    var waitingWrites: Int { waiting.withLock(\.count) }

    /// On the queue: runs the writes waiting now, up to `groupLimit`, and leaves the rest for another turn.
    private func runWaitingWrites() {
        let (group, more) = waiting.withLock { writes in
            let group = Array(writes.prefix(groupLimit))
            writes.removeFirst(group.count)
            return (group, !writes.isEmpty)
        }
        if more { queue.async { self.runWaitingWrites() } }
        let results = store.writeEach(group.map(\.body))
        precondition(results.count == group.count, "a store answers each write it is given")
        for (write, result) in zip(group, results) {
            switch result {
            case .success(let resume): resume()
            case .failure(let error): write.fail(error)
            }
        }
    }
}

/// A write waiting for its turn: its body, which returns how to hand its value to the caller once committed, and
/// how to hand the caller an error instead.
private struct QueuedWrite: Sendable {
    let body: @Sendable (any StoreTransaction) throws -> @Sendable () -> Void
    let fail: @Sendable (any Error) -> Void
}

/// Runs long reads (reports) on their own thread and connection, so they never hold up the writer's queue.
public final class ReadQueue: Sendable {
    public let store: any ReadableStore
    private let queue = DispatchQueue(label: "nudge.reads")

    public init(store: any ReadableStore) {
        self.store = store
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T {
        try await queue.run { [store] in try store.read(body) }
    }
}

extension DispatchQueue {
    /// Runs blocking `work` on this queue and waits for it without holding a thread of the cooperative pool.
    fileprivate func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            async { continuation.resume(with: Result { try work() }) }
        }
    }
}

import Dispatch
import Foundation
import NudgeCore

/// Runs blocking Store work on one dedicated thread, so that SQLite never blocks Swift's cooperative pool.
public final class DatabaseQueue: Sendable {
    public let store: any Store
    private let queue = DispatchQueue(label: "nudge.database")

    public init(store: any Store) {
        self.store = store
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await queue.run { [store] in try store.write(body) }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T {
        try await queue.run { [store] in try store.read(body) }
    }
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

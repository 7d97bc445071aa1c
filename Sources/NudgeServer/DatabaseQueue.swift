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
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [store] in
                continuation.resume(with: Result { try store.write(body) })
            }
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [store] in
                continuation.resume(with: Result { try store.read(body) })
            }
        }
    }
}

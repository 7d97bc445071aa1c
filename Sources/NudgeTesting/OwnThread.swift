import Foundation

/// Runs blocking work (loading a large fixture, a long synchronous computation) on a thread of its own and awaits
/// it, so that the few threads of the cooperative pool stay free for the tests running beside it.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

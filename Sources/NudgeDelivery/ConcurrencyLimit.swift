import Foundation

/// At most `limit` operations at once (a channel's `concurrency`); the others wait their turn in order.
///
/// A lock rather than an actor: a free place is taken and given back without a hop to another executor, which
/// every delivery would otherwise pay twice.
public final class ConcurrencyLimit: @unchecked Sendable {
    private let lock = NSLock()
    private var available: Int
    private var waiting = FIFO<CheckedContinuation<Void, Never>>()

    public init(_ limit: Int) {
        available = max(1, limit)
    }

    /// Runs `operation` once a place is free, and frees the place when it returns.
    public func run<T: Sendable>(_ operation: @Sendable () async -> T) async -> T {
        await acquire()
        let result = await operation()
        release()
        return result
    }

    private func acquire() async {
        if takeFreePlace() { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // A place may have been freed meanwhile: take it rather than wait for a release that will not come.
            let taken = lock.withLock {
                if available > 0 {
                    available -= 1
                    return true
                }
                waiting.push(continuation)
                return false
            }
            if taken { continuation.resume() }
        }
    }

    private func takeFreePlace() -> Bool {
        lock.withLock {
            guard available > 0 else { return false }
            available -= 1
            return true
        }
    }

    /// Operations waiting for a place (for tests).
    var waitingCount: Int { lock.withLock { waiting.count } }

    /// Passes the place to the longest waiting operation, or frees it.
    private func release() {
        let next = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            guard let next = waiting.pop() else {
                available += 1
                return nil
            }
            return next
        }
        next?.resume()
    }
}

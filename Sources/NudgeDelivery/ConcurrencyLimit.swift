/// At most `limit` operations at once (a channel's `concurrency`); the others wait their turn in order.
public actor ConcurrencyLimit {
    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(_ limit: Int) {
        available = max(1, limit)
    }

    /// Runs `operation` once a place is free, and frees the place when it returns.
    public nonisolated func run<T: Sendable>(_ operation: @Sendable () async -> T) async -> T {
        await acquire()
        let result = await operation()
        await release()
        return result
    }

    private func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            available += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

import Foundation
import Testing

@testable import NudgeDelivery

@Suite("Concurrency limit")
struct ConcurrencyLimitTests {
    /// Counts the operations running at once.
    private final class Gauge: @unchecked Sendable {
        private let lock = NSLock()
        private var running = 0
        private(set) var most = 0
        private(set) var order: [Int] = []

        func enter(_ index: Int) {
            lock.withLock {
                running += 1
                most = max(most, running)
                order.append(index)
            }
        }

        func leave() { lock.withLock { running -= 1 } }
    }

    @Test func neverMoreThanTheLimitAndEveryOperationRuns() async {
        let limit = ConcurrencyLimit(3)
        let gauge = Gauge()
        let results = await withTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask {
                    await limit.run {
                        gauge.enter(index)
                        await Task.yield()
                        gauge.leave()
                        return index
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == Array(0..<200))
        #expect(gauge.most <= 3)
        #expect(gauge.most >= 1)
    }

    @Test func waitersGoInTheOrderTheyCame() async {
        let limit = ConcurrencyLimit(1)
        let gauge = Gauge()
        let (gate, open) = AsyncStream<Void>.makeStream()
        // The first holds the only place until the gate opens; the others queue behind it one by one.
        let first = Task {
            await limit.run {
                gauge.enter(0)
                for await _ in gate { break }
            }
        }
        while gauge.order.isEmpty { await Task.yield() }
        var waiters: [Task<Void, Never>] = []
        for index in 1...5 {
            waiters.append(Task { await limit.run { gauge.enter(index) } })
            // Each waiter queues before the next starts: it is suspended once the limit holds it.
            while limit.waitingCount < index { await Task.yield() }
        }
        open.yield()
        open.finish()
        await first.value
        for waiter in waiters { await waiter.value }
        #expect(gauge.order == [0, 1, 2, 3, 4, 5])
    }
}

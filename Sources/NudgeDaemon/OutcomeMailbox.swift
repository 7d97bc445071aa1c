import Foundation

/// Where a channel's finished attempts wait for its dispatcher. Transports put outcomes in from any thread (a
/// libcurl loop thread, usually); the dispatcher takes everything that came at once, so a busy channel costs one
/// wake-up per batch of outcomes, not one per message.
final class OutcomeMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [DispatchRecorder.Outcome] = []
    private var waiter: CheckedContinuation<[DispatchRecorder.Outcome], Never>?

    /// How many outcomes the waiting `takeAll` wants.
    private var wanted = 1

    func put(_ outcome: DispatchRecorder.Outcome) {
        let handOver: (CheckedContinuation<[DispatchRecorder.Outcome], Never>, [DispatchRecorder.Outcome])? =
            lock.withLock {
                outcomes.append(outcome)
                guard let waiter, outcomes.count >= wanted else { return nil }
                self.waiter = nil
                defer { outcomes.removeAll(keepingCapacity: true) }
                return (waiter, outcomes)
            }
        if let (waiter, ready) = handOver { waiter.resume(returning: ready) }
    }

    /// Every outcome put in since the last call, once there are at least `count` (at least one). One caller at a
    /// time. The caller must have that many attempts in flight, or it waits for ever.
    func takeAll(atLeast count: Int = 1) async -> [DispatchRecorder.Outcome] {
        await withCheckedContinuation { continuation in
            let ready: [DispatchRecorder.Outcome]? = lock.withLock {
                guard outcomes.count >= max(1, count) else {
                    waiter = continuation
                    wanted = max(1, count)
                    return nil
                }
                defer { outcomes.removeAll(keepingCapacity: true) }
                return outcomes
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Whether a `takeAll` is waiting for outcomes.
    var isWaiting: Bool { lock.withLock { waiter != nil } }
}

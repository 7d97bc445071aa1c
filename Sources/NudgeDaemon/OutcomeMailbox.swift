import Foundation

/// Where a channel's finished attempts wait for its dispatcher. The completions the dispatcher gives its
/// transport put outcomes in from any thread (a libcurl loop thread, usually); the dispatcher takes everything
/// that came at once, so a busy channel costs one wake-up per batch of outcomes, not one per message.
final class OutcomeMailbox: @unchecked Sendable {
    /// The longest an outcome waits for others to make up the batch asked for: however the other attempts
    /// fare, each outcome is recorded soon after it came.
    static let maximumHold: TimeInterval = 0.05

    private let lock = NSLock()
    private var outcomes: [DispatchRecorder.Outcome] = []
    private var waiter: CheckedContinuation<[DispatchRecorder.Outcome], Never>?
    /// How many outcomes the waiting `takeAll` wants.
    private var wanted = 1
    /// A hand-over after `maximumHold` is scheduled.
    private var holding = false

    /// A waiting `takeAll` and what it is to be given, resumed once the lock is released.
    private typealias HandOver = (
        waiter: CheckedContinuation<[DispatchRecorder.Outcome], Never>, outcomes: [DispatchRecorder.Outcome]
    )

    func put(_ outcome: DispatchRecorder.Outcome) {
        let handOver: HandOver? = lock.withLock {
            outcomes.append(outcome)
            if waiter != nil, outcomes.count >= wanted { return takeLocked() }
            holdLocked()
            return nil
        }
        if let handOver { handOver.waiter.resume(returning: handOver.outcomes) }
    }

    /// Every outcome put in since the last call, once there are at least `count`, or at least one has waited
    /// `maximumHold`. One caller at a time.
    func takeAll(atLeast count: Int = 1) async -> [DispatchRecorder.Outcome] {
        await withCheckedContinuation { continuation in
            let ready: [DispatchRecorder.Outcome]? = lock.withLock {
                precondition(waiter == nil, "one takeAll at a time")
                guard outcomes.count >= max(1, count) else {
                    waiter = continuation
                    wanted = max(1, count)
                    holdLocked()
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

    /// With the lock held: schedules the hand-over of outcomes that wait for a batch, unless one is scheduled.
    private func holdLocked() {
        guard waiter != nil, !outcomes.isEmpty, !holding else { return }
        holding = true
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.maximumHold) { [self] in
            let handOver: HandOver? = lock.withLock {
                holding = false
                return outcomes.isEmpty ? nil : takeLocked()
            }
            if let handOver { handOver.waiter.resume(returning: handOver.outcomes) }
        }
    }

    /// With the lock held and a waiter: ends its wait with every outcome.
    private func takeLocked() -> HandOver? {
        guard let waiter else { return nil }
        self.waiter = nil
        defer { outcomes.removeAll(keepingCapacity: true) }
        return (waiter, outcomes)
    }
}

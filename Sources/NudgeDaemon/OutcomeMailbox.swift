import Foundation

/// Where a channel's finished attempts wait for its dispatcher. Transports put outcomes in from any thread (a
/// libcurl loop thread, usually); the dispatcher takes everything that came at once, so a busy channel costs one
/// wake-up per batch of outcomes, not one per message.
final class OutcomeMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [DispatchRecorder.Outcome] = []
    private var waiter: CheckedContinuation<[DispatchRecorder.Outcome], Never>?

    func put(_ outcome: DispatchRecorder.Outcome) {
        let waiting: CheckedContinuation<[DispatchRecorder.Outcome], Never>? = lock.withLock {
            guard let waiter else {
                outcomes.append(outcome)
                return nil
            }
            self.waiter = nil
            return waiter
        }
        waiting?.resume(returning: [outcome])
    }

    /// Every outcome put in since the last call, waiting for one when there is none. One caller at a time.
    func takeAll() async -> [DispatchRecorder.Outcome] {
        await withCheckedContinuation { continuation in
            let ready: [DispatchRecorder.Outcome]? = lock.withLock {
                guard !outcomes.isEmpty else {
                    waiter = continuation
                    return nil
                }
                defer { outcomes.removeAll(keepingCapacity: true) }
                return outcomes
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

}

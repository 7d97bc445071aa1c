import Foundation

/// Lets a service sleep until a deadline or until someone signals new work, whichever comes first.
/// A signal sent while nobody waits is remembered, so no wake-up is lost.
final class WakeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var timer: Task<Void, Never>?

    func signal() {
        lock.lock()
        guard let waiter else {
            pending = true
            lock.unlock()
            return
        }
        self.waiter = nil
        timer?.cancel()
        timer = nil
        lock.unlock()
        waiter.resume()
    }

    /// Returns after `seconds` (at most), on a signal, or when the task is cancelled.
    func wait(seconds: TimeInterval) async {
        guard seconds > 0 else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                lock.lock()
                if pending || Task.isCancelled {
                    pending = false
                    lock.unlock()
                    continuation.resume()
                    return
                }
                waiter = continuation
                let nanoseconds = UInt64(min(seconds, 86_400) * 1_000_000_000)
                timer = Task { [weak self] in
                    try? await Task.sleep(nanoseconds: nanoseconds)
                    if !Task.isCancelled { self?.signal() }
                }
                lock.unlock()
            }
        } onCancel: {
            signal()
        }
        clearPending()
    }

    private func clearPending() {
        lock.withLock { pending = false }
    }
}

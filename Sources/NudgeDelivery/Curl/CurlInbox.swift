import CCurl
import Foundation
import NudgeCore

/// A transfer waiting for the loop thread: its request, what receives the response and, for a lane's transfer,
/// which of the lane's threads runs it.
struct CurlJob: Sendable {
    let request: CurlRequest
    let completion: @Sendable (CurlResponse) -> Void
    var slot = 0

    /// Hands the response over; the job is done (and its lane thread has one transfer less).
    func answer(_ response: CurlResponse) {
        request.lane?.finished(slot: slot)
        completion(response)
    }

    /// Answers the job without running it (the loop is closed, or the request could not be set up).
    func fail(_ category: TransferErrorCategory, _ message: String) {
        answer(CurlResponse(result: .transportError(category, message: message)))
    }
}

/// What callers and the loop thread share: jobs waiting to start, whether the loop is closing, the multi handle
/// to wake it with, and the counters. Everything is behind one lock, hence `@unchecked Sendable`.
final class CurlInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var jobs: [CurlJob] = []
    private var closed = false
    /// The loop thread's multi handle while it lives; `curl_multi_wakeup` is safe from any thread.
    private var multi: UnsafeMutableRawPointer?
    private var counters = CurlMultiLoop.Statistics()
    private var ended = false
    private var endWaiters: [CheckedContinuation<Void, Never>] = []
    /// Whether the loop, when it last went to sleep, could have started a new job at once. When it could not
    /// (its lane was full), a new job needs no wake-up: room appears only on the loop thread (a transfer ends, or
    /// fails to start), and the loop looks for waiting jobs (`maySleep`) before it sleeps again.
    private var loopHasRoom = true

    /// Queues a job, waking the loop only when it went to sleep with room for it; false (nothing queued) once the
    /// loop is closing. A wake-up costs a syscall and a trip through the loop thread, so only the first job since
    /// the loop last took its jobs makes one: that wake-up makes it take all of them.
    func submit(_ job: CurlJob) -> Bool {
        lock.withLock {
            guard !closed else { return false }
            jobs.append(job)
            if jobs.count == 1, loopHasRoom, let multi {
                curl_multi_wakeup(multi)
                counters.wakeUps += 1
            }
            return true
        }
    }

    /// The loop thread, before it sleeps: whether it may (false once the inbox is closed, or when it has room and
    /// jobs came meanwhile, to take them first), noting for `submit` whether a new job could start at once.
    func maySleep(hasRoom: Bool) -> Bool {
        lock.withLock {
            if closed || (hasRoom && !jobs.isEmpty) { return false }
            loopHasRoom = hasRoom
            if !hasRoom { counters.fullLaneSleeps += 1 }
            return true
        }
    }

    /// Stops taking jobs and wakes the loop so that it winds down; returns the jobs that never started.
    func close() -> [CurlJob] {
        lock.withLock {
            closed = true
            if let multi { curl_multi_wakeup(multi) }
            defer { jobs = [] }
            return jobs
        }
    }

    /// The loop thread: the jobs to start, and whether to stop instead.
    func take() -> (jobs: [CurlJob], closing: Bool) {
        lock.withLock {
            defer { jobs = [] }
            return (jobs, closed)
        }
    }

    /// The loop thread, once its multi handle exists: from now on new jobs wake it.
    func attach(_ multi: UnsafeMutableRawPointer) {
        lock.withLock { self.multi = multi }
    }

    /// The loop thread, before it frees its multi handle: closes the inbox and returns any jobs still waiting.
    func detach() -> [CurlJob] {
        lock.withLock {
            multi = nil
            closed = true
            defer { jobs = [] }
            return jobs
        }
    }

    /// Counts one finished transfer and the connections it opened.
    func count(transferOpening connections: Int) {
        lock.withLock {
            counters.transfers += 1
            counters.connectionsOpened += connections
        }
    }

    var statistics: CurlMultiLoop.Statistics {
        lock.withLock { counters }
    }

    /// The loop thread, as its last act: wakes everyone waiting for the end.
    func markEnded() {
        let waiters = lock.withLock {
            ended = true
            defer { endWaiters = [] }
            return endWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the loop thread has ended.
    func waitUntilEnded() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let alreadyEnded = lock.withLock {
                if !ended { endWaiters.append(waiter) }
                return ended
            }
            if alreadyEnded { waiter.resume() }
        }
    }
}

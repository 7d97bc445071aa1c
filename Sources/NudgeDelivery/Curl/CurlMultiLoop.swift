import Foundation
import NudgeCore

/// libcurl multi handles driven by dedicated threads, shared by every curl-based transport of the daemon.
///
/// `perform(_:)` queues a transfer and suspends until it ends (`start(_:completion:)` calls back instead); neither
/// blocks the caller's thread. A loop thread starts queued transfers, runs them all with `curl_multi_perform`,
/// answers the finished ones and sleeps in `curl_multi_poll` until a socket is ready or a new transfer wakes it.
/// Connections are kept open in the multi handle's cache and reused by later transfers to the same server (SMTP
/// sessions, HTTP keep-alive); `Statistics.connectionsOpened` tells how many were opened.
///
/// Transfers without a lane share one thread. Each `CurlLane` (a channel's transport) gets threads of its own,
/// started on its first transfer, so that whatever one channel's server makes libcurl wait for never stalls
/// another channel.
public final class CurlMultiLoop: Sendable {
    /// Tuning of the loop.
    public struct Options: Sendable {
        /// Idle connections kept open for reuse, over all servers, per thread.
        public var cachedConnections: Int
        /// Easy handles kept for reuse once their transfer ends, per thread.
        public var idleHandles: Int

        public init(cachedConnections: Int = 64, idleHandles: Int = 64) {
            self.cachedConnections = cachedConnections
            self.idleHandles = idleHandles
        }
    }

    /// Counters since the loop started.
    public struct Statistics: Sendable, Hashable {
        /// Transfers that ended, whatever their outcome.
        public var transfers = 0
        /// Connections those transfers opened; fewer than `transfers` when connections were reused.
        public var connectionsOpened = 0
        /// Wake-ups new transfers sent their loop thread (`curl_multi_wakeup`; one that comes while the thread is
        /// awake makes its next sleep end at once).
        public var wakeUps = 0
        /// Times a loop thread went to sleep running as many of its lane's transfers as its share of the lane's
        /// limit allows (new transfers then wait without waking it).
        public var fullLaneSleeps = 0
    }

    private let options: Options
    private let shared: CurlInbox
    private let threads: LaneThreads

    /// Starts the shared loop thread.
    public init(options: Options = Options()) {
        self.options = options
        shared = Self.startThread(options: options)
        threads = LaneThreads()
    }

    /// Runs one transfer and returns how it ended. Never throws: a failure to set the transfer up, or the loop
    /// shutting down before or during it, is a `transportError` like any other. Cancelling the calling task does
    /// not stop a transfer that has started; its timeouts bound it.
    public func perform(_ request: CurlRequest) async -> CurlResponse {
        await withCheckedContinuation { continuation in
            start(request) { continuation.resume(returning: $0) }
        }
    }

    /// Queues one transfer and returns at once; `completion` receives how it ended, exactly once, on the loop
    /// thread (or on the caller's, before `start` returns, when the loop is shut down). It must be quick: the
    /// loop's other transfers wait while it runs.
    public func start(_ request: CurlRequest, completion: @escaping @Sendable (CurlResponse) -> Void) {
        var job = CurlJob(request: request, completion: completion)
        guard let lane = request.lane else {
            if !shared.submit(job) { job.fail(.other, Self.shutDownMessage) }
            return
        }
        job.slot = lane.assign()
        let inbox = threads.inboxes(of: lane) { Self.startThread(options: options) }?[job.slot]
        if inbox?.submit(job) != true { job.fail(.other, Self.shutDownMessage) }
    }

    /// Fails the transfers that are waiting or in flight (`transportError(.other, …)`), frees every connection
    /// and handle, and returns once every loop thread has ended. Later `perform` and `start` calls fail at once.
    public func shutdown() async {
        let inboxes = [shared] + threads.close()
        for inbox in inboxes {
            for job in inbox.close() { job.fail(.other, Self.shutDownMessage) }
        }
        for inbox in inboxes { await inbox.waitUntilEnded() }
    }

    public var statistics: Statistics {
        ([shared] + threads.all).reduce(into: Statistics()) { total, inbox in
            let counted = inbox.statistics
            total.transfers += counted.transfers
            total.connectionsOpened += counted.connectionsOpened
            total.wakeUps += counted.wakeUps
            total.fullLaneSleeps += counted.fullLaneSleeps
        }
    }

    static let shutDownMessage = "the delivery loop was shut down"

    private static func startThread(options: Options) -> CurlInbox {
        let inbox = CurlInbox()
        let thread = Thread { CurlMultiWorker.run(inbox: inbox, options: options) }
        thread.name = "nudge-curl"
        thread.start()
        return inbox
    }

    deinit {
        for inbox in [shared] + threads.close() {
            for job in inbox.close() { job.fail(.other, Self.shutDownMessage) }
        }
    }
}

/// The loop threads of each lane, started on the lane's first transfer.
private final class LaneThreads: @unchecked Sendable {
    private let lock = NSLock()
    /// Keyed by the lane's identity; the lane is kept so that its identity is never reused meanwhile.
    private var threads: [ObjectIdentifier: (lane: CurlLane, inboxes: [CurlInbox])] = [:]
    private var closed = false

    /// The lane's threads (one per slot), started with `start` when it has none; nil once closed.
    func inboxes(of lane: CurlLane, start: () -> CurlInbox) -> [CurlInbox]? {
        lock.withLock {
            guard !closed else { return nil }
            let id = ObjectIdentifier(lane)
            if let existing = threads[id] { return existing.inboxes }
            let inboxes = (0..<lane.threads).map { _ in start() }
            threads[id] = (lane, inboxes)
            return inboxes
        }
    }

    var all: [CurlInbox] { lock.withLock { threads.values.flatMap(\.inboxes) } }

    /// Takes no more lanes; returns every lane thread's inbox.
    func close() -> [CurlInbox] {
        lock.withLock {
            closed = true
            return threads.values.flatMap(\.inboxes)
        }
    }
}

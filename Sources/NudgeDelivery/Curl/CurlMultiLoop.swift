import Foundation
import NudgeCore

/// One libcurl multi handle driven by a dedicated thread, shared by every curl-based transport of the daemon.
///
/// `perform(_:)` queues a transfer and suspends until it ends; it never blocks the caller's thread. The loop
/// thread starts queued transfers, runs them all with `curl_multi_perform`, answers the finished ones and
/// sleeps in `curl_multi_poll` until a socket is ready or `perform` wakes it. Connections are kept open in the
/// multi handle's cache and reused by later transfers to the same server (SMTP sessions, HTTP keep-alive);
/// `Statistics.connectionsOpened` tells how many were opened.
public final class CurlMultiLoop: Sendable {
    /// Tuning of the loop.
    public struct Options: Sendable {
        /// Idle connections kept open for reuse, over all servers.
        public var cachedConnections: Int
        /// Easy handles kept for reuse once their transfer ends.
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
    }

    private let inbox = CurlInbox()

    /// Starts the loop thread.
    public init(options: Options = Options()) {
        let inbox = self.inbox
        let thread = Thread { CurlMultiWorker.run(inbox: inbox, options: options) }
        thread.name = "nudge-curl"
        thread.start()
    }

    /// Runs one transfer and returns how it ended. Never throws: a failure to set the transfer up, or the loop
    /// shutting down before or during it, is a `transportError` like any other. Cancelling the calling task does
    /// not stop a transfer that has started; its timeouts bound it.
    public func perform(_ request: CurlRequest) async -> CurlResponse {
        await withCheckedContinuation { continuation in
            let job = CurlJob(request: request, continuation: continuation)
            if !inbox.submit(job) { job.fail(.other, Self.shutDownMessage) }
        }
    }

    /// Fails the transfers that are waiting or in flight (`transportError(.other, …)`), frees every connection
    /// and handle, and returns once the loop thread has ended. Later `perform` calls fail at once.
    public func shutdown() async {
        for job in inbox.close() { job.fail(.other, Self.shutDownMessage) }
        await inbox.waitUntilEnded()
    }

    public var statistics: Statistics { inbox.statistics }

    static let shutDownMessage = "the delivery loop was shut down"

    deinit {
        for job in inbox.close() { job.fail(.other, Self.shutDownMessage) }
    }
}

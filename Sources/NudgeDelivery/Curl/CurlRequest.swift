import Foundation
import NudgeCore

/// One transfer for the `CurlMultiLoop`: what to send where, with its time limits and TLS options. Plain Swift
/// values; the loop turns them into libcurl options.
public struct CurlRequest: Sendable {
    /// The protocol exchange to perform.
    public enum Kind: Sendable {
        case http(HTTP)
        case smtp(SMTP)
    }

    /// An HTTP request.
    public struct HTTP: Sendable {
        /// `GET`, `POST`, `PUT`, `DELETE`, … (`HEAD` asks for no body).
        public var method: String
        /// `http://…` or `https://…`.
        public var url: String
        /// Sent in this order. A `Content-Type` for the body is the caller's to give.
        public var headers: [(name: String, value: String)]
        /// Request body; nil sends none.
        public var body: [UInt8]?

        public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
            self.method = method
            self.url = url
            self.headers = headers
            self.body = body
        }
    }

    /// One SMTP submission: a message and its envelope.
    public struct SMTP: Sendable {
        /// `smtp://host:port[/helo-domain]` (STARTTLS per `startTLS`) or `smtps://host:port` (TLS from the start).
        public var url: String
        /// The envelope sender, a bare address (`shop@example.vn`).
        public var mailFrom: String
        /// The envelope recipients, bare addresses.
        public var recipients: [String]
        /// The whole message (headers and body, CRLF line endings). libcurl dot-stuffs it.
        public var payload: [UInt8]
        /// Whether to upgrade an `smtp://` connection with STARTTLS.
        public var startTLS: SMTPTransport.StartTLS
        /// AUTH credentials; no AUTH without a username.
        public var username: String?
        public var password: String?

        public init(
            url: String, mailFrom: String, recipients: [String], payload: [UInt8],
            startTLS: SMTPTransport.StartTLS = .optional, username: String? = nil, password: String? = nil
        ) {
            self.url = url
            self.mailFrom = mailFrom
            self.recipients = recipients
            self.payload = payload
            self.startTLS = startTLS
            self.username = username
            self.password = password
        }
    }

    public var kind: Kind
    /// Transfers of one lane run at most `lane.limit` at once; nil for no limit.
    public var lane: CurlLane?
    /// The most the whole transfer may take, connecting included.
    public var timeout: TimeInterval
    /// The most connecting (TCP and TLS) may take; never more than `timeout`.
    public var connectTimeout: TimeInterval
    /// Certificate checks: against the system store, or `caFile`; `verify: false` only for tests.
    public var tls: TLSSettings

    public init(
        kind: Kind, timeout: TimeInterval, connectTimeout: TimeInterval? = nil, tls: TLSSettings = .init(),
        lane: CurlLane? = nil
    ) {
        self.kind = kind
        self.lane = lane
        self.timeout = timeout
        self.connectTimeout = min(connectTimeout ?? timeout, timeout)
        self.tls = tls
    }
}

/// The transfers of one user of the loop (a channel's transport): at most `limit` run at once, its `concurrency`,
/// on `threads` loop threads of their own. Transfers beyond the limit wait in the loop, in order, and the next
/// starts on the loop thread the moment one ends, without a round trip through the caller; no time limit runs
/// while a transfer waits.
///
/// Threads of its own: libcurl finishes an SMTP submission by waiting for the server's answer to the end of the
/// data inside `curl_multi_perform`, which holds up every other transfer of that thread meanwhile. A lane's
/// threads keep such a wait from stalling other channels, and several threads keep it from stalling the lane's
/// other connections.
public final class CurlLane: @unchecked Sendable {
    public let limit: Int
    public let threads: Int
    private let lock = NSLock()
    /// Transfers submitted and not yet finished, per thread of the lane.
    private var outstanding: [Int]

    public init(limit: Int, threads: Int = 1) {
        self.limit = max(1, limit)
        self.threads = min(max(1, threads), self.limit)
        outstanding = Array(repeating: 0, count: self.threads)
    }

    /// How many of the lane's transfers thread `slot` runs at once: the limit shared out as evenly as it goes.
    func limit(forSlot slot: Int) -> Int {
        limit / threads + (slot < limit % threads ? 1 : 0)
    }

    /// The thread with the least work for a new transfer, counted until `finished(slot:)`.
    func assign() -> Int {
        lock.withLock {
            var best = 0
            for slot in outstanding.indices
            where outstanding[slot] * limit(forSlot: best)
                < outstanding[best] * limit(forSlot: slot)
            {
                best = slot
            }
            outstanding[best] += 1
            return best
        }
    }

    func finished(slot: Int) {
        lock.withLock { outstanding[slot] -= 1 }
    }
}

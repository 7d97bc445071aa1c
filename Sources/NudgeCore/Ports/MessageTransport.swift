import Foundation

/// The outcome of one delivery attempt.
public enum DeliveryResult: Sendable, Equatable {
    /// Accepted; `providerID` is the gateway's id for the message, or where a file was written.
    case sent(providerID: String?)
    /// Not accepted. `permanent` failures are not retried; `retryAfter` is the gateway's requested delay.
    case failed(error: String, permanent: Bool, retryAfter: TimeInterval?)
    /// Not handed to the gateway: the offer in the message expires at the date given, and had expired, or would
    /// before the message could reach the gateway (`OutboxMessage.sendingMargin`).
    case offerExpired(Date)
}

/// Delivers outbox messages of one channel.
public protocol MessageTransport: Sendable {
    func deliver(_ message: OutboxMessage, now: Date) async -> DeliveryResult
    /// How many deliveries beyond the channel's `concurrency` the dispatcher may have started at once. A transport
    /// that keeps its own connections to `concurrency` and queues the rest (prepared) can start the next the
    /// moment a connection is free; others say 0, and the dispatcher's `concurrency` is theirs.
    var readyAhead: Int { get }
}

extension MessageTransport {
    public var readyAhead: Int { 0 }
}

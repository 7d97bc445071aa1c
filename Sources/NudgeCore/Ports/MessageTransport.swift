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
    /// Starts delivering `message` and returns without waiting for the gateway; `completion` receives the
    /// result, exactly once, on whatever thread the transport finishes on (possibly before `start` returns).
    /// The dispatcher starts messages this way, so that a busy channel hands its results over in batches rather
    /// than waking a task per message. By default, `deliver` in a task of its own: a transport whose `deliver`
    /// is `deliverByStarting` must implement this one.
    func start(_ message: OutboxMessage, now: Date, completion: @escaping @Sendable (DeliveryResult) -> Void)
    /// How many deliveries beyond the channel's `concurrency` the dispatcher may have started at once. A transport
    /// that keeps its own connections to `concurrency` and queues the rest (prepared) can start the next the
    /// moment a connection is free; others say 0, and the dispatcher's `concurrency` is theirs.
    var readyAhead: Int { get }
}

extension MessageTransport {
    public var readyAhead: Int { 0 }

    public func start(_ message: OutboxMessage, now: Date, completion: @escaping @Sendable (DeliveryResult) -> Void) {
        Task { completion(await deliver(message, now: now)) }
    }

    /// `deliver` for a transport whose own way is `start`: waits for its completion.
    public func deliverByStarting(_ message: OutboxMessage, now: Date) async -> DeliveryResult {
        await withCheckedContinuation { continuation in
            start(message, now: now) { continuation.resume(returning: $0) }
        }
    }
}

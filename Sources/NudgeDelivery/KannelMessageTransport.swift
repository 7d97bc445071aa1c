import Foundation
import NudgeCore

/// The `kannel` transport (SPEC §8): each SMS becomes one sendsms GET (`KannelRequest`: UTF-8 text with
/// `coding=2&charset=UTF-8` when it is not GSM-7, `max-messages` set to the parts it needs, a signed `dlr-url`
/// when delivery reports are on), run on the shared `CurlMultiLoop`; `KannelOutcome` decides what Kannel's answer
/// means. At most `concurrency` requests run at once (the loop's lane); more wait in the loop, built. A text the
/// channel cannot carry (too many parts, no valid number) fails for good before any request.
public struct KannelMessageTransport: MessageTransport {
    public let settings: KannelTransport
    /// The most one request may take, connecting included.
    public let timeout: TimeInterval
    /// Where Kannel reports delivery, or nil for no reports.
    public let receipts: ReceiptCallback?
    private let loop: CurlMultiLoop
    private let lane: CurlLane

    /// Connecting may take at most this long, or `timeout` when that is shorter.
    static let connectTimeout: TimeInterval = 10

    public init(
        settings: KannelTransport, timeout: TimeInterval, concurrency: Int, receipts: ReceiptCallback?,
        loop: CurlMultiLoop
    ) {
        self.settings = settings
        self.timeout = timeout
        self.receipts = receipts
        self.loop = loop
        // One loop thread: libcurl never waits for Kannel's answer inside its thread.
        lane = CurlLane(limit: concurrency, threads: 1)
    }

    public func deliver(_ message: OutboxMessage, now: Date) async -> DeliveryResult {
        await deliverByStarting(message, now: now)
    }

    /// Builds the request here and now; Kannel's answer is classified on the loop thread.
    public func start(_ message: OutboxMessage, now: Date, completion: @escaping @Sendable (DeliveryResult) -> Void) {
        let request: CurlRequest
        do throws(KannelRequestError) {
            request = try self.request(for: message)
        } catch {
            completion(error.deliveryResult)
            return
        }
        loop.start(request) { response in completion(KannelOutcome.decide(response.result.gatewayAttempt)) }
    }

    /// The sendsms request for `message`, or why it cannot be sent.
    public func request(for message: OutboxMessage) throws(KannelRequestError) -> CurlRequest {
        let sendsms = try KannelRequest.build(
            settings: settings, message: message, deliveryReportURL: receipts?.base,
            receiptSignature: receipts?.signature(forKey: message.key))
        return CurlRequest(
            kind: .http(CurlRequest.HTTP(method: "GET", url: sendsms.url)), timeout: timeout,
            connectTimeout: min(timeout, Self.connectTimeout), tls: TLSSettings(), lane: lane)
    }

    /// Three times its connections: each finished request finds the next one built and waiting, even when the
    /// dispatcher, which builds them, waits for a batch of outcomes or for a core (a busy machine).
    public var readyAhead: Int { lane.limit * 3 }
}

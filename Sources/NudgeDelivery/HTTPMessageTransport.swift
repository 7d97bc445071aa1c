import Foundation
import NudgeCore

/// The `http` transport (SPEC §8, §9): each message is one JSON `POST` to the channel's `url` through the shared
/// `CurlMultiLoop`. The body is the channel's `body:` template rendered for the message (`HTTPBody`), or the
/// standard body; the headers are `Content-Type`, `Idempotency-Key` (the message key, so the gateway can drop a
/// message sent twice after a crash) and the configured ones, secrets included (`HTTPHeaders`). `HTTPOutcome`
/// decides what the answer means: 2xx sent (with the gateway's id when its JSON names one), 408/429/5xx and no
/// answer retried (honouring `Retry-After`), other 4xx failed for good. At most `concurrency` requests of the
/// channel run at once (the loop's lane); more wait in the loop, built, and the next starts as soon as one ends.
/// The loop keeps their connections alive for the next requests.
public struct HTTPMessageTransport: MessageTransport {
    public let settings: HTTPTransport
    /// The most one request may take, connecting included.
    public let timeout: TimeInterval
    /// The live templates, read for each message so that a reload (SIGHUP) changes the body template too.
    private let templates: @Sendable () -> TemplateSet
    private let loop: CurlMultiLoop
    private let lane: CurlLane

    /// Connecting (TCP and TLS) may take at most this long, or `timeout` when that is shorter.
    static let connectTimeout: TimeInterval = 10

    public init(
        settings: HTTPTransport, timeout: TimeInterval, concurrency: Int, loop: CurlMultiLoop,
        templates: @escaping @Sendable () -> TemplateSet = { .empty }
    ) {
        self.settings = settings
        self.timeout = timeout
        self.templates = templates
        self.loop = loop
        // libcurl never waits for an HTTP answer inside its thread, so one thread could keep every connection
        // busy; two share the work of setting requests up and reading answers between the machine's cores.
        lane = CurlLane(limit: concurrency, threads: 2)
    }

    public func deliver(_ message: OutboxMessage, now: Date) async -> DeliveryResult {
        await deliverByStarting(message, now: now)
    }

    /// Builds the request here and now; the answer is classified on the loop thread.
    public func start(_ message: OutboxMessage, now: Date, completion: @escaping @Sendable (DeliveryResult) -> Void) {
        switch request(for: message) {
        case .success(let request):
            loop.start(request) { response in
                // An HTTP-date `Retry-After` counts from when the answer came.
                completion(HTTPOutcome.decide(response.result.gatewayAttempt, now: now + response.totalTime))
            }
        case .failure(let refusal):
            completion(refusal.result)
        }
    }

    /// Why a message cannot be sent at all, as its outcome.
    struct Refusal: Error {
        var result: DeliveryResult
    }

    /// The request for `message`, or why there is none (a header the configuration got wrong, a body that is
    /// not JSON).
    func request(for message: OutboxMessage) -> Result<CurlRequest, Refusal> {
        let headers: [HTTPHeader]
        do throws(HTTPHeaderError) {
            headers = try HTTPHeaders.build(configured: settings.headers, key: message.key)
        } catch {
            return .failure(Refusal(result: error.deliveryResult))
        }
        let body: [UInt8]
        switch HTTPBody.render(message, template: settings.bodyTemplate, in: templates()) {
        case .success(let bytes): body = bytes
        case .failure(let error): return .failure(Refusal(result: error.deliveryResult))
        }
        let post = CurlRequest.HTTP(
            method: "POST", url: settings.url, headers: headers.map { (name: $0.name, value: $0.value) }, body: body)
        return .success(
            CurlRequest(
                kind: .http(post), timeout: timeout, connectTimeout: min(timeout, Self.connectTimeout),
                tls: settings.tls, lane: lane))
    }

    /// Three times its connections: each finished request finds the next one built and waiting, even when the
    /// dispatcher, which builds them, waits for a batch of outcomes or for a core (a busy machine).
    public var readyAhead: Int { lane.limit * 3 }
}

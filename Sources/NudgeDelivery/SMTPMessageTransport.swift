import Foundation
import NudgeCore

/// The `smtp` transport (SPEC §8): each email message is written by `EmailDocument` (From the channel's `from`,
/// `Message-ID` from the message key, `List-Unsubscribe` on marketing mail) and submitted through the shared
/// `CurlMultiLoop` over `smtp://` (STARTTLS as configured) or `smtps://`, with AUTH when a username is set.
/// `SMTPOutcome` decides what the server's answer means. At most `concurrency` submissions of the channel run
/// at once (the loop's lane); more wait in the loop, built, and the next starts as soon as one ends. The loop
/// reuses their connections.
public struct SMTPMessageTransport: MessageTransport {
    public let settings: SMTPTransport
    /// The most one submission may take, connecting included.
    public let timeout: TimeInterval
    private let loop: CurlMultiLoop
    private let lane: CurlLane
    /// `from`, parsed once.
    private let sender: MailAddress
    private let envelopeSender: String

    /// Connecting (TCP and TLS) may take at most this long, or `timeout` when that is shorter.
    static let connectTimeout: TimeInterval = 10

    public init(settings: SMTPTransport, timeout: TimeInterval, concurrency: Int, loop: CurlMultiLoop) {
        self.settings = settings
        self.timeout = timeout
        self.loop = loop
        // A loop thread per connection (up to 16): libcurl waits for the server's answer to the end of the data
        // inside its thread, so connections that share a thread wait for each other's answers.
        lane = CurlLane(limit: concurrency, threads: min(concurrency, 16))
        sender = MailAddress(parsing: settings.from)
        envelopeSender = EmailDocument.envelopeAddress(sender.address)
    }

    public func deliver(_ message: OutboxMessage, now: Date) async -> DeliveryResult {
        await deliverByStarting(message, now: now)
    }

    /// Builds the message here and now; the server's answer is classified on the loop thread.
    public func start(_ message: OutboxMessage, now: Date, completion: @escaping @Sendable (DeliveryResult) -> Void) {
        let messageID = EmailDocument.messageID(forKey: message.key)
        guard let request = request(for: message, messageID: messageID, now: now) else {
            completion(.failed(error: "the message has no email address to send to", permanent: true, retryAfter: nil))
            return
        }
        loop.start(request) { response in completion(SMTPOutcome.classify(response.result, messageID: messageID)) }
    }

    /// The submission of `message`; nil when it has no usable recipient address.
    func request(for message: OutboxMessage, messageID: String, now: Date) -> CurlRequest? {
        let recipients = message.recipient.addresses.map(EmailDocument.envelopeAddress).filter { !$0.isEmpty }
        guard !recipients.isEmpty else { return nil }
        let document = EmailDocument.bytes(
            content: message.content, sender: sender, to: message.recipient, messageKey: message.key,
            messageID: messageID, date: now, isMarketing: message.isMarketing)
        let submission = CurlRequest.SMTP(
            url: settings.url, mailFrom: envelopeSender,
            recipients: recipients, payload: document, startTLS: settings.startTLS,
            username: settings.username, password: settings.password?.value)
        return CurlRequest(
            kind: .smtp(submission), timeout: timeout, connectTimeout: min(timeout, Self.connectTimeout),
            tls: settings.tls, lane: lane)
    }

    /// Three times its connections: each finished submission finds the next one built and waiting, even when the
    /// dispatcher, which builds them, waits for a batch of outcomes or for a core (a busy machine).
    public var readyAhead: Int { lane.limit * 3 }
}

import Foundation
import NudgeCore

/// The `smtp` transport (SPEC §8): each email message is written by `EmailDocument` (From the channel's `from`,
/// `Message-ID` from the message key, `List-Unsubscribe` on marketing mail) and submitted through the shared
/// `CurlMultiLoop` over `smtp://` (STARTTLS as configured) or `smtps://`, with AUTH when a username is set.
/// `SMTPOutcome` decides what the server's answer means. At most `concurrency` submissions of the channel run
/// at once; the loop reuses their connections.
public struct SMTPMessageTransport: MessageTransport {
    public let settings: SMTPTransport
    /// The most one submission may take, connecting included.
    public let timeout: TimeInterval
    private let loop: CurlMultiLoop
    private let limit: ConcurrencyLimit

    /// Connecting (TCP and TLS) may take at most this long, or `timeout` when that is shorter.
    static let connectTimeout: TimeInterval = 10

    public init(settings: SMTPTransport, timeout: TimeInterval, concurrency: Int, loop: CurlMultiLoop) {
        self.settings = settings
        self.timeout = timeout
        self.loop = loop
        limit = ConcurrencyLimit(concurrency)
    }

    public func deliver(_ message: OutboxMessage, now: Date) async -> DeliveryResult {
        guard let request = request(for: message, now: now) else {
            return .failed(error: "the message has no email address to send to", permanent: true, retryAfter: nil)
        }
        let response = await limit.run { [loop] in await loop.perform(request) }
        return SMTPOutcome.classify(response.result, messageID: EmailDocument.messageID(forKey: message.key))
    }

    /// The submission of `message`; nil when it has no usable recipient address.
    func request(for message: OutboxMessage, now: Date) -> CurlRequest? {
        let recipients = message.recipient.addresses.map(EmailDocument.envelopeAddress).filter { !$0.isEmpty }
        guard !recipients.isEmpty else { return nil }
        let document = EmailDocument.build(
            content: message.content, from: settings.from, to: message.recipient, messageKey: message.key, date: now,
            isMarketing: message.isMarketing)
        let submission = CurlRequest.SMTP(
            url: settings.url, mailFrom: EmailDocument.envelopeAddress(MailAddress(parsing: settings.from).address),
            recipients: recipients, payload: Array(document.utf8), startTLS: settings.startTLS,
            username: settings.username, password: settings.password?.value)
        return CurlRequest(
            kind: .smtp(submission), timeout: timeout, connectTimeout: min(timeout, Self.connectTimeout),
            tls: settings.tls)
    }
}

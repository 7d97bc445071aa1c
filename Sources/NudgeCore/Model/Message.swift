import Foundation

/// A rendered message, ready for any transport of its channel.
public struct MessageContent: Sendable, Hashable, Codable {
    /// Email subject.
    public var subject: String?
    /// Email preheader (hidden preview text).
    public var preheader: String?
    /// Email HTML body.
    public var html: String?
    /// Email plain-text part, SMS text, push body.
    public var text: String
    /// Push title.
    public var title: String?
    /// Push deep link.
    public var url: String?
    /// One-click unsubscribe link for marketing messages.
    public var unsubscribeURL: String?
    /// SKUs of the recommendations rendered into the message, in order.
    public var recommendedSKUs: [String]
    /// When the offer rendered into the message (`offer.expires_at`) expires: the message is never sent later.
    public var offerExpiresAt: Date?

    public init(
        subject: String? = nil, preheader: String? = nil, html: String? = nil, text: String, title: String? = nil,
        url: String? = nil, unsubscribeURL: String? = nil, recommendedSKUs: [String] = [],
        offerExpiresAt: Date? = nil
    ) {
        self.subject = subject
        self.preheader = preheader
        self.html = html
        self.text = text
        self.title = title
        self.url = url
        self.unsubscribeURL = unsubscribeURL
        self.recommendedSKUs = recommendedSKUs
        self.offerExpiresAt = offerExpiresAt
    }
}

/// Where a message goes: an email address, a phone number, or a customer's push tokens.
public struct Recipient: Sendable, Hashable, Codable {
    public var addresses: [String]
    /// Display name for email (`"Lan" <lan@example.vn>`).
    public var name: String?

    public init(addresses: [String], name: String? = nil) {
        self.addresses = addresses
        self.name = name
    }
}

/// A message in the outbox: rendered, durable, waiting for (or done with) delivery.
public struct OutboxMessage: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, Codable {
        /// Waiting for `nextAttemptAt`.
        case queued
        /// Claimed by a dispatcher until `leaseUntil`.
        case sending
        case sent, failed, dead
    }

    /// Assigned by the store; 0 until stored.
    public var id: Int64
    /// `campaign/step/customer/enrollment`: unique, the idempotency key everywhere (SPEC §3, §9).
    public var key: String
    public var campaign: String
    public var step: String
    public var variant: String?
    public var customerID: String
    public var channel: Channel
    public var recipient: Recipient
    public var content: MessageContent
    public var state: State
    /// Delivery attempts made so far.
    public var attempts: Int
    public var nextAttemptAt: Date
    public var leaseUntil: Date?
    public var createdAt: Date
    /// Marketing messages carry unsubscribe headers; notices do not.
    public var isMarketing: Bool

    public init(
        id: Int64 = 0, key: String, campaign: String, step: String, variant: String? = nil, customerID: String,
        channel: Channel, recipient: Recipient, content: MessageContent, state: State = .queued, attempts: Int = 0,
        nextAttemptAt: Date, leaseUntil: Date? = nil, createdAt: Date, isMarketing: Bool = true
    ) {
        self.id = id
        self.key = key
        self.campaign = campaign
        self.step = step
        self.variant = variant
        self.customerID = customerID
        self.channel = channel
        self.recipient = recipient
        self.content = content
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseUntil = leaseUntil
        self.createdAt = createdAt
        self.isMarketing = isMarketing
    }

    /// Whether the offer the message carries has expired at `now`: such a message is never sent (SPEC §6).
    public func offerHasExpired(at now: Date) -> Bool {
        content.offerExpiresAt.map { now >= $0 } ?? false
    }

    /// How long before its offer expires a message is no longer started: one started later could reach the
    /// gateway, and the customer, after the offer ended.
    public static let sendingMargin: TimeInterval = 1

    /// Whether it is too late to start sending the message at `now`: its offer has expired, or will within
    /// `sendingMargin`.
    public func isTooLateToSend(at now: Date) -> Bool {
        offerHasExpired(at: now + Self.sendingMargin)
    }

    /// The idempotency key of a step's message for one enrollment.
    public static func key(campaign: String, step: String, customerID: String, enrollment: Int64) -> String {
        "\(campaign)/\(step)/\(customerID)/\(enrollment)"
    }
}

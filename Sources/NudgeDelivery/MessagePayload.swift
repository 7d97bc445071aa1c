import NudgeCore

/// The JSON describing an SMS or push message (SPEC §8): what the `file` transport writes and the `http`
/// transport posts when no body template is configured. `to` is the phone number for SMS and the list of push
/// tokens for push.
public struct MessagePayload: Encodable, Sendable, Hashable {
    public enum Destination: Encodable, Sendable, Hashable {
        case address(String)
        case addresses([String])

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .address(let address): try container.encode(address)
            case .addresses(let addresses): try container.encode(addresses)
            }
        }
    }

    public var key: String
    public var channel: Channel
    public var to: Destination
    public var title: String?
    public var body: String
    public var url: String?
    public var campaign: String
    public var step: String
    public var customerID: String

    public init(_ message: OutboxMessage) {
        key = message.key
        channel = message.channel
        switch message.channel {
        case .push: to = .addresses(message.recipient.addresses)
        case .sms, .email: to = .address(message.recipient.addresses.first ?? "")
        }
        title = message.content.title
        body = message.content.text
        url = message.content.url
        campaign = message.campaign
        step = message.step
        customerID = message.customerID
    }

    enum CodingKeys: String, CodingKey {
        case key, channel, to, title, body, url, campaign, step
        case customerID = "customer_id"
    }

    /// Every key is present; an absent title or url is `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(channel, forKey: .channel)
        try container.encode(to, forKey: .to)
        try container.encode(title, forKey: .title)
        try container.encode(body, forKey: .body)
        try container.encode(url, forKey: .url)
        try container.encode(campaign, forKey: .campaign)
        try container.encode(step, forKey: .step)
        try container.encode(customerID, forKey: .customerID)
    }
}

import Foundation

/// A customer profile with the facts derived from their events and their current journey stage.
public struct Customer: Sendable, Hashable {
    public var id: String
    public var email: String?
    /// E.164, e.g. `+84901234567`.
    public var phone: String?
    public var pushTokens: [String]
    /// An IANA zone identifier; nil means the configured default.
    public var timezone: String?
    public var locale: String?
    public var attributes: [String: Value]
    /// Explicit consent per channel; a channel not listed falls back to `default_consent`.
    public var consent: [Channel: Bool]
    public var createdAt: Date
    public var updatedAt: Date
    public var facts: CustomerFacts
    public var stage: String?
    public var stageEnteredAt: Date?

    public init(
        id: String, email: String? = nil, phone: String? = nil, pushTokens: [String] = [], timezone: String? = nil,
        locale: String? = nil, attributes: [String: Value] = [:], consent: [Channel: Bool] = [:], createdAt: Date,
        updatedAt: Date? = nil, facts: CustomerFacts = CustomerFacts(), stage: String? = nil,
        stageEnteredAt: Date? = nil
    ) {
        self.id = id
        self.email = email
        self.phone = phone
        self.pushTokens = pushTokens
        self.timezone = timezone
        self.locale = locale
        self.attributes = attributes
        self.consent = consent
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.facts = facts
        self.stage = stage
        self.stageEnteredAt = stageEnteredAt
    }

    /// The customer's zone, or `fallback` when they have none or it is not a known zone.
    public func zone(default fallback: TimeZone) -> TimeZone {
        timezone.flatMap(TimeZone.init(identifier:)) ?? fallback
    }

    /// Whether marketing on `channel` may reach this customer.
    public func consents(to channel: Channel, defaults: [Channel: Bool]) -> Bool {
        consent[channel] ?? defaults[channel] ?? false
    }
}

/// What nudge has learned about a customer from their events (SPEC §3, "facts derived").
public struct CustomerFacts: Sendable, Hashable {
    public var purchaseCount: Int = 0
    public var totalSpent: Double = 0
    public var firstPurchaseAt: Date?
    public var lastPurchaseAt: Date?
    public var signupAt: Date?
    public var trialEndsAt: Date?
    public var plan: String?
    /// Latest `plan_usage` per metric.
    public var usage: [String: Usage] = [:]
    /// Every SKU bought, in first-bought order, without repeats.
    public var ownedSKUs: [String] = []
    /// Every category bought, without repeats.
    public var ownedCategories: [String] = []
    public var complaints: Int = 0
    /// Channels unsubscribed from; `allMarketing` covers every channel.
    public var unsubscribed: Set<Channel> = []
    public var unsubscribedFromAll: Bool = false
    /// The next moment the customer's stage may change by time alone (a `since(…)` or `now` threshold in the
    /// stage rules), when there is one: the stage sweep re-evaluates the customer then.
    public var stageCheckAt: Date?

    public init() {}

    public struct Usage: Sendable, Hashable {
        public var used: Double
        public var limit: Double

        public init(used: Double, limit: Double) {
            self.used = used
            self.limit = limit
        }

        /// used / limit, or nil when there is no positive limit.
        public var ratio: Double? { limit > 0 ? used / limit : nil }
    }
}

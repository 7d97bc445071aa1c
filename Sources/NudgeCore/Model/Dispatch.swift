import Foundation

/// The `status` column of the dispatch log (SPEC §13).
public enum DispatchStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case queued, sent, delivered, deferred, suppressed, failed, retrying, dead
}

/// Why a step was not sent (now or at all), SPEC §9.
public enum SuppressionReason: String, Sendable, Hashable, CaseIterable, Codable {
    case noConsent = "no_consent"
    case unsubscribed
    case complained
    case cap
    case quietHours = "quiet_hours"
    case windowMissed = "window_missed"
    case expired
    case noRelevantOffer = "no_relevant_offer"
    case audienceChanged = "audience_changed"
    case holdout
    case exited
    case invalidAddress = "invalid_address"
    case missingTemplate = "missing_template"
}

/// One row of the append-only dispatch log: a decision or a delivery attempt.
public struct DispatchLogEntry: Sendable, Hashable {
    /// Monotonic; assigned by the store (0 until stored).
    public var seq: Int64
    public var at: Date
    public var campaign: String
    public var step: String
    public var variant: String?
    public var customerID: String
    public var channel: Channel
    public var status: DispatchStatus
    public var reason: String?
    public var attempt: Int
    public var messageKey: String?
    public var providerID: String?
    public var latencyMilliseconds: Int?
    public var error: String?

    public init(
        seq: Int64 = 0, at: Date, campaign: String, step: String, variant: String? = nil, customerID: String,
        channel: Channel, status: DispatchStatus, reason: String? = nil, attempt: Int = 0, messageKey: String? = nil,
        providerID: String? = nil, latencyMilliseconds: Int? = nil, error: String? = nil
    ) {
        self.seq = seq
        self.at = at
        self.campaign = campaign
        self.step = step
        self.variant = variant
        self.customerID = customerID
        self.channel = channel
        self.status = status
        self.reason = reason
        self.attempt = attempt
        self.messageKey = messageKey
        self.providerID = providerID
        self.latencyMilliseconds = latencyMilliseconds
        self.error = error
    }
}
extension SuppressionReason: Error {}

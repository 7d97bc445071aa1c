import Foundation

/// The configuration a journey decision needs: quiet hours, the default zone, the default consent and the
/// frequency caps.
public struct JourneyPolicy: Sendable {
    /// nil when quiet hours are off.
    public var quietHours: QuietHours?
    /// The zone of customers without a (known) zone of their own.
    public var defaultZone: TimeZone
    /// Consent for channels a customer has not answered for (`default_consent`).
    public var defaultConsent: [Channel: Bool]
    /// Frequency caps across campaigns (`limits`); none by default.
    public var limits: FrequencyLimits

    public init(
        quietHours: QuietHours?, defaultZone: TimeZone, defaultConsent: [Channel: Bool],
        limits: FrequencyLimits = FrequencyLimits(perCustomer: [], perChannel: [:])
    ) {
        self.quietHours = quietHours
        self.defaultZone = defaultZone
        self.defaultConsent = defaultConsent
        self.limits = limits
    }

    /// The policy `nudge.yml` sets.
    public init(config: Config) {
        self.init(
            quietHours: config.quietHours, defaultZone: config.timezone, defaultConsent: config.defaultConsent,
            limits: config.limits)
    }
}

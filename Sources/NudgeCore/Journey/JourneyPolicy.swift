import Foundation

/// The configuration a journey decision needs: quiet hours, the default zone and the default consent.
public struct JourneyPolicy: Sendable {
    /// nil when quiet hours are off.
    public var quietHours: QuietHours?
    /// The zone of customers without a (known) zone of their own.
    public var defaultZone: TimeZone
    /// Consent for channels a customer has not answered for (`default_consent`).
    public var defaultConsent: [Channel: Bool]

    public init(quietHours: QuietHours?, defaultZone: TimeZone, defaultConsent: [Channel: Bool]) {
        self.quietHours = quietHours
        self.defaultZone = defaultZone
        self.defaultConsent = defaultConsent
    }

    /// The policy `nudge.yml` sets.
    public init(config: Config) {
        self.init(quietHours: config.quietHours, defaultZone: config.timezone, defaultConsent: config.defaultConsent)
    }
}

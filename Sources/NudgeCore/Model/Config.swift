import Foundation

/// A secret from the configuration (token, password, key). Its description never shows the value.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
}

/// `host:port` the HTTP API listens on.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:8470`, `[::1]:8470` or `:8470` (all interfaces).
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// At most `max` messages per rolling `per` window.
public struct FrequencyCap: Sendable, Hashable {
    public var max: Int
    public var per: TimeInterval

    public init(max: Int, per: TimeInterval) {
        self.max = max
        self.per = per
    }
}

/// Caps across all campaigns (notices exempt): per customer, and per customer on one channel.
public struct FrequencyLimits: Sendable, Hashable {
    public var perCustomer: [FrequencyCap]
    public var perChannel: [Channel: [FrequencyCap]]

    public init(perCustomer: [FrequencyCap], perChannel: [Channel: [FrequencyCap]]) {
        self.perCustomer = perCustomer
        self.perChannel = perChannel
    }
}

/// How failed deliveries are retried: exponential backoff from `first` up to `max`, `maxAttempts` in all.
public struct RetrySettings: Sendable, Hashable {
    public var maxAttempts: Int
    public var first: TimeInterval
    public var max: TimeInterval

    public init(maxAttempts: Int, first: TimeInterval, max: TimeInterval) {
        self.maxAttempts = maxAttempts
        self.first = first
        self.max = max
    }
}

/// One-click unsubscribe links: where they point and the key that signs them.
public struct UnsubscribeSettings: Sendable, Hashable {
    /// `https://shop.example/u`; nil means the daemon's own `/u` route on its listen address.
    public var baseURL: String?
    /// nil means a secret generated into the data directory on first start.
    public var secret: Secret?

    public init(baseURL: String? = nil, secret: Secret? = nil) {
        self.baseURL = baseURL
        self.secret = secret
    }
}

/// Whether the daemon's own log lines are logfmt or JSON.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    case logfmt, json
}

/// Everything `nudge.yml` says, with the embedded defaults for what it leaves out.
public struct Config: Sendable {
    public var dataDirectory: String
    public var campaignsDirectory: String
    public var templatesDirectory: String
    public var listen: ListenAddress
    public var apiToken: Secret?
    /// The zone of customers without one (an IANA identifier).
    public var timezone: TimeZone
    public var locale: String
    public var stageSweep: TimeInterval
    /// nil when quiet hours are off.
    public var quietHours: QuietHours?
    public var defaultConsent: [Channel: Bool]
    public var limits: FrequencyLimits
    public var retry: RetrySettings
    public var unsubscribe: UnsubscribeSettings
    public var channels: [Channel: ChannelSettings]
    public var maxBodyBytes: Int
    public var logFormat: LogFormat
    /// The file this configuration came from; nil for the embedded defaults.
    public var sourcePath: String?

    /// The embedded defaults: data in `./var`, files in `./campaigns` and `./templates`, API on
    /// 127.0.0.1:8470, every channel on the file transport.
    public static let defaults = Config(
        dataDirectory: "./var",
        campaignsDirectory: "./campaigns",
        templatesDirectory: "./templates",
        listen: ListenAddress(host: "127.0.0.1", port: 8470),
        apiToken: nil,
        timezone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!,
        locale: "vi-VN",
        stageSweep: 15 * 60,
        quietHours: QuietHours(start: TimeOfDay(hour: 21, minute: 0), end: TimeOfDay(hour: 8, minute: 0)),
        defaultConsent: [.email: true, .sms: false, .push: false],
        limits: FrequencyLimits(
            perCustomer: [FrequencyCap(max: 1, per: 86_400), FrequencyCap(max: 3, per: 7 * 86_400)],
            perChannel: [.sms: [FrequencyCap(max: 2, per: 7 * 86_400)]]),
        retry: RetrySettings(maxAttempts: 8, first: 30, max: 3600),
        unsubscribe: UnsubscribeSettings(),
        channels: Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0, ChannelSettings.fileDefault) }),
        maxBodyBytes: 10 * 1024 * 1024,
        logFormat: .logfmt,
        sourcePath: nil)
}

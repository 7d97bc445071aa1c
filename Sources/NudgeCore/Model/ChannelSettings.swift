import Foundation

/// How one channel delivers: its transport and the limits that apply to it.
public struct ChannelSettings: Sendable {
    public var transport: Transport
    /// Transfers in flight at once on this channel.
    public var concurrency: Int
    /// Messages per unit of time, or nil for no limit.
    public var rate: Rate?
    public var timeout: TimeInterval

    public init(transport: Transport, concurrency: Int, rate: Rate?, timeout: TimeInterval) {
        self.transport = transport
        self.concurrency = concurrency
        self.rate = rate
        self.timeout = timeout
    }

    static let fileDefault = ChannelSettings(transport: .file(FileTransport()), concurrency: 4, rate: nil, timeout: 30)

    /// The transports a channel can use, with their settings.
    public enum Transport: Sendable {
        case file(FileTransport)
        case smtp(SMTPTransport)
        case kannel(KannelTransport)
        case http(HTTPTransport)

        public var name: String {
            switch self {
            case .file: "file"
            case .smtp: "smtp"
            case .kannel: "kannel"
            case .http: "http"
            }
        }
    }
}

/// Writes each message to `<dir>/<channel>/` (default `<data_dir>/outbox`): email as `.eml`, SMS and push as JSON.
public struct FileTransport: Sendable, Hashable {
    public var directory: String?

    public init(directory: String? = nil) {
        self.directory = directory
    }
}

/// TLS options shared by the SMTP and HTTP transports.
public struct TLSSettings: Sendable, Hashable {
    public var caFile: String?
    /// false only for tests; the daemon warns loudly when it is off.
    public var verify: Bool

    public init(caFile: String? = nil, verify: Bool = true) {
        self.caFile = caFile
        self.verify = verify
    }
}

public struct SMTPTransport: Sendable, Hashable {
    public enum StartTLS: String, Sendable, Hashable, CaseIterable {
        case required, optional, off
    }

    public var url: String
    public var startTLS: StartTLS
    public var username: String?
    public var password: Secret?
    public var from: String
    public var tls: TLSSettings

    public init(
        url: String, startTLS: StartTLS, username: String?, password: Secret?, from: String, tls: TLSSettings
    ) {
        self.url = url
        self.startTLS = startTLS
        self.username = username
        self.password = password
        self.from = from
        self.tls = tls
    }
}

public struct KannelTransport: Sendable, Hashable {
    public var url: String
    public var username: String?
    public var password: Secret?
    public var from: String?
    /// Turn Vietnamese into plain GSM-7 text ("Giảm giá" → "Giam gia") before sending.
    public var stripDiacritics: Bool
    /// The most parts a text may need; longer texts are refused rather than cut by the gateway.
    public var maxParts: Int
    /// Ask Kannel for delivery reports (`dlr-mask=31`), which mark messages `delivered`.
    public var deliveryReports: Bool
    /// Where Kannel reaches nudge's receipts endpoint (`dlr_url`), when not at the address nudge listens on
    /// (`http://<listen>/v1/receipts/sms`): behind a proxy, or when Kannel runs on another host.
    public var deliveryReportURL: String?

    public init(
        url: String, username: String?, password: Secret?, from: String?, stripDiacritics: Bool, maxParts: Int,
        deliveryReports: Bool = true, deliveryReportURL: String? = nil
    ) {
        self.url = url
        self.username = username
        self.password = password
        self.from = from
        self.stripDiacritics = stripDiacritics
        self.maxParts = maxParts
        self.deliveryReports = deliveryReports
        self.deliveryReportURL = deliveryReportURL
    }
}

public struct HTTPTransport: Sendable, Hashable {
    public var url: String
    /// Header values may hold secrets (`Bearer ${PUSH_KEY}`), so they are kept as secrets.
    public var headers: [String: Secret]
    /// A Mustache template in the templates folder producing the JSON body; nil for the standard body.
    public var bodyTemplate: String?
    /// Where `body:` is written in the configuration, for diagnostics.
    public var bodyTemplatePosition: SourcePosition?
    public var tls: TLSSettings

    public init(
        url: String, headers: [String: Secret], bodyTemplate: String?, bodyTemplatePosition: SourcePosition? = nil,
        tls: TLSSettings
    ) {
        self.url = url
        self.headers = headers
        self.bodyTemplate = bodyTemplate
        self.bodyTemplatePosition = bodyTemplatePosition
        self.tls = tls
    }
}

/// Where a gateway calls back with delivery reports for a channel, and the secret that signs each message's
/// callback (`ReceiptSignature`).
public struct ReceiptCallback: Sendable, Hashable {
    /// `http://127.0.0.1:8470/v1/receipts/sms`: the receipts endpoint for the channel.
    public var base: String
    public var channel: Channel
    public var secret: String

    public init(base: String, channel: Channel, secret: String) {
        self.base = base
        self.channel = channel
        self.secret = secret
    }

    /// The callback for a Kannel channel: its `dlr_url` when set, else the receipts endpoint on the address nudge
    /// listens on (a wildcard address is reached on loopback). Nil when the channel asks for no reports.
    public static func kannel(
        _ settings: KannelTransport, channel: Channel, listen: ListenAddress, secret: String
    ) -> ReceiptCallback? {
        guard settings.deliveryReports else { return nil }
        let base = settings.deliveryReportURL ?? "http://\(reachable(listen))/v1/receipts/\(channel.rawValue)"
        return ReceiptCallback(base: base, channel: channel, secret: secret)
    }

    /// The signature for message `key`'s receipts.
    public func signature(forKey key: String) -> String {
        ReceiptSignature.sign(key: key, channel: channel, secret: secret)
    }

    static func reachable(_ listen: ListenAddress) -> ListenAddress {
        switch listen.host {
        case "0.0.0.0", "": ListenAddress(host: "127.0.0.1", port: listen.port)
        case "::": ListenAddress(host: "::1", port: listen.port)
        default: listen
        }
    }
}

import Foundation

/// One sendsms request to Kannel's smsbox (`GET /cgi-bin/sendsms?…`), built from the channel's settings and an
/// outbox message.
///
/// The query carries `username`, `password`, `from`, `to` (E.164, so `+` is sent as `%2B`), `text` (UTF-8),
/// `coding=2&charset=UTF-8` when the text is not GSM-7, `max-messages` (the parts the text needs, so Kannel never
/// cuts it) and, when a callback is given, `dlr-mask=31&dlr-url=…`. Every value is strictly percent-encoded.
public struct KannelRequest: Sendable, Hashable {
    /// The full GET URL, password included: for the HTTP client only, never for a log.
    public let url: String
    /// The same URL with the password written as `<secret>`, for logs.
    public let redactedURL: String
    /// The text as sent, with its encoding and parts.
    public let sms: SMSText

    /// The request for `message`, or why it cannot be sent (every reason is permanent). `deliveryReportURL` is
    /// the base of nudge's receipt callback (e.g. `http://127.0.0.1:8470/v1/receipts/sms`); nil asks for no
    /// delivery reports. `receiptSignature` (`ReceiptSignature`) goes into the callback so that it is accepted
    /// without a bearer token.
    public static func build(
        settings: KannelTransport, message: OutboxMessage, deliveryReportURL: String? = nil,
        receiptSignature: String? = nil
    ) throws(KannelRequestError) -> KannelRequest {
        guard let endpoint = endpoint(settings.url) else { throw .invalidGatewayURL }
        guard let address = message.recipient.addresses.first, !address.isEmpty else { throw .noPhoneNumber }
        guard let phone = ContactRules.normalizedPhone(address) else { throw .invalidPhoneNumber(address) }
        let sms: SMSText
        do throws(SMSRefusal) {
            sms = try SMSText.prepare(
                message.content.text, stripDiacritics: settings.stripDiacritics, maxParts: settings.maxParts)
        } catch {
            throw .text(error)
        }

        var before: [(name: String, value: String)] = []
        if let username = settings.username { before.append(("username", username)) }
        var after: [(name: String, value: String)] = []
        if let from = settings.from { after.append(("from", from)) }
        after.append(("to", phone))
        after.append(("text", sms.text))
        if sms.encoding == .ucs2 {
            after.append(("coding", "2"))
            after.append(("charset", "UTF-8"))
        }
        after.append(("max-messages", String(sms.parts)))
        if let base = deliveryReportURL {
            guard isHTTP(base), !base.contains("#") else { throw .invalidCallbackURL }
            after.append(("dlr-mask", "31"))
            after.append(
                ("dlr-url", KannelReceipt.callbackURL(base: base, key: message.key, signature: receiptSignature)))
        }

        let separator = endpoint.contains("?") ? "&" : "?"
        func assemble(password: String?) -> String {
            var pieces = [PercentEncoding.query(before)]
            if let password { pieces.append("password=" + password) }
            pieces.append(PercentEncoding.query(after))
            return endpoint + separator + pieces.filter { !$0.isEmpty }.joined(separator: "&")
        }
        let password = settings.password.map { PercentEncoding.encode($0.value) }
        return KannelRequest(
            url: assemble(password: password),
            redactedURL: redactUserInfo(assemble(password: password == nil ? nil : "<secret>")),
            sms: sms)
    }

    /// `url` ready for a query: an http(s) URL without a fragment, with `/cgi-bin/sendsms` added when it names
    /// no path.
    static func endpoint(_ url: String) -> String? {
        guard isHTTP(url), !url.contains("#") else { return nil }
        let afterScheme = url[url.range(of: "://")!.upperBound...]
        let host = afterScheme.prefix { $0 != "/" }
        guard !host.isEmpty, !host.contains("?") else { return nil }
        let path = afterScheme.dropFirst(host.count)
        if path.isEmpty { return url + "/cgi-bin/sendsms" }
        if path == "/" { return url + "cgi-bin/sendsms" }
        return url
    }

    static func isHTTP(_ url: String) -> Bool {
        let lower = url.lowercased()
        return (lower.hasPrefix("http://") && lower.count > 7) || (lower.hasPrefix("https://") && lower.count > 8)
    }

    /// `url` with a password in its user information (`http://user:pass@host`) written as `<secret>`.
    static func redactUserInfo(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return url
        }
        return String(url[..<colon]) + ":<secret>" + String(url[at...])
    }
}

/// Why a message cannot go to Kannel. Each is permanent; none contains the password.
public enum KannelRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The channel's `url` is not an http(s) URL.
    case invalidGatewayURL
    /// The receipt callback base is not an http(s) URL.
    case invalidCallbackURL
    /// The message has no phone number.
    case noPhoneNumber
    /// The phone number is not in E.164 form.
    case invalidPhoneNumber(String)
    /// The text cannot be sent as it is.
    case text(SMSRefusal)

    public var description: String {
        switch self {
        case .invalidGatewayURL: "the kannel channel's url must be an http:// or https:// URL without a fragment"
        case .invalidCallbackURL: "the delivery report callback must be an http:// or https:// URL without a fragment"
        case .noPhoneNumber: "the message has no phone number"
        case .invalidPhoneNumber(let phone):
            "the phone number \(phone.debugDescription) is not in E.164 form (+ then 8–15 digits)"
        case .text(let refusal): refusal.description
        }
    }

    /// The error as a delivery outcome: failed, not to be retried.
    public var deliveryResult: DeliveryResult { .failed(error: description, permanent: true, retryAfter: nil) }
}

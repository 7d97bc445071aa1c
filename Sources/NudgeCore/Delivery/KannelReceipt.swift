import Foundation

/// A delivery report from Kannel, called back on the `dlr-url` a sendsms request gave (`dlr-mask=31`).
///
/// The callback URL carries the message key and Kannel's escape codes `%d` (the report value) and `%A` (the
/// SMS centre's answer). Kannel replaces `%` followed by one of its code letters in the URL and turns `%%` into
/// `%`, so every `%` of the percent-encoded key is written as `%%`: a key byte such as `%C3` would otherwise be
/// read as the code `%C` (the charset). What reaches nudge is then an ordinary, percent-encoded query.
public struct KannelReceipt: Sendable, Hashable {
    /// The key of the outbox message the report is about.
    public var key: String
    /// Kannel's report value: 1 delivered, 2 not delivered, 4 buffered, 8 sent to the SMS centre,
    /// 16 rejected by the SMS centre.
    public var status: Int
    /// The SMS centre's answer (`%A`), when it gave one.
    public var answer: String?
    /// The `sig` the callback URL carried (`ReceiptSignature`), when it carried one.
    public var signature: String?

    public init(key: String, status: Int, answer: String? = nil, signature: String? = nil) {
        self.key = key
        self.status = status
        self.answer = answer
        self.signature = signature
    }

    /// The report in a callback's query string (without the `?`), or nil when it has no key or no numeric status.
    public init?(query: Substring) {
        guard let pairs = PercentEncoding.decodeQuery(query) else { return nil }
        func value(_ name: String) -> String? { pairs.last { $0.name == name }?.value }
        guard let key = value("key"), !key.isEmpty, let text = value("status"), let status = Int(text), status >= 0
        else { return nil }
        let answer = value("answer").flatMap { $0.isEmpty ? nil : $0 }
        self.init(key: key, status: status, answer: answer, signature: value("sig"))
    }

    /// The report as a receipt for the message it is about.
    public var receipt: DeliveryReceipt {
        DeliveryReceipt(key: key, decision: decision, signature: signature, detail: answer)
    }

    /// What the report means for the message.
    public var decision: ReceiptDecision {
        let answerNote = answer.map { ": \($0)" } ?? ""
        if status & 2 != 0 {
            return .failed(reason: "the phone did not receive the SMS (Kannel report \(status))\(answerNote)")
        }
        if status & 16 != 0 {
            return .failed(reason: "the SMS centre rejected the SMS (Kannel report \(status))\(answerNote)")
        }
        if status & 1 != 0 { return .delivered }
        if status & 4 != 0 { return .ignore(reason: "buffered by the SMS centre (Kannel report \(status))") }
        if status & 8 != 0 { return .ignore(reason: "handed to the SMS centre (Kannel report \(status))") }
        return .ignore(reason: "unknown Kannel report value \(status)")
    }

    /// The `dlr-url` for `key`: `base` plus `key=…[&sig=…]&status=%d&answer=%A`, written for Kannel's escape
    /// codes. Percent-encode the whole result once more when putting it in the sendsms query.
    public static func callbackURL(base: String, key: String, signature: String? = nil) -> String {
        let separator = base.contains("?") ? (base.hasSuffix("?") || base.hasSuffix("&") ? "" : "&") : "?"
        let sig = signature.map { "&sig=" + escapeForKannel(PercentEncoding.encode($0)) } ?? ""
        return escapeForKannel(base) + separator + "key=" + escapeForKannel(PercentEncoding.encode(key)) + sig
            + "&status=%d&answer=%A"
    }

    /// `text` with each `%` doubled, so Kannel's code substitution gives `text` back.
    static func escapeForKannel(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%%")
    }
}

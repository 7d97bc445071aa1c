import Foundation

/// A message exactly as its channel's transport would send it (`nudge preview`, `nudge send-test`): the
/// `payload` (an email's whole MIME document, an SMS's text as sent, a push gateway's JSON body) and `facts`
/// about it for a person to read (encoding, parts, recipients).
public struct MessagePreview: Sendable, Hashable {
    public var payload: String
    public var facts: [String]

    /// The preview of `message` on a channel configured with `settings` (nil: the `file` transport's defaults),
    /// dated `now`; `templates` hold an `http` channel's body template.
    public init(_ message: OutboxMessage, settings: ChannelSettings?, templates: TemplateSet, now: Date) {
        var facts = [
            "to: "
                + (message.recipient.addresses.isEmpty
                    ? "(nobody)" : message.recipient.addresses.joined(separator: ", "))
        ]
        if case .http(let http)? = settings?.transport {
            facts.append("POST \(http.url)" + (http.bodyTemplate.map { " with body template \($0)" } ?? ""))
            switch HTTPBody.render(message, template: http.bodyTemplate, in: templates) {
            case .success(let body): payload = String(decoding: body, as: UTF8.self)
            case .failure(let error):
                payload = ""
                facts.append("REFUSED: \(error)")
            }
            self.facts = facts
            return
        }
        switch message.channel {
        case .email:
            var from = "nudge <nudge@localhost>"
            if case .smtp(let smtp)? = settings?.transport { from = smtp.from }
            payload = EmailDocument.build(
                content: message.content, from: from, to: message.recipient, messageKey: message.key, date: now,
                isMarketing: message.isMarketing)
            if let url = message.content.unsubscribeURL, message.isMarketing { facts.append("unsubscribe: \(url)") }
        case .sms:
            var strip = false
            var maxParts: Int?
            if case .kannel(let kannel)? = settings?.transport {
                strip = kannel.stripDiacritics
                maxParts = kannel.maxParts
            }
            let sms = SMSText(message.content.text, stripDiacritics: strip)
            payload = sms.text
            var encoding = "encoding: \(sms.encoding)"
            if let scalar = sms.firstNonGSM {
                encoding += " (because of “\(scalar)”, U+\(String(scalar.value, radix: 16, uppercase: true)))"
            }
            facts.append(encoding)
            facts.append("length: \(sms.length) \(sms.encoding == .gsm7 ? "septets" : "UTF-16 units")")
            facts.append("parts: \(sms.parts)" + (maxParts.map { " (the channel allows \($0))" } ?? ""))
            if let maxParts {
                do throws(SMSRefusal) {
                    _ = try sms.checked(maxParts: maxParts)
                } catch {
                    facts.append("REFUSED: \(error)")
                }
            }
            if strip, sms.text != message.content.text { facts.append("diacritics stripped (strip_diacritics: true)") }
        case .push:
            payload = HTTPStandardBody.json(for: message)
        }
        self.facts = facts
    }
}

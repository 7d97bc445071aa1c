import Foundation

/// An email message (RFC 5322, MIME) built from rendered content: the bytes an SMTP server receives or a
/// `.eml` file holds, with CRLF line endings. Pure: the same arguments always build the same text.
///
/// - Headers are folded to 78 characters; non-ASCII subjects and display names are RFC 2047 encoded-words.
/// - Header values lose CR, LF and control characters, so no content can inject a header.
/// - `Message-ID` and the MIME boundary derive from the message key (SHA-256), stable across processes.
/// - `multipart/alternative` with quoted-printable text and HTML parts; a single text part when there is no HTML.
/// - The preheader, when set, is put in a hidden block at the start of the HTML body.
/// - Marketing messages with an unsubscribe URL carry `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058).
public struct EmailDocument {
    public static func build(
        content: MessageContent, from: String, to: Recipient, messageKey: String, date: Date, isMarketing: Bool
    ) -> String {
        var headers: [MailHeader] = []
        func add(_ name: String, _ fill: (inout MailHeader) -> Void) {
            var header = MailHeader(name)
            fill(&header)
            headers.append(header)
        }

        let sender = MailAddress(parsing: from)
        add("From") { $0.appendMailbox(name: sender.name, address: sender.address) }
        add("To") { header in
            if to.addresses.count == 1 {
                header.appendMailbox(name: to.name, address: to.addresses[0])
            } else {
                let addresses = to.addresses.map(MailHeader.cleanAddress).filter { !$0.isEmpty }
                for (index, address) in addresses.enumerated() {
                    header.append(address + (index < addresses.count - 1 ? "," : ""))
                }
            }
        }
        add("Subject") { $0.appendUnstructured(content.subject ?? "") }
        add("Date") { $0.append(rfc5322Date(date)) }
        add("Message-ID") { $0.append(messageID(forKey: messageKey)) }
        add("X-Nudge-Key") { $0.appendUnstructured(messageKey) }
        if isMarketing, let url = content.unsubscribeURL.map(MailHeader.cleanURL), !url.isEmpty {
            add("List-Unsubscribe") { $0.append("<" + url + ">") }
            add("List-Unsubscribe-Post") { $0.append("List-Unsubscribe=One-Click") }
        }
        add("MIME-Version") { $0.append("1.0") }

        let text = part(type: "text/plain", body: content.text)
        guard let html = content.html, !html.isEmpty else {
            let document = (headers.map(\.text) + text).joined(separator: "\r\n")
            return document.hasSuffix("\r\n") ? document : document + "\r\n"
        }
        let boundary = "=_nudge_" + String(SHA256.hex("boundary:" + messageKey).prefix(24))
        add("Content-Type") {
            $0.append("multipart/alternative;")
            $0.append("boundary=\"\(boundary)\"")
        }
        let htmlPart = part(type: "text/html", body: withPreheader(content.preheader, html))
        var lines = headers.map(\.text)
        lines += ["", "This is a multi-part message in MIME format.", "", "--" + boundary]
        lines += text + ["--" + boundary] + htmlPart + ["--" + boundary + "--"]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// An address for the SMTP envelope (`MAIL FROM`, `RCPT TO`), the same as the headers carry: whitespace,
    /// control characters and `<>,;"()[]\` removed, so that no value can end an SMTP command early or add one
    /// of its own. Takes a bare address (for the sender, `MailAddress(parsing:)`'s `address`).
    public static func envelopeAddress(_ address: String) -> String {
        MailHeader.cleanAddress(address)
    }

    /// `<hex@nudge>`: 128 bits of the SHA-256 of the message key, the same for every delivery of the message.
    public static func messageID(forKey key: String) -> String {
        "<" + String(SHA256.hex(key).prefix(32)) + "@nudge>"
    }

    /// `Fri, 27 Nov 2026 03:00:00 +0000`.
    public static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        let weekday = weekdays[((parts.weekday ?? 1) - 1) % 7]
        let month = months[((parts.month ?? 1) - 1) % 12]
        return "\(weekday), \(two(parts.day)) \(month) \(parts.year ?? 1970) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }

    /// The header lines, blank line and body of one quoted-printable UTF-8 part.
    private static func part(type: String, body: String) -> [String] {
        [
            "Content-Type: \(type); charset=UTF-8", "Content-Transfer-Encoding: quoted-printable", "",
            QuotedPrintable.encode(body),
        ]
    }

    /// The preheader in a hidden block right after `<body …>` (or at the start), where mail clients take the
    /// preview text from.
    static func withPreheader(_ preheader: String?, _ html: String) -> String {
        guard let preheader = preheader.map(TextCleanup.singleLine), !preheader.isEmpty else { return html }
        let block =
            "<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all\">"
            + escapeHTML(preheader) + "</div>"
        guard let bodyStart = html.range(of: "<body", options: .caseInsensitive),
            let close = html[bodyStart.upperBound...].firstIndex(of: ">")
        else { return block + "\n" + html }
        let insertAt = html.index(after: close)
        return String(html[..<insertAt]) + "\n" + block + String(html[insertAt...])
    }

    private static func escapeHTML(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

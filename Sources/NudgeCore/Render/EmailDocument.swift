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
        build(
            content: content, sender: MailAddress(parsing: from), to: to, messageKey: messageKey, date: date,
            isMarketing: isMarketing)
    }

    /// The same, with the sender already parsed (a transport parses its `from` once, not per message).
    public static func build(
        content: MessageContent, sender: MailAddress, to: Recipient, messageKey: String, date: Date, isMarketing: Bool
    ) -> String {
        build(
            content: content, sender: sender, to: to, messageKey: messageKey, messageID: messageID(forKey: messageKey),
            date: date, isMarketing: isMarketing)
    }

    /// The same, with the `Message-ID` already made from the key (`messageID(forKey:)`): a transport that reads
    /// the server's answer needs it too.
    public static func build(
        content: MessageContent, sender: MailAddress, to: Recipient, messageKey: String, messageID: String, date: Date,
        isMarketing: Bool
    ) -> String {
        var headers: [MailHeader] = []
        func add(_ name: String, _ fill: (inout MailHeader) -> Void) {
            var header = MailHeader(name)
            fill(&header)
            headers.append(header)
        }

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
        add("Message-ID") { $0.append(messageID) }
        add("X-Nudge-Key") { $0.appendUnstructured(messageKey) }
        if isMarketing, let url = content.unsubscribeURL.map(MailHeader.cleanURL), !url.isEmpty {
            add("List-Unsubscribe") { $0.append("<" + url + ">") }
            add("List-Unsubscribe-Post") { $0.append("List-Unsubscribe=One-Click") }
        }
        add("MIME-Version") { $0.append("1.0") }

        // Written into one string, line by line: each line ends in CRLF.
        var document = ""
        document.reserveCapacity(
            headers.count * 80 + (content.text.utf8.count + (content.html?.utf8.count ?? 0)) * 5 / 4 + 600)
        func line(_ text: String) {
            document += text
            document += "\r\n"
        }

        guard let html = content.html, !html.isEmpty else {
            for header in headers { header.lines.forEach(line) }
            startPart(type: "text/plain", line)
            document += QuotedPrintable.encode(content.text)
            if !document.hasSuffix("\r\n") { document += "\r\n" }
            return document
        }
        let boundary = "=_nudge_" + String(SHA256.hex("boundary:" + messageKey).prefix(24))
        add("Content-Type") {
            $0.append("multipart/alternative;")
            $0.append("boundary=\"\(boundary)\"")
        }
        for header in headers { header.lines.forEach(line) }
        line("")
        line("This is a multi-part message in MIME format.")
        line("")
        line("--" + boundary)
        startPart(type: "text/plain", line)
        line(QuotedPrintable.encode(content.text))
        line("--" + boundary)
        startPart(type: "text/html", line)
        line(QuotedPrintable.encode(withPreheader(content.preheader, html)))
        line("--" + boundary + "--")
        return document
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

    /// `Fri, 27 Nov 2026 03:00:00 +0000`: the UTC calendar date by arithmetic (proleptic Gregorian, whole
    /// seconds rounded down), as every message needs one.
    public static func rfc5322Date(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Days since 1970-01-01 to year, month, day (H. Hinnant's civil_from_days).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        // 1970-01-01 was a Thursday.
        let weekday = ((days % 7) + 11) % 7
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[weekday]), \(two(day)) \(months[month - 1]) \(year) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) +0000"
    }

    /// The header lines and blank line that start one quoted-printable UTF-8 part; its encoded body follows.
    private static func startPart(type: String, _ line: (String) -> Void) {
        line("Content-Type: \(type); charset=UTF-8")
        line("Content-Transfer-Encoding: quoted-printable")
        line("")
    }

    /// The preheader in a hidden block right after `<body …>` (or at the start), where mail clients take the
    /// preview text from.
    static func withPreheader(_ preheader: String?, _ html: String) -> String {
        guard let preheader = preheader.map(TextCleanup.singleLine), !preheader.isEmpty else { return html }
        let block =
            "<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all\">"
            + escapeHTML(preheader) + "</div>"
        guard let close = endOfBodyTag(in: html) else { return block + "\n" + html }
        let insertAt = html.utf8.index(after: close)
        return String(html[..<insertAt]) + "\n" + block + String(html[insertAt...])
    }

    /// The `>` that closes the first `<body` (any case), by bytes: every HTML body is searched once per delivery.
    private static func endOfBodyTag(in html: String) -> String.Index? {
        let utf8 = html.utf8
        let tag = Array("<body".utf8)
        var index = utf8.startIndex
        while let open = utf8[index...].firstIndex(of: UInt8(ascii: "<")) {
            var candidate = open
            var matched = 0
            while matched < tag.count, candidate < utf8.endIndex, utf8[candidate] | 0x20 == tag[matched] | 0x20 {
                matched += 1
                candidate = utf8.index(after: candidate)
            }
            if matched == tag.count { return utf8[candidate...].firstIndex(of: UInt8(ascii: ">")) }
            index = utf8.index(after: open)
        }
        return nil
    }

    private static func escapeHTML(_ text: String) -> String {
        let special = Array("&<>\"'".utf8)
        if !text.utf8.contains(where: special.contains) { return text }
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

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
        String(
            decoding: bytes(
                content: content, sender: sender, to: to, messageKey: messageKey, messageID: messageID, date: date,
                isMarketing: isMarketing),
            as: UTF8.self)
    }

    /// The message as the bytes an SMTP server receives (the UTF-8 of `build`), written into one buffer.
    public static func bytes(
        content: MessageContent, sender: MailAddress, to: Recipient, messageKey: String, messageID: String, date: Date,
        isMarketing: Bool
    ) -> [UInt8] {
        let html = content.html.flatMap { $0.isEmpty ? nil : $0 }
        var header = MailHeader(
            capacity: 1000 + (content.text.utf8.count + (html?.utf8.count ?? 0) + 400) * 13 / 10)
        header.start("From")
        header.appendMailbox(name: sender.name, address: sender.address)
        header.start("To")
        if to.addresses.count == 1 {
            header.appendMailbox(name: to.name, address: to.addresses[0])
        } else {
            let addresses = to.addresses.map(MailHeader.cleanAddress).filter { !$0.isEmpty }
            for (index, address) in addresses.enumerated() {
                header.append(address + (index < addresses.count - 1 ? "," : ""))
            }
        }
        header.start("Subject")
        header.appendUnstructured(content.subject ?? "")
        header.start("Date")
        header.append(rfc5322Date(date))
        header.start("Message-ID")
        header.append(messageID)
        header.start("X-Nudge-Key")
        header.appendUnstructured(messageKey)
        if isMarketing, let url = content.unsubscribeURL.map(MailHeader.cleanURL), !url.isEmpty {
            header.start("List-Unsubscribe")
            header.appendBracketed(url)
            header.start("List-Unsubscribe-Post")
            header.append("List-Unsubscribe=One-Click")
        }
        header.start("MIME-Version")
        header.append("1.0")

        guard let html else {
            var document = header.finished()
            startPart(type: "text/plain", &document)
            QuotedPrintable.encode(content.text, into: &document)
            if document.count < 2 || document[document.count - 2] != 13 || document[document.count - 1] != 10 {
                document.append(contentsOf: lineBreak)
            }
            return document
        }
        let boundary = "=_nudge_" + SHA256.hex("boundary:" + messageKey, length: 24)
        header.start("Content-Type")
        header.append("multipart/alternative;")
        header.append("boundary=\"\(boundary)\"")
        // Each line ends in CRLF.
        var document = header.finished()
        func line(_ text: String) {
            document.append(contentsOf: text.utf8)
            document.append(contentsOf: lineBreak)
        }
        line("")
        line("This is a multi-part message in MIME format.")
        line("")
        line("--" + boundary)
        startPart(type: "text/plain", &document)
        QuotedPrintable.encode(content.text, into: &document)
        line("")
        line("--" + boundary)
        startPart(type: "text/html", &document)
        QuotedPrintable.encode(withPreheader(content.preheader, html), into: &document)
        line("")
        line("--" + boundary + "--")
        return document
    }

    private static let lineBreak: [UInt8] = [13, 10]

    /// An address for the SMTP envelope (`MAIL FROM`, `RCPT TO`), the same as the headers carry: whitespace,
    /// control characters and `<>,;"()[]\` removed, so that no value can end an SMTP command early or add one
    /// of its own. Takes a bare address (for the sender, `MailAddress(parsing:)`'s `address`).
    public static func envelopeAddress(_ address: String) -> String {
        MailHeader.cleanAddress(address)
    }

    /// `<hex@nudge>`: 128 bits of the SHA-256 of the message key, the same for every delivery of the message.
    public static func messageID(forKey key: String) -> String {
        "<" + SHA256.hex(key, length: 32) + "@nudge>"
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
    private static func startPart(type: String, _ document: inout [UInt8]) {
        document.append(contentsOf: "Content-Type: \(type); charset=UTF-8\r\n".utf8)
        document.append(contentsOf: "Content-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
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
        var index = utf8.startIndex
        while let open = utf8[index...].firstIndex(of: UInt8(ascii: "<")) {
            var candidate = open
            var matched = 0
            while matched < bodyTag.count, candidate < utf8.endIndex, utf8[candidate] | 0x20 == bodyTag[matched] | 0x20
            {
                matched += 1
                candidate = utf8.index(after: candidate)
            }
            if matched == bodyTag.count { return utf8[candidate...].firstIndex(of: UInt8(ascii: ">")) }
            index = utf8.index(after: open)
        }
        return nil
    }

    private static let bodyTag = Array("<body".utf8)

    private static func escapeHTML(_ text: String) -> String {
        if !text.utf8.contains(where: { htmlSpecial.contains($0) }) { return text }
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

    private static let htmlSpecial = Array("&<>\"'".utf8)
}

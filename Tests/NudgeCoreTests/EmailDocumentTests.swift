import Foundation
import Testing

@testable import NudgeCore

/// Reads an email the way a mail client would, with decoders written independently of the encoder.
private struct ParsedEmail {
    var headerLines: [String]
    /// Unfolded headers, decoded, in order.
    var headers: [(name: String, value: String)]
    var body: String

    init(_ raw: String) throws {
        let split = try #require(raw.range(of: "\r\n\r\n"))
        headerLines = raw[..<split.lowerBound].components(separatedBy: "\r\n")
        body = String(raw[split.upperBound...])
        headers = []
        for line in headerLines {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                headers[headers.count - 1].value += line
            } else {
                let colon = try #require(line.firstIndex(of: ":"), "not a header: \(line)")
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        headers = headers.map { ($0.name, Self.decodeEncodedWords($0.value.trimmingCharacters(in: .whitespaces))) }
    }

    func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    func value(_ name: String) -> String? { values(name).first }

    /// RFC 2047: `=?charset?B|Q?text?=`, whitespace between adjacent encoded-words dropped.
    static func decodeEncodedWords(_ text: String) -> String {
        let pattern = try! NSRegularExpression(pattern: "=\\?([^?]+)\\?([BbQq])\\?([^?]*)\\?=")
        var result = ""
        var cursor = text.startIndex
        var lastWasEncoded = false
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let range = Range(match.range, in: text)!
            let between = String(text[cursor..<range.lowerBound])
            if !(lastWasEncoded && between.allSatisfy(\.isWhitespace)) { result += between }
            let encoding = text[Range(match.range(at: 2), in: text)!].uppercased()
            let payload = String(text[Range(match.range(at: 3), in: text)!])
            let bytes: [UInt8]
            if encoding == "B" {
                bytes = Array(Data(base64Encoded: payload) ?? Data())
            } else {
                bytes = decodeQuotedPrintable(payload.replacingOccurrences(of: "_", with: " "))
            }
            result += String(decoding: bytes, as: UTF8.self)
            cursor = range.upperBound
            lastWasEncoded = true
        }
        return result + text[cursor...]
    }

    static func decodeQuotedPrintable(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        let input = Array(text.utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "=") {
                if index + 2 < input.count, input[index + 1] == 13, input[index + 2] == 10 {
                    index += 3  // soft line break
                    continue
                }
                let hex = String(decoding: input[(index + 1)..<min(index + 3, input.count)], as: UTF8.self)
                bytes.append(UInt8(hex, radix: 16)!)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return bytes
    }

    /// The decoded parts of a multipart body, by content type.
    func parts() throws -> [String: String] {
        let contentType = try #require(value("Content-Type"))
        guard let boundaryRange = contentType.range(of: "boundary=\"") else {
            return [contentType: String(decoding: Self.decodeQuotedPrintable(body), as: UTF8.self)]
        }
        let boundary = String(contentType[boundaryRange.upperBound...].prefix { $0 != "\"" })
        var result: [String: String] = [:]
        let sections = body.components(separatedBy: "\r\n--" + boundary)
        #expect(sections.last == "--\r\n")
        for section in sections.dropFirst().dropLast() {
            #expect(section.hasPrefix("\r\n"))
            let part = try ParsedEmail(String(section.utf8.dropFirst(2))!)
            let type = try #require(part.value("Content-Type"))
            #expect(part.value("Content-Transfer-Encoding") == "quoted-printable")
            result[type] = String(decoding: Self.decodeQuotedPrintable(part.body), as: UTF8.self)
        }
        return result
    }
}

@Suite("EmailDocument")
struct EmailDocumentTests {
    static let subject = "Giảm giá 50% cho phụ kiện điện thoại — chỉ hôm nay!"
    static let date = Date(timeIntervalSince1970: 1_795_748_400)  // Fri, 27 Nov 2026 03:00:00 UTC

    static func content(subject: String = subject, html: String? = "<html><body><p>Chào Lan</p></body></html>")
        -> MessageContent
    {
        MessageContent(
            subject: subject, preheader: "Ốp lưng & tai nghe <mới>", html: html,
            text: "Chào Lan,\n\nƯu đãi: 1.250.000 ₫ = rẻ\nhttps://shop.example/p/case-15\n",
            unsubscribeURL: "https://shop.example/u/c42?sig=abc", recommendedSKUs: ["CASE-15"])
    }

    static func build(
        _ content: MessageContent = content(), from: String = "Cửa hàng Điện thoại <shop@example.vn>",
        to: Recipient = Recipient(addresses: ["lan@example.vn"], name: "Nguyễn Thị Lan"),
        key: String = "bf/first/c42/7",
        isMarketing: Bool = true
    ) -> String {
        EmailDocument.build(content: content, from: from, to: to, messageKey: key, date: date, isMarketing: isMarketing)
    }

    /// The whole layout, byte for byte, of a plain-text and a multipart message: header order, the blank lines, the
    /// parts and the closing boundary.
    @Test func layoutOfBothShapesIsExact() {
        let from = "Shop <shop@example.vn>"
        let plain = EmailDocument.build(
            content: MessageContent(subject: "Hello", text: "Hi Lan,\nbye"), from: from,
            to: Recipient(addresses: ["lan@example.vn"], name: "Lan"), messageKey: "k/1", date: Self.date,
            isMarketing: false)
        let headers =
            "Subject: Hello\r\nDate: Fri, 27 Nov 2026 03:00:00 +0000\r\n"
            + "Message-ID: <860989f0929ae9d00a38cdc86a1d8b36@nudge>\r\nX-Nudge-Key: k/1\r\nMIME-Version: 1.0\r\n"
        #expect(
            plain == "From: \"Shop\" <shop@example.vn>\r\nTo: \"Lan\" <lan@example.vn>\r\n" + headers
                + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "Hi Lan,\r\nbye\r\n")

        let multipart = EmailDocument.build(
            content: MessageContent(subject: "Hello", html: "<p>Hi</p>", text: "Hi\n"), from: from,
            to: Recipient(addresses: ["lan@example.vn"]), messageKey: "k/1", date: Self.date, isMarketing: false)
        let boundary = "=_nudge_e329b945a029f9f5462550a5"
        let partHeaders = "charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        #expect(
            multipart == "From: \"Shop\" <shop@example.vn>\r\nTo: <lan@example.vn>\r\n" + headers
                + "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n"
                + "This is a multi-part message in MIME format.\r\n\r\n"
                + "--\(boundary)\r\nContent-Type: text/plain; \(partHeaders)Hi\r\n\r\n"
                + "--\(boundary)\r\nContent-Type: text/html; \(partHeaders)<p>Hi</p>\r\n"
                + "--\(boundary)--\r\n")
    }

    @Test func vietnameseSubjectRoundTrips() throws {
        let raw = Self.build()
        let email = try ParsedEmail(raw)
        #expect(email.value("Subject") == Self.subject)
        #expect(email.value("From") == "Cửa hàng Điện thoại <shop@example.vn>")
        #expect(email.value("To") == "Nguyễn Thị Lan <lan@example.vn>")
        #expect(email.headerLines.contains { $0.hasPrefix("Subject: =?UTF-8?B?") })
        #expect(email.headerLines.contains { $0.hasPrefix("From: =?UTF-8?B?") && !$0.contains("Điện") })
        #expect(email.value("Date") == "Fri, 27 Nov 2026 03:00:00 +0000")
        #expect(email.value("MIME-Version") == "1.0")
        #expect(email.value("X-Nudge-Key") == "bf/first/c42/7")
    }

    @Test func linesAreShortAndEndInCRLF() throws {
        let longSubject = String(repeating: Self.subject + " ", count: 4) + "🇻🇳👨‍👩‍👧‍👦"
        let raw = Self.build(Self.content(subject: longSubject))
        let email = try ParsedEmail(raw)
        #expect(email.value("Subject") == longSubject)
        for line in email.headerLines { #expect(line.utf8.count <= 78, "\(line)") }
        for line in raw.components(separatedBy: "\r\n") {
            #expect(!line.contains("\n") && !line.contains("\r"))
            #expect(line.utf8.count <= 78)
        }
        #expect(raw.hasSuffix("\r\n"))
        // Every encoded-word holds whole characters: each decodes to valid UTF-8 on its own.
        let subjectLines = email.headerLines.drop { !$0.hasPrefix("Subject:") }.prefix { !$0.hasPrefix("Date:") }
        #expect(subjectLines.count > 3)
        for line in subjectLines {
            let word = line.split(separator: " ").last.map(String.init) ?? ""
            #expect(word.utf8.count <= 75)
            let payload = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            let bytes = try #require(Data(base64Encoded: String(payload)))
            #expect(String(data: bytes, encoding: .utf8) != nil, "\(word) splits a character")
        }
    }

    @Test func asciiSubjectsStayReadableAndFoldAtSpaces() throws {
        let subject = "Black Friday deals on phone accessories, cases, chargers and more, today only at our shop"
        let email = try ParsedEmail(Self.build(Self.content(subject: subject)))
        #expect(email.value("Subject") == subject)
        let subjectLines = email.headerLines.drop { !$0.hasPrefix("Subject:") }.prefix { !$0.hasPrefix("Date:") }
        #expect(subjectLines.count == 2)
        #expect(!subjectLines.contains { $0.contains("=?") || $0.utf8.count > 78 })

        let lookalike = "Try =?UTF-8?B?SGk=?= now"
        #expect(try ParsedEmail(Self.build(Self.content(subject: lookalike))).value("Subject") == lookalike)
    }

    /// A word that fills a folded line (77 characters after its space) stays readable; one character more could
    /// not fold within 78, so the subject goes as encoded-words.
    @Test func anASCIIWordUpToALineStaysReadable() throws {
        for (length, readable) in [(77, true), (78, false)] {
            let subject = "Sale " + String(repeating: "x", count: length)
            let raw = Self.build(Self.content(subject: subject))
            let lines = raw.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }.prefix {
                !$0.hasPrefix("Date:")
            }
            #expect(lines.contains { $0.contains("=?UTF-8?B?") } == !readable, "\(length)")
            #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "\(length)")
            #expect(try ParsedEmail(raw).value("Subject") == subject)
        }
    }

    @Test func bodyPartsDecodeExactly() throws {
        let content = Self.content()
        let raw = Self.build(content)
        let parts = try ParsedEmail(raw).parts()
        #expect(parts.count == 2)
        #expect(parts["text/plain; charset=UTF-8"] == content.text.replacingOccurrences(of: "\n", with: "\r\n"))
        let html = try #require(parts["text/html; charset=UTF-8"])
        #expect(
            html == "<html><body>\r\n<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all\">"
                + "Ốp lưng &amp; tai nghe &lt;mới&gt;</div><p>Chào Lan</p></body></html>")
        #expect(raw.contains("=C6=AFu =C4=91=C3=A3i: 1.250.000 =E2=82=AB =3D r=E1=BA=BB"))
    }

    @Test func quotedPrintableSoftBreaksAndTrailingWhitespace() {
        let long = String(repeating: "ả=b ", count: 40) + "end \nnext\t\r\n.dot"
        let encoded = QuotedPrintable.encode(long)
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76)
            #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"))
        }
        #expect(encoded.contains("end=20\r\nnext=09\r\n.dot"))
        let decoded = String(decoding: ParsedEmail.decodeQuotedPrintable(encoded), as: UTF8.self)
        #expect(
            decoded == long.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(QuotedPrintable.encode(String(repeating: "a", count: 76)) == String(repeating: "a", count: 76))
        #expect(
            QuotedPrintable.encode(String(repeating: "a", count: 77))
                == String(repeating: "a", count: 75) + "=\r\naa")
    }

    /// The straightforward encoder (one string per byte) that the byte-buffer one replaced, as the reference.
    static func referenceQuotedPrintable(_ text: String) -> String {
        var lines: [[UInt8]] = [[]]
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 13 || bytes[index] == 10 {
                lines.append([])
                if bytes[index] == 13, index + 1 < bytes.count, bytes[index + 1] == 10 { index += 1 }
            } else {
                lines[lines.count - 1].append(bytes[index])
            }
            index += 1
        }
        return lines.map { line in
            var physical: [String] = []
            var current = ""
            for (index, byte) in line.enumerated() {
                let isLast = index == line.count - 1
                let literal = (33...126).contains(byte) && byte != 61 || (byte == 32 || byte == 9) && !isLast
                let token = literal ? String(UnicodeScalar(byte)) : "=" + String(format: "%02X", byte)
                if current.utf8.count + token.utf8.count > (isLast ? 76 : 75) {
                    physical.append(current + "=")
                    current = ""
                }
                current += token
            }
            return (physical + [current]).joined(separator: "\r\n")
        }.joined(separator: "\r\n")
    }

    @Test func quotedPrintableMatchesTheReferenceOnRandomText() {
        var random = SystemRandomNumberGenerator()
        let pieces = [
            "a", "Z", " ", "\t", "=", "\r", "\n", "\r\n", "ả", "₫", "Ố", "😀", ".", "\u{7f}", "\u{1}", "~",
        ]
        #expect(QuotedPrintable.encode("") == Self.referenceQuotedPrintable(""))
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0..<300, using: &random)).map { _ in
                pieces.randomElement(using: &random)!
            }.joined()
            #expect(QuotedPrintable.encode(text) == Self.referenceQuotedPrintable(text), "\(Array(text.utf8))")
        }
    }

    /// Latin and Vietnamese text takes a scalar-by-scalar path; its words must be the character-by-character ones,
    /// whatever the column the value starts at.
    @Test func encodedWordsMatchTheCharacterRuleOnRandomText() {
        var random = SystemRandomNumberGenerator()
        let latin = ["a", "Z", " ", "~", "ơ", "Ố", "ử", "đ", "Đ", "ñ", "ʼ", "\u{7F}", "\u{9F}", "ặ", "ỹ"]
        let other = ["e\u{301}", "😀", "🇻🇳", "👨‍👩‍👧", "₫", "\u{300}", "한", "\r\n", "\u{200D}"]
        for round in 0..<3000 {
            let pieces = [latin + other, latin + ["e\u{301}", "a\u{300}"], latin][round % 3]
            let text = (0..<Int.random(in: 0..<60, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                .joined()
            let lead = String(repeating: "x", count: Int.random(in: 0..<70, using: &random))
            var fast = MailHeader("Subject")
            var reference = MailHeader("Subject")
            if !lead.isEmpty {
                fast.append(lead)
                reference.append(lead)
            }
            fast.appendEncodedWords(text)
            reference.appendEncodedWordsByCharacter(text)
            #expect(fast.lines == reference.lines, "\(text.unicodeScalars.map(\.value)) after \(lead.count)")
        }
    }

    @Test func theDateHeaderAgreesWithTheCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func viaCalendar(_ date: Date) -> String {
            let p = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
            return String(
                format: "%@, %02d %@ %d %02d:%02d:%02d +0000", weekdays[p.weekday! - 1], p.day!, months[p.month! - 1],
                p.year!, p.hour!, p.minute!, p.second!)
        }
        let fixed: [TimeInterval] = [0, -1, 86_399.999, 951_782_400, 1_795_000_000.5, 4_107_542_399, -2_208_988_800]
        var random = SystemRandomNumberGenerator()
        let sampled = (0..<2000).map { _ in TimeInterval.random(in: -2_208_988_800...7_258_118_400, using: &random) }
        for seconds in fixed + sampled {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(EmailDocument.rfc5322Date(date) == viaCalendar(date), "\(seconds)")
        }
        #expect(
            EmailDocument.rfc5322Date(Date(timeIntervalSince1970: 1_795_000_000)) == "Wed, 18 Nov 2026 11:06:40 +0000")
    }

    @Test func thePreheaderGoesRightAfterTheBodyTagInAnyCase() {
        let block = "<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all\">Ưu đãi</div>"
        #expect(
            EmailDocument.withPreheader("Ưu đãi", "<html><BODY class=\"x\"><p>Chào</p></BODY>")
                == "<html><BODY class=\"x\">\n" + block + "<p>Chào</p></BODY>")
        #expect(
            EmailDocument.withPreheader("Ưu đãi", "<b>Chào</b><<Body>x") == "<b>Chào</b><<Body>\n" + block + "x")
        #expect(EmailDocument.withPreheader("Ưu đãi", "<p>Chào <bod</p>") == block + "\n<p>Chào <bod</p>")
        #expect(EmailDocument.withPreheader("Ưu đãi", "<body") == block + "\n<body")
        #expect(EmailDocument.withPreheader(" \n", "<body>x") == "<body>x")
    }

    @Test func singleLineMatchesTheScalarByScalarRuleOnRandomText() {
        func reference(_ text: String) -> String {
            var result = ""
            var pendingSpace = false
            for scalar in text.unicodeScalars {
                if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                    pendingSpace = true
                    continue
                }
                if pendingSpace, !result.isEmpty { result.unicodeScalars.append(" ") }
                pendingSpace = false
                result.unicodeScalars.append(scalar)
            }
            return result
        }
        let pieces = [
            "a", "ơ", "Ố", " ", "  ", "\t", "\r\n", "\u{85}", "\u{A0}", "\u{9F}", "\u{1680}", "\u{2003}", "\u{200B}",
            "\u{2028}", "\u{202F}", "\u{3000}", "\u{7F}", "\u{1}", "😀", "e\u{301}",
        ]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0..<12, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                .joined()
            #expect(TextCleanup.singleLine(text) == reference(text), "\(text.unicodeScalars.map(\.value))")
        }
    }

    @Test func tidyTextIsKeptAsItIsAndEverythingElseIsCleaned() {
        for tidy in ["Shop", "Giam gia 20% cho ban", "a b", "x"] { #expect(TextCleanup.singleLine(tidy) == tidy) }
        #expect(TextCleanup.singleLine("") == "")
        #expect(TextCleanup.singleLine(" a  b ") == "a b")
        #expect(TextCleanup.singleLine("a\r\nBcc: x") == "a Bcc: x")
        #expect(TextCleanup.singleLine("Khuyến\tmãi\u{7f}") == "Khuyến mãi")
        #expect(MailHeader.cleanAddress("lan@example.vn") == "lan@example.vn")
        #expect(MailHeader.cleanAddress(" <lan@ex\r\nample.vn>, x") == "lan@example.vnx")
        #expect(MailHeader.cleanAddress("lân@ví.vn") == "lân@ví.vn")
        let url = "https://shop.example/u/c42?sig=abc&x=%20#top"
        #expect(MailHeader.cleanURL(url) == url)
        #expect(MailHeader.cleanURL(" https://shop.example/u/<c42>\r\n?sig=a b") == "https://shop.example/u/c42?sig=ab")
        #expect(MailHeader.cleanURL("https://ví.vn/u\u{A0}1\u{7F}\u{2028}>") == "https://ví.vn/u1")
    }

    @Test func base64AgreesWithFoundation() {
        var random = SystemRandomNumberGenerator()
        for count in 0..<70 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(MailHeader.base64(bytes) == Data(bytes).base64EncodedString())
        }
    }

    @Test func noHeaderCanBeInjected() throws {
        let content = Self.content(subject: "Hi\r\nBcc: victim@example.com\nX-Evil: 1")
        let raw = Self.build(
            content, from: "Shop\r\nBcc: a@example.com <shop@example.vn>",
            to: Recipient(addresses: ["lan@example.vn\r\nBcc: b@example.com"], name: "Lan\r\nCc: c@example.com"),
            key: "k\r\nX-Evil: 2")
        let email = try ParsedEmail(raw)
        let names = email.headers.map { $0.name.lowercased() }
        #expect(!names.contains("bcc") && !names.contains("cc") && !names.contains("x-evil"))
        #expect(names.filter { $0 == "subject" }.count == 1)
        #expect(email.value("Subject") == "Hi Bcc: victim@example.com X-Evil: 1")
        #expect(email.value("To") == "\"Lan Cc: c@example.com\" <lan@example.vnBcc:b@example.com>")
        for line in email.headerLines { #expect(!line.hasPrefix("Bcc") && !line.hasPrefix("X-Evil")) }
    }

    @Test func messageIDIsDerivedFromTheKey() throws {
        let first = try ParsedEmail(Self.build(key: "bf/first/c42/7")).value("Message-ID")
        let again = try ParsedEmail(Self.build(key: "bf/first/c42/7")).value("Message-ID")
        let other = try ParsedEmail(Self.build(key: "bf/first/c42/8")).value("Message-ID")
        #expect(first == again)
        #expect(first != other)
        #expect(first == EmailDocument.messageID(forKey: "bf/first/c42/7"))
        // Fixed across processes and machines: 128 bits of SHA-256("bf/first/c42/7").
        #expect(first == "<" + SHA256.hex("bf/first/c42/7").prefix(32) + "@nudge>")
        #expect(Self.build() == Self.build())
    }

    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex(String(repeating: "a", count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func listUnsubscribeOnlyForMarketingWithAURL() throws {
        let marketing = try ParsedEmail(Self.build())
        #expect(marketing.value("List-Unsubscribe") == "<https://shop.example/u/c42?sig=abc>")
        #expect(marketing.value("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")

        let notice = try ParsedEmail(Self.build(isMarketing: false))
        #expect(notice.value("List-Unsubscribe") == nil && notice.value("List-Unsubscribe-Post") == nil)

        var withoutURL = Self.content()
        withoutURL.unsubscribeURL = nil
        let noURL = try ParsedEmail(Self.build(withoutURL))
        #expect(noURL.value("List-Unsubscribe") == nil && noURL.value("List-Unsubscribe-Post") == nil)
    }

    @Test func textOnlyWhenThereIsNoHTML() throws {
        let raw = Self.build(Self.content(html: nil))
        let email = try ParsedEmail(raw)
        #expect(email.value("Content-Type") == "text/plain; charset=UTF-8")
        #expect(email.value("Content-Transfer-Encoding") == "quoted-printable")
        #expect(!raw.contains("multipart"))
        #expect(try email.parts().values.first == Self.content().text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test func addresses() throws {
        #expect(MailAddress(parsing: "Shop <shop@example.vn>") == MailAddress(name: "Shop", address: "shop@example.vn"))
        #expect(
            MailAddress(parsing: "\"Shop, \\\"Inc\\\"\" <a@b.vn>")
                == MailAddress(name: "Shop, \"Inc\"", address: "a@b.vn"))
        #expect(MailAddress(parsing: " shop@example.vn ") == MailAddress(name: nil, address: "shop@example.vn"))

        let ascii = try ParsedEmail(Self.build(from: "Shop, \"Inc\" <shop@example.vn>"))
        #expect(ascii.headerLines.contains("From: \"Shop, \\\"Inc\\\"\" <shop@example.vn>"))
        let bare = try ParsedEmail(Self.build(from: "shop@example.vn", to: Recipient(addresses: ["a@x.vn", "b@x.vn"])))
        #expect(bare.value("From") == "<shop@example.vn>")
        #expect(bare.value("To") == "a@x.vn, b@x.vn")
    }

    @Test func envelopeAddressesCannotCarryAnSMTPCommand() {
        #expect(EmailDocument.envelopeAddress(" lan@example.vn ") == "lan@example.vn")
        #expect(
            EmailDocument.envelopeAddress("lan@example.vn>\r\nRCPT TO:<evil@example.com")
                == "lan@example.vnRCPTTO:evil@example.com")
        let sender = MailAddress(parsing: "Shop <shop@example.vn>").address
        #expect(EmailDocument.envelopeAddress(sender) == "shop@example.vn")
        #expect(EmailDocument.envelopeAddress("\r\n") == "")
    }
}

import Foundation

/// What an SMTP submission's result means for the message (SPEC §9): the server's 2xx accepts it, a 4xx
/// (including 421 before closing) or no answer at all asks for a retry, a 5xx refuses it for good.
///
/// One exception: the authentication refusals (530, 534, 535, 538) are about the channel's credentials, not the
/// message, so they are retried; otherwise a wrong password would fail every queued message at once.
public enum SMTPOutcome {
    /// Reply codes that refuse the client's credentials rather than the message (RFC 4954).
    static let authenticationCodes: Set<Int> = [530, 534, 535, 538]

    /// `messageID` (the email's `Message-ID`) is the provider id when the server's reply names no queue id.
    public static func classify(_ result: TransferResult, messageID: String) -> DeliveryResult {
        switch result {
        case .transportError(let category, let message):
            return .failed(error: describe(category) + ": " + message, permanent: false, retryAfter: nil)
        case .response(let code, _, let body):
            let reply = replyText(body)
            let said = reply.isEmpty ? "SMTP \(code)" : "SMTP \(code): \(reply)"
            switch code {
            case 200..<300:
                return .sent(providerID: queueID(in: reply) ?? messageID)
            case _ where authenticationCodes.contains(code):
                return .failed(
                    error: "authentication refused (\(said)); check the channel's username and password",
                    permanent: false, retryAfter: nil)
            case 400..<500:
                return .failed(error: said, permanent: false, retryAfter: nil)
            case 500..<600:
                return .failed(error: said, permanent: true, retryAfter: nil)
            default:
                return .failed(error: "unexpected reply (\(said))", permanent: false, retryAfter: nil)
            }
        }
    }

    /// The reply as one line without its code: `4.2.1 Mailbox busy` from `450 4.2.1 Mailbox busy\r\n`.
    static func replyText(_ body: [UInt8]) -> String {
        guard body.allSatisfy({ $0 < 0x80 }) else { return replyTextByCharacters(body) }
        // ASCII, byte by byte: the same as below, where the line breaks are LF, VT, FF and CR and the spaces
        // around the text are spaces and tabs.
        var text: [UInt8] = []
        text.reserveCapacity(body.count)
        for line in body.split(whereSeparator: { (10...13).contains($0) }) {
            var line = line
            if line.count >= 3, line.prefix(3).allSatisfy({ (48...57).contains($0) }) {
                line = line.dropFirst(3)
                if line.first == 32 || line.first == 45 { line = line.dropFirst() }
            }
            while let first = line.first, first == 32 || first == 9 { line = line.dropFirst() }
            while let last = line.last, last == 32 || last == 9 { line = line.dropLast() }
            if line.isEmpty { continue }
            if !text.isEmpty { text.append(32) }
            text.append(contentsOf: line)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `replyText` for any text, by characters.
    static func replyTextByCharacters(_ body: [UInt8]) -> String {
        let lines = String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline)
        return lines.map { line -> String in
            var text = Substring(line)
            if text.count >= 3, text.prefix(3).allSatisfy(\.isNumber) {
                text = text.dropFirst(3)
                if text.first == " " || text.first == "-" { text = text.dropFirst() }
            }
            // Lines hold no line breaks, so Character.isWhitespace is CharacterSet.whitespaces here.
            while text.first?.isWhitespace == true { text = text.dropFirst() }
            while text.last?.isWhitespace == true { text = text.dropLast() }
            return String(text)
        }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The id a server gave the accepted message (`… queued as 4F2A1`, `… id=1qXyZ-0007`), if it says one.
    static func queueID(in reply: String) -> String? {
        let words = reply.split(separator: " ")
        for (index, word) in words.enumerated() {
            if word.lowercased() == "as", index > 0, words[index - 1].lowercased() == "queued", index + 1 < words.count
            {
                return String(words[index + 1])
            }
            if word.lowercased().hasPrefix("id=") { return String(word.dropFirst(3)) }
        }
        return nil
    }

    private static func describe(_ category: TransferErrorCategory) -> String {
        switch category {
        case .couldNotConnect: "cannot connect to the SMTP server"
        case .timeout: "timed out"
        case .tls: "TLS failed"
        case .sendReceive: "the SMTP connection failed"
        case .other: "the transfer failed"
        }
    }
}

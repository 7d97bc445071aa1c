import Testing

@testable import NudgeCore

@Suite struct SMTPOutcomeTests {
    static let messageID = "<0123abcd@nudge>"

    static func reply(_ code: Int, _ text: String) -> TransferResult {
        .response(code: code, headers: [:], body: Array(text.utf8))
    }

    static func classify(_ result: TransferResult) -> DeliveryResult {
        SMTPOutcome.classify(result, messageID: messageID)
    }

    @Test func acceptedMessagesAreSentWithTheServersQueueID() {
        #expect(Self.classify(Self.reply(250, "250 2.0.0 Ok: queued as 4F2A1C")) == .sent(providerID: "4F2A1C"))
        #expect(Self.classify(Self.reply(250, "250 OK id=1qXyZ-0007Ab-Cd")) == .sent(providerID: "1qXyZ-0007Ab-Cd"))
        #expect(
            Self.classify(Self.reply(250, "250 2.0.0 Message accepted for delivery"))
                == .sent(providerID: Self.messageID))
        #expect(Self.classify(Self.reply(251, "")) == .sent(providerID: Self.messageID))
    }

    @Test(arguments: [
        (421, "421 4.4.2 smtp-sink.test Error: timeout exceeded"),
        (450, "450 4.2.0 Error: command rejected"),
        (451, "451 4.3.0 Temporary failure"),
        (452, "452 4.3.1 Insufficient system storage"),
    ])
    func temporaryRefusalsAreRetried(code: Int, text: String) {
        guard case .failed(let error, let permanent, let retryAfter) = Self.classify(Self.reply(code, text)) else {
            Issue.record("accepted a \(code)")
            return
        }
        #expect(!permanent)
        #expect(retryAfter == nil)
        #expect(error.hasPrefix("SMTP \(code): "))
        #expect(error.contains(String(text.dropFirst(4))))
    }

    @Test(arguments: [
        (500, "500 5.5.2 Error: command not recognized"),
        (550, "550 5.1.1 <nobody@example.vn>: Recipient address rejected"),
        (552, "552 5.3.4 Message too big"),
        (554, "554 5.7.1 Spam"),
    ])
    func permanentRefusalsAreNotRetried(code: Int, text: String) {
        guard case .failed(let error, let permanent, _) = Self.classify(Self.reply(code, text)) else {
            Issue.record("accepted a \(code)")
            return
        }
        #expect(permanent)
        #expect(error == "SMTP \(code): " + String(text.dropFirst(4)))
    }

    @Test func refusedCredentialsAreRetriedAndSaySo() {
        for code in [530, 534, 535, 538] {
            guard case .failed(let error, let permanent, _) = Self.classify(Self.reply(code, "\(code) 5.7.8 nope"))
            else {
                Issue.record("accepted a \(code)")
                continue
            }
            #expect(!permanent, "a wrong password must not fail every queued message for good")
            #expect(error.contains("authentication refused") && error.contains("username and password"))
        }
    }

    @Test func transportErrorsAreRetriedWithTheirExplanation() {
        for category in TransferErrorCategory.allCases {
            let result = Self.classify(.transportError(category, message: "Operation timed out after 2000 ms"))
            guard case .failed(let error, let permanent, let retryAfter) = result else {
                Issue.record("a transport error was taken for success")
                continue
            }
            #expect(!permanent)
            #expect(retryAfter == nil)
            #expect(error.hasSuffix(": Operation timed out after 2000 ms"))
        }
        let tls = Self.classify(.transportError(.tls, message: "STARTTLS denied, code 502"))
        #expect(tls == .failed(error: "TLS failed: STARTTLS denied, code 502", permanent: false, retryAfter: nil))
    }

    @Test func unexpectedCodesAreRetried() {
        #expect(
            Self.classify(Self.reply(354, "354 End data with <CR><LF>.<CR><LF>"))
                == .failed(
                    error: "unexpected reply (SMTP 354: End data with <CR><LF>.<CR><LF>)", permanent: false,
                    retryAfter: nil))
        #expect(
            Self.classify(Self.reply(0, ""))
                == .failed(error: "unexpected reply (SMTP 0)", permanent: false, retryAfter: nil))
    }

    @Test func multiLineRepliesBecomeOneLine() {
        #expect(
            SMTPOutcome.replyText(Array("451-4.3.0 First line\r\n451 4.3.0 Second line\r\n".utf8))
                == "4.3.0 First line 4.3.0 Second line")
        #expect(SMTPOutcome.replyText([]) == "")
        #expect(SMTPOutcome.replyText(Array("550".utf8)) == "")
    }

    @Test func headersAreFoundInAnyCase() {
        let result = TransferResult.response(code: 429, headers: ["retry-after": "120"], body: [])
        #expect(result.header("Retry-After") == "120")
        #expect(result.header("X-Missing") == nil)
        #expect(TransferResult.transportError(.timeout, message: "").header("Retry-After") == nil)
    }

    @Test func asciiRepliesReadTheSameByBytesAsByCharacters() {
        let pieces = ["250", "451", "-", " ", "\t", "\r\n", "\n", "\r", "\u{0B}", "\u{0C}", "2.0.0", "Ok", "12", "x"]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0..<10, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                .joined()
            let body = Array(text.utf8)
            #expect(SMTPOutcome.replyText(body) == SMTPOutcome.replyTextByCharacters(body), "\(text.debugDescription)")
        }
        #expect(SMTPOutcome.replyText(Array("250 2.0.0 Ok: queued as 4F2A1\r\n".utf8)) == "2.0.0 Ok: queued as 4F2A1")
        #expect(SMTPOutcome.replyText(Array("550 5.1.1 Không có\r\n".utf8)) == "5.1.1 Không có")
    }
}

import Foundation
import Testing

@testable import NudgeCore

@Suite struct HTTPRequestPartsTests {
    func message(
        channel: Channel, to addresses: [String], text: String, title: String? = nil, url: String? = nil
    ) -> OutboxMessage {
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        return OutboxMessage(
            key: "spring/s1/c-42/7", campaign: "spring", step: "s1", customerID: "c-42", channel: channel,
            recipient: Recipient(addresses: addresses), content: MessageContent(text: text, title: title, url: url),
            nextAttemptAt: t0, createdAt: t0)
    }

    // MARK: the standard body

    @Test func pushBodyListsTheTokens() {
        let push = message(
            channel: .push, to: ["tok-1", "tok-2"], text: "Ốp lưng giảm 15%", title: "Cảm ơn chị Lan",
            url: "shop://p/123")
        #expect(
            HTTPStandardBody.json(for: push)
                == #"{"key":"spring/s1/c-42/7","channel":"push","to":["tok-1","tok-2"],"title":"Cảm ơn chị Lan","#
                + #""body":"Ốp lưng giảm 15%","url":"shop://p/123","#
                + #""campaign":"spring","step":"s1","customer_id":"c-42"}"#)
    }

    @Test func smsBodyHasThePhoneAndNulls() {
        let sms = message(channel: .sms, to: ["+84901234567"], text: "Hi")
        #expect(
            HTTPStandardBody.json(for: sms)
                == #"{"key":"spring/s1/c-42/7","channel":"sms","to":"+84901234567","#
                + #""title":null,"body":"Hi","url":null,"#
                + #""campaign":"spring","step":"s1","customer_id":"c-42"}"#)
        let none = message(channel: .email, to: [], text: "Hi")
        #expect(HTTPStandardBody.json(for: none).contains(#""to":null,"#))
        let noTokens = message(channel: .push, to: [], text: "Hi")
        #expect(HTTPStandardBody.json(for: noTokens).contains(#""to":[],"#))
    }

    @Test func escapingAndUTF8() throws {
        let text = "Dòng 1\nDòng 2\t\"trích\" \\ \u{01}\u{1F} 🎉"
        let body = HTTPStandardBody.bytes(for: message(channel: .push, to: ["t"], text: text))
        let json = String(decoding: body, as: UTF8.self)
        #expect(json.contains(#""body":"Dòng 1\nDòng 2\t\"trích\" \\ \u0001\u001f 🎉""#))
        #expect(!body.contains { $0 < 0x20 })
        #expect(json.utf8.count == body.count)

        guard case .success(.map(let fields)) = JSONText.parse(body) else {
            Issue.record("the body is not JSON")
            return
        }
        #expect(fields["body"] == .string(text))
        #expect(fields["to"] == .list([.string("t")]))
        #expect(fields["title"] == .null)
        #expect(fields.count == 9)
    }

    // MARK: headers

    @Test func defaultHeaders() throws {
        let headers = try HTTPHeaders.build(
            configured: ["X-Tenant": Secret("shop"), "Authorization": Secret("Bearer k-123")], key: "spring/s1/c-42/7")
        #expect(
            headers.map(\.line) == [
                "Content-Type: application/json", "Idempotency-Key: spring/s1/c-42/7", "Authorization: Bearer k-123",
                "X-Tenant: shop",
            ])
        #expect(try HTTPHeaders.build(configured: [:], key: "k").map(\.name) == ["Content-Type", "Idempotency-Key"])
    }

    @Test func configuredContentTypeReplacesTheDefault() throws {
        let headers = try HTTPHeaders.build(
            configured: ["content-type": Secret("application/json; charset=utf-8")], key: "k")
        #expect(headers.map(\.line) == ["Idempotency-Key: k", "content-type: application/json; charset=utf-8"])
    }

    @Test func valuesAreHiddenInDescriptions() {
        let header = HTTPHeader(name: "Authorization", value: "Bearer k-123")
        #expect(header.description == "Authorization: <…>")
        #expect(!"\(header)".contains("k-123"))
    }

    @Test(arguments: [
        (
            "Authorization", "Bearer abc\r\nX-Injected: 1",
            "the value of header Authorization contains a line break (CR or LF)"
        ),
        ("Authorization", "Bearer abc\nX: 1", "the value of header Authorization contains a line break (CR or LF)"),
        ("Authorization", "Bearer abc\r", "the value of header Authorization contains a line break (CR or LF)"),
        ("X-Key", "abc\u{0}def", "the value of header X-Key contains a NUL character"),
        ("X-Key", "abc\u{7F}", "the value of header X-Key contains a control character"),
        ("X-Key", "\u{1B}[0m", "the value of header X-Key contains a control character"),
    ])
    func injectionIsRefused(_ name: String, _ value: String, _ problem: String) {
        let error = #expect(throws: HTTPHeaderError.self) {
            try HTTPHeaders.build(configured: [name: Secret(value)], key: "k")
        }
        #expect(error?.problems == [problem])
        #expect(error?.description.contains("abc") == false)
        #expect(error?.deliveryResult == .failed(error: problem, permanent: true, retryAfter: nil))
    }

    @Test(arguments: ["X Key", "X-Key\r\nEvil", "X:Key", "", "Ключ", "X-Key\t", "(x)"])
    func badNamesAreRefused(_ name: String) {
        let problems = HTTPHeaders.problems(in: [name: Secret("v")])
        #expect(problems.count == 1)
        #expect(
            problems.first?.hasPrefix("the header name \(name.debugDescription) is not a valid HTTP header name")
                == true)
    }

    @Test func reservedAndDuplicateNamesAreRefused() {
        for name in ["Idempotency-Key", "idempotency-key", "Content-Length", "Transfer-Encoding", "Host"] {
            #expect(
                HTTPHeaders.problems(in: [name: Secret("x")]) == [
                    "the header \(name) is set by nudge or libcurl; remove it from the channel's headers"
                ])
        }
        #expect(
            HTTPHeaders.problems(in: ["X-A": Secret("1"), "x-a": Secret("2")]) == [
                "the header x-a is configured twice (header names ignore case)"
            ])
    }

    @Test func allProblemsAreReportedAtOnce() {
        let error = #expect(throws: HTTPHeaderError.self) {
            try HTTPHeaders.build(configured: ["A B": Secret("1"), "Host": Secret("h"), "X": Secret("a\nb")], key: "k")
        }
        #expect(error?.problems.count == 3)
    }

    @Test func oddButLegalValuesPass() throws {
        let headers = try HTTPHeaders.build(
            configured: [
                "X-Tab": Secret("a\tb"), "X-Viet": Secret("Cảm ơn"), "X-Empty": Secret(""),
                "X!#$%&'*+-.^_`|~": Secret("v"),
            ],
            key: "k")
        #expect(headers.count == 6)
    }

    @Test func messageKeyWithALineBreakIsRefused() {
        let error = #expect(throws: HTTPHeaderError.self) { try HTTPHeaders.build(configured: [:], key: "a\r\nb") }
        #expect(error?.problems == ["the message key contains a line break (CR or LF)"])
    }
}

import Foundation
import Testing

@testable import NudgeCore

@Suite struct HTTPOutcomeTests {
    static let now = Date(timeIntervalSince1970: 784_111_740)  // Sun, 06 Nov 1994 08:49:00 GMT

    func decide(_ status: Int, _ body: String = "", headers: [String: String] = [:]) -> DeliveryResult {
        HTTPOutcome.decide(GatewayReply(status: status, headers: headers, text: body), now: Self.now)
    }

    // MARK: success and provider ids

    @Test(arguments: [
        (#"{"id":"msg-1"}"#, "msg-1"), (#"{"message_id":"m2"}"#, "m2"), (#"{"messageId":"m3"}"#, "m3"),
        (#"{"id":12345}"#, "12345"), (#"{"message_id":-7}"#, "-7"),
        (#"{"messageId": 9007199254740992}"#, "9007199254740992"),
        (#"{"id":"a","message_id":"b"}"#, "a"), (#"{"id":"","message_id":"b"}"#, "b"),
        (#"{"id":null,"messageId":"c"}"#, "c"),
        (#"{"data":{"id":"nested"}}"#, "nested"), (#"{"id":" spaced "}"#, "spaced"), (#"{"id":"Mã 1"}"#, "Mã 1"),
    ])
    func providerIDs(_ body: String, _ id: String) {
        #expect(decide(200, body) == .sent(providerID: id))
    }

    @Test(arguments: [
        "", "ok", "[1,2]", #""id""#, #"{"id":1.5}"#, #"{"id":true}"#, #"{"id":{"x":1}}"#, #"{"name":"x"}"#,
        #"{"id":12345678901234567890}"#, #"{"id":"x""#, #"{"data":"id"}"#,
    ])
    func noProviderID(_ body: String) {
        #expect(decide(201, body) == .sent(providerID: nil))
    }

    @Test func aProviderIDKeepsItsFirst200Characters() {
        let ascii = String(repeating: "a", count: 200)
        #expect(decide(200, #"{"id":"\#(ascii)"}"#) == .sent(providerID: ascii))
        #expect(decide(200, #"{"id":"\#(ascii)bcd"}"#) == .sent(providerID: ascii))
        // 150 characters in 450 bytes: kept whole.
        let vietnamese = String(repeating: "ữ", count: 150)
        #expect(decide(200, #"{"id":"\#(vietnamese)"}"#) == .sent(providerID: vietnamese))
        let long = String(repeating: "ệ", count: 250)
        #expect(decide(200, #"{"id":"\#(long)"}"#) == .sent(providerID: String(long.prefix(200))))
    }

    @Test func everySuccessIsSent() {
        for status in [200, 201, 202, 204, 299] {
            #expect(decide(status) == .sent(providerID: nil))
        }
    }

    // MARK: retried

    @Test func tooManyRequestsHonoursRetryAfter() {
        #expect(
            decide(429, "slow down", headers: ["Retry-After": "120"])
                == .failed(error: "the gateway answered HTTP 429: slow down", permanent: false, retryAfter: 120))
        #expect(
            decide(503, headers: ["retry-after": "Sun, 06 Nov 1994 08:49:37 GMT"])
                == .failed(error: "the gateway answered HTTP 503", permanent: false, retryAfter: 37))
        #expect(
            decide(500, headers: ["RETRY-AFTER": "soon"])
                == .failed(error: "the gateway answered HTTP 500", permanent: false, retryAfter: nil))
        #expect(decide(502) == .failed(error: "the gateway answered HTTP 502", permanent: false, retryAfter: nil))
    }

    @Test(arguments: [408, 429, 500, 501, 502, 503, 504, 599])
    func retriedStatuses(_ status: Int) {
        guard case .failed(_, permanent: false, retryAfter: 5) = decide(status, headers: ["Retry-After": "5"]) else {
            Issue.record("HTTP \(status) should be retried after 5 s")
            return
        }
    }

    @Test(arguments: [0, 99, 100, 199, 600, 999])
    func unexpectedStatusesAreRetried(_ status: Int) {
        guard case .failed(let error, permanent: false, _) = decide(status) else {
            Issue.record("HTTP \(status) should be retried")
            return
        }
        #expect(error.contains("unexpected HTTP \(status)"))
    }

    @Test(arguments: [
        GatewayFailure.connectionFailed("Connection refused"), .timedOut("Operation timed out"),
        .tls("certificate verify failed"), .dropped("Empty reply from server"), .other(""),
    ])
    func noAnswerIsRetried(_ failure: GatewayFailure) {
        let result = HTTPOutcome.decide(failure)
        #expect(result == .failed(error: failure.description, permanent: false, retryAfter: nil))
        #expect(HTTPOutcome.decide(.failure(failure), now: Self.now) == result)
        #expect(failure.message.isEmpty || failure.description.contains(failure.message))
    }

    @Test func failureDescriptions() {
        #expect(GatewayFailure.timedOut("after 30 s").description == "timed out: after 30 s")
        #expect(GatewayFailure.other("").description == "transfer failed")
    }

    // MARK: permanent

    @Test(arguments: [300, 301, 302, 400, 401, 403, 404, 409, 410, 413, 422, 451, 499])
    func permanentStatuses(_ status: Int) {
        guard case .failed(let error, permanent: true, retryAfter: nil) = decide(status, headers: ["Retry-After": "5"])
        else {
            Issue.record("HTTP \(status) should fail for good")
            return
        }
        #expect(error == "the gateway refused the message with HTTP \(status)")
    }

    @Test func errorQuotesAShortSanitisedExcerpt() {
        let body =
            "{\"error\":\"invalid token\",\r\n\t\"detail\":\"" + String(repeating: "x", count: 500) + "\"}\u{1B}[31m"
        guard case .failed(let error, permanent: true, _) = decide(400, body) else {
            Issue.record("expected a permanent failure")
            return
        }
        #expect(
            error.hasPrefix(
                "the gateway refused the message with HTTP 400: {\"error\":\"invalid token\", \"detail\":\"xxx"))
        #expect(error.hasSuffix("…"))
        let excerpt = error.dropFirst("the gateway refused the message with HTTP 400: ".count)
        #expect(excerpt.count == 200)
        #expect(!error.unicodeScalars.contains { $0.properties.generalCategory == .control })
    }

    @Test func excerpts() {
        #expect(GatewayReply(status: 400, text: "  bad \n\n request \t ").excerpt() == "bad request")
        #expect(GatewayReply(status: 400, body: [0x62, 0xFF, 0x61, 0x64]).excerpt() == "b\u{FFFD}ad")
        #expect(GatewayReply(status: 400, text: "Lỗi: số điện thoại sai").excerpt() == "Lỗi: số điện thoại sai")
        #expect(GatewayReply(status: 400, text: String(repeating: "ả", count: 250)).excerpt(limit: 10) == "ảảảảảảảảả…")
        #expect(GatewayReply(status: 400, text: "abc").excerpt(limit: 3) == "abc")
        #expect(GatewayReply(status: 400, text: "\u{200B}x\u{7}y").excerpt() == "x y")
    }

    @Test func headerNamesIgnoreCase() {
        let reply = GatewayReply(status: 200, headers: ["Retry-After": "3", "X-Id": "a", "x-id": "b"])
        #expect(reply.header("retry-after") == "3")
        #expect(reply.header("RETRY-AFTER") == "3")
        #expect(reply.headers.keys.sorted() == ["retry-after", "x-id"])
        #expect(reply.header("x-id") == "a, b" || reply.header("x-id") == "b, a")
    }
}

import Foundation
import Testing

@testable import NudgeCore

@Suite struct DeliveryReceiptTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func message(state: OutboxMessage.State = .sent, attempts: Int = 1, channel: Channel = .sms) -> OutboxMessage {
        var message = OutboxMessage(
            key: "plan-upgrade-sms/upgrade-offer/c-1/3", campaign: "plan-upgrade-sms", step: "upgrade-offer",
            variant: "a", customerID: "c-1", channel: channel, recipient: Recipient(addresses: ["+84901234567"]),
            content: MessageContent(text: "Xin chào"), nextAttemptAt: t0, createdAt: t0)
        message.state = state
        message.attempts = attempts
        return message
    }

    // MARK: HMAC and signatures

    @Test func hmacMatchesRFC4231() {
        // Test case 2 of RFC 4231.
        let code = HMACSHA256.code(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(SHA256.hexString(code) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Test case 6: a key longer than the block is hashed first.
        let long = HMACSHA256.code(
            key: [UInt8](repeating: 0xaa, count: 131),
            message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(SHA256.hexString(long) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func signatureBindsKeyChannelAndSecret() {
        let key = "plan-upgrade-sms/upgrade-offer/c-1/3"
        let signature = ReceiptSignature.sign(key: key, channel: .sms, secret: "token-1")
        #expect(signature.count == 32)
        #expect(signature.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(ReceiptSignature.verify(signature, key: key, channel: .sms, secret: "token-1"))
        #expect(ReceiptSignature.verify(signature.uppercased(), key: key, channel: .sms, secret: "token-1"))
        #expect(!ReceiptSignature.verify(signature, key: key + "x", channel: .sms, secret: "token-1"))
        #expect(!ReceiptSignature.verify(signature, key: key, channel: .push, secret: "token-1"))
        #expect(!ReceiptSignature.verify(signature, key: key, channel: .sms, secret: "token-2"))
        #expect(!ReceiptSignature.verify(String(signature.dropLast()), key: key, channel: .sms, secret: "token-1"))
        #expect(!ReceiptSignature.verify("", key: key, channel: .sms, secret: "token-1"))
    }

    @Test func kannelCallbackCarriesTheSignatureThroughItsEscapeCodes() throws {
        let key = "tết/nhắc 1/khách 100%/42"
        let signature = ReceiptSignature.sign(key: key, channel: .sms, secret: "s")
        let url = KannelReceipt.callbackURL(base: "http://127.0.0.1:8470/v1/receipts/sms", key: key, signature: signature)
        let called = KannelEscapeCodes.fill(url, status: 1, answer: "")
        let query = try #require(called.split(separator: "?").last)
        let report = try #require(KannelReceipt(query: query))
        #expect(report.key == key)
        #expect(report.signature == signature)
        #expect(report.receipt == DeliveryReceipt(key: key, decision: .delivered, signature: signature))
    }

    @Test func defaultCallbackIsTheListenAddress() {
        let kannel = KannelTransport(
            url: "http://k/cgi-bin/sendsms", username: nil, password: nil, from: nil, stripDiacritics: false,
            maxParts: 3)
        let local = ReceiptCallback.kannel(
            kannel, channel: .sms, listen: ListenAddress(host: "127.0.0.1", port: 8470), secret: "s")
        #expect(local?.base == "http://127.0.0.1:8470/v1/receipts/sms")
        let wildcard = ReceiptCallback.kannel(
            kannel, channel: .sms, listen: ListenAddress(host: "0.0.0.0", port: 9000), secret: "s")
        #expect(wildcard?.base == "http://127.0.0.1:9000/v1/receipts/sms")
        let v6 = ReceiptCallback.kannel(kannel, channel: .sms, listen: ListenAddress(host: "::", port: 9000), secret: "s")
        #expect(v6?.base == "http://[::1]:9000/v1/receipts/sms")

        var proxied = kannel
        proxied.deliveryReportURL = "https://nudge.shop.example/v1/receipts/sms"
        #expect(
            ReceiptCallback.kannel(proxied, channel: .sms, listen: ListenAddress(host: "127.0.0.1", port: 8470), secret: "s")?
                .base == "https://nudge.shop.example/v1/receipts/sms")
        var off = kannel
        off.deliveryReports = false
        #expect(ReceiptCallback.kannel(off, channel: .sms, listen: ListenAddress(host: "127.0.0.1", port: 1), secret: "s") == nil)
    }

    // MARK: generic JSON receipts

    @Test func jsonReceiptsInEveryForm() throws {
        let one = try DeliveryReceipt.parseJSON(Array(#"{"key": "k1", "status": "delivered"}"#.utf8)).get()
        #expect(one == [DeliveryReceipt(key: "k1", decision: .delivered)])

        let many = try DeliveryReceipt.parseJSON(
            Array(
                #"""
                [{"key": "k1", "status": "DELIVERED", "sig": "ab"},
                 {"key": "k2", "status": "undelivered", "reason": "máy tắt"},
                 {"key": "k3", "status": "accepted"}]
                """#.utf8)
        ).get()
        #expect(many[0] == DeliveryReceipt(key: "k1", decision: .delivered, signature: "ab"))
        #expect(
            many[1]
                == DeliveryReceipt(
                    key: "k2", decision: .failed(reason: "the gateway reported the message undelivered: máy tắt"),
                    detail: "máy tắt"))
        #expect(many[2].decision == .ignore(reason: "the gateway reported the message accepted"))
    }

    @Test func badJSONReceiptsListEveryProblem() {
        guard
            case .failure(let errors) = DeliveryReceipt.parseJSON(
                Array(#"[{"status": "gone", "extra": 1}, 7, {"key": 5, "status": "delivered"}]"#.utf8))
        else {
            Issue.record("accepted")
            return
        }
        #expect(
            errors.map(\.description) == [
                "record 0, extra: unknown field; a receipt has key, status, reason and sig",
                "record 0, key: is required",
                "record 0, status: unknown status \"gone\"; use one of accepted, buffered, delivered, failed, queued, rejected, sent, undelivered",
                "record 1: expected a receipt object, found a number",
                "record 2, key: expected a non-empty string, found 5",
            ])
        for body in ["", "not json", "[]", "\"delivered\""] {
            guard case .failure(let problems) = DeliveryReceipt.parseJSON(Array(body.utf8)) else {
                Issue.record("accepted \(body.debugDescription)")
                continue
            }
            #expect(problems.count == 1)
        }
    }

    // MARK: what a receipt writes

    @Test func deliveredIsRecordedOnce() {
        let sent = message()
        let receipt = DeliveryReceipt(key: sent.key, decision: .delivered)
        guard case .record(let entry) = ReceiptEffect.decide(receipt, message: sent, history: [], now: t0) else {
            Issue.record("not recorded")
            return
        }
        #expect(entry.status == .delivered)
        #expect(entry.messageKey == sent.key && entry.customerID == "c-1" && entry.variant == "a")
        #expect(entry.attempt == 1 && entry.at == t0 && entry.error == nil)
        #expect(ReceiptEffect.decide(receipt, message: sent, history: [entry], now: t0) == .alreadyRecorded)

        var other = entry
        other.messageKey = "another"
        if case .record = ReceiptEffect.decide(receipt, message: sent, history: [other], now: t0) {} else {
            Issue.record("another message's row counted")
        }
    }

    @Test func undeliveredIsAFailedRowWithItsReason() {
        let sent = message(attempts: 2)
        let receipt = DeliveryReceipt(key: sent.key, decision: .failed(reason: "the phone did not receive the SMS"))
        guard case .record(let entry) = ReceiptEffect.decide(receipt, message: sent, history: [], now: t0) else {
            Issue.record("not recorded")
            return
        }
        #expect(entry.status == .failed && entry.reason == "undelivered" && entry.attempt == 2)
        #expect(entry.error == "the phone did not receive the SMS")
        #expect(
            ReceiptEffect.decide(DeliveryReceipt(key: sent.key, decision: .delivered), message: sent, history: [entry], now: t0)
                == .alreadyRecorded)
    }

    @Test func aReportBeforeTheAttemptIsRecordedCountsTheAttemptInFlight() {
        let inFlight = message(state: .sending, attempts: 0)
        guard
            case .record(let entry) = ReceiptEffect.decide(
                DeliveryReceipt(key: inFlight.key, decision: .delivered), message: inFlight, history: [], now: t0)
        else {
            Issue.record("not recorded")
            return
        }
        #expect(entry.attempt == 1)
    }

    @Test func nothingHappensForUnsentMessagesOrIntermediateReports() {
        let queued = message(state: .queued, attempts: 0)
        #expect(
            ReceiptEffect.decide(DeliveryReceipt(key: queued.key, decision: .delivered), message: queued, history: [], now: t0)
                == .notSent)
        #expect(
            ReceiptEffect.decide(
                DeliveryReceipt(key: queued.key, decision: .ignore(reason: "buffered")), message: message(), history: [],
                now: t0) == .ignored(reason: "buffered"))
    }

    // MARK: transfers as gateway attempts

    @Test func transferResultsBecomeGatewayAttempts() throws {
        let reply = TransferResult.response(code: 429, headers: ["retry-after": "3"], body: Array("slow".utf8))
        let answered = try reply.gatewayAttempt.get()
        #expect(answered == GatewayReply(status: 429, headers: ["Retry-After": "3"], text: "slow"))
        let failures: [(TransferErrorCategory, GatewayFailure)] = [
            (.couldNotConnect, .connectionFailed("m")), (.timeout, .timedOut("m")), (.tls, .tls("m")),
            (.sendReceive, .dropped("m")), (.other, .other("m")),
        ]
        for (category, failure) in failures {
            #expect(TransferResult.transportError(category, message: "m").gatewayAttempt == .failure(failure))
        }
    }
}

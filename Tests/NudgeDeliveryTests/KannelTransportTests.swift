import Foundation
import NudgeCore
import NudgeDelivery
import NudgeTesting
import Testing

/// The `kannel` transport against a real Kannel (bearerbox + smsbox) with `fakesmsc` as the SMS centre: what the
/// SMS centre receives, and how Kannel's answers are classified.
@Suite("Kannel transport", .serialized, .timeLimit(.minutes(2)))
struct KannelTransportTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func settings(
        _ peer: PeerProcess, password: String = "foobar", strip: Bool = false, maxParts: Int = 3
    ) -> KannelTransport {
        KannelTransport(
            url: "http://127.0.0.1:\(peer.port)/cgi-bin/sendsms", username: "tester", password: Secret(password),
            from: "SHOP", stripDiacritics: strip, maxParts: maxParts, deliveryReports: false)
    }

    func message(_ text: String, to phone: String = "+84901234567", key: String = "plan-upgrade-sms/upgrade-offer/c-1/1")
        -> OutboxMessage
    {
        OutboxMessage(
            key: key, campaign: "plan-upgrade-sms", step: "upgrade-offer", customerID: "c-1", channel: .sms,
            recipient: Recipient(addresses: [phone]), content: MessageContent(text: text), nextAttemptAt: Self.now,
            createdAt: Self.now)
    }

    /// What reached the fake SMS centre, one record per (joined) SMS.
    func received(_ peer: PeerProcess) async throws -> [[String: Any]] {
        try await peer.command("messages").split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func waitForMessages(_ peer: PeerProcess, count: Int) async throws -> [[String: Any]] {
        var messages: [[String: Any]] = []
        try await Polling.until(20, "\(count) SMS at the fake SMS centre") {
            messages = try await received(peer)
            return messages.count >= count
        }
        return messages
    }

    @Test func vietnameseArrivesIntactInTheRightNumberOfParts() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.kannel) { peer in
            let transport = KannelMessageTransport(
                settings: settings(peer), timeout: 10, concurrency: 4, receipts: nil, loop: loop)
            let short = "Chào Lan, mã NANGCAP20 giảm 20% gói Nâng cao!"
            let long =
                "Chào chị Lan! Gói Cơ bản của chị đã dùng 85%. Nâng cấp lên gói Nâng cao hôm nay để được giảm 20% "
                + "với mã NANGCAP20, hết hạn lúc 18:30 ngày 25/11. Từ chối: nhắn STOP"
            #expect(SMSText(long).parts == 3)

            #expect(
                await transport.deliver(message(short, key: "k/1"), now: Self.now)
                    == .sent(providerID: "0: Accepted for delivery"))
            #expect(
                await transport.deliver(message(long, to: "+84 90 765 4321", key: "k/2"), now: Self.now)
                    == .sent(providerID: "0: Accepted for delivery"))

            let messages = try await waitForMessages(peer, count: 2)
            let first = try #require(messages.first { $0["text"] as? String == short }, "\(messages)")
            #expect(first["coding"] as? String == "ucs2")
            #expect(first["parts"] as? Int == 1)
            #expect((first["to"] as? String)?.hasSuffix("84901234567") == true)
            #expect(first["from"] as? String == "SHOP")
            let second = try #require(messages.first { $0["text"] as? String == long }, "\(messages)")
            #expect(second["parts"] as? Int == 3)
            #expect((second["to"] as? String)?.hasSuffix("84907654321") == true)
        }
        await loop.shutdown()
    }

    @Test func strippedDiacriticsGoAsPlainGSM7() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.kannel) { peer in
            let transport = KannelMessageTransport(
                settings: settings(peer, strip: true), timeout: 10, concurrency: 1, receipts: nil, loop: loop)
            let text = String(repeating: "Giảm giá đặc biệt cho khách hàng thân thiết. ", count: 4)
            #expect(await transport.deliver(message(text), now: Self.now) == .sent(providerID: "0: Accepted for delivery"))
            let sms = try #require(try await waitForMessages(peer, count: 1).first)
            #expect(sms["text"] as? String == String(repeating: "Giam gia dac biet cho khach hang than thiet. ", count: 4))
            #expect(sms["coding"] as? String == "7bit")
            #expect(sms["parts"] as? Int == 2)
        }
        await loop.shutdown()
    }

    @Test func aTextOverTheLimitIsRefusedBeforeKannelCouldCutIt() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.kannel) { peer in
            let transport = KannelMessageTransport(
                settings: settings(peer, maxParts: 2), timeout: 10, concurrency: 1, receipts: nil, loop: loop)
            let text = String(repeating: "Ưu đãi ", count: 30)  // 210 UCS-2 characters: 4 parts
            guard case .failed(let error, permanent: true, retryAfter: nil) = await transport.deliver(message(text), now: Self.now)
            else {
                Issue.record("a 4-part text was not refused")
                return
            }
            #expect(error.contains("needs 4 SMS parts") && error.contains("at most 2"), "\(error)")
            #expect(
                await transport.deliver(message("Chào", key: "k/ok"), now: Self.now)
                    == .sent(providerID: "0: Accepted for delivery"))
            let messages = try await waitForMessages(peer, count: 1)
            #expect(messages.map { $0["text"] as? String } == ["Chào"])
        }
        await loop.shutdown()
    }

    @Test func aDownSMSCentreQueuesAndDeliversWhenItIsBack() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.kannel) { peer in
            let transport = KannelMessageTransport(
                settings: settings(peer), timeout: 10, concurrency: 1, receipts: nil, loop: loop)
            try await peer.command("smsc-down")
            #expect(
                await transport.deliver(message("Xin chào lúc SMSC tắt"), now: Self.now)
                    == .sent(providerID: "3: Queued for later delivery"))
            #expect(try await received(peer).isEmpty)
            try await peer.command("smsc-up")
            let messages = try await waitForMessages(peer, count: 1)
            #expect(messages.first?["text"] as? String == "Xin chào lúc SMSC tắt")
        }
        await loop.shutdown()
    }

    @Test func refusalsArePermanentAndAnAbsentGatewayIsRetried() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.kannel) { peer in
            let wrongPassword = KannelMessageTransport(
                settings: settings(peer, password: "wrong"), timeout: 10, concurrency: 1, receipts: nil, loop: loop)
            guard case .failed(let denied, permanent: true, _) = await wrongPassword.deliver(message("Hi"), now: Self.now)
            else {
                Issue.record("a wrong password was not a permanent failure")
                return
            }
            #expect(denied.contains("HTTP 403") && denied.contains("Authorization failed"), "\(denied)")
            #expect(!denied.contains("wrong"))

            try await peer.command("smsc-stop")
            let transport = KannelMessageTransport(
                settings: settings(peer), timeout: 10, concurrency: 1, receipts: nil, loop: loop)
            guard case .failed(let unroutable, permanent: true, _) = await transport.deliver(message("Hi"), now: Self.now)
            else {
                Issue.record("an unroutable SMS was not a permanent failure")
                return
            }
            #expect(unroutable.contains("Not routable"), "\(unroutable)")
        }

        let closed = try FreePort.find()
        let absent = KannelMessageTransport(
            settings: KannelTransport(
                url: "http://127.0.0.1:\(closed)/cgi-bin/sendsms", username: "tester", password: Secret("foobar"),
                from: nil, stripDiacritics: false, maxParts: 3),
            timeout: 5, concurrency: 1, receipts: nil, loop: loop)
        guard case .failed(let error, permanent: false, retryAfter: nil) = await absent.deliver(message("Hi"), now: Self.now)
        else {
            Issue.record("a refused connection was not retryable")
            return
        }
        #expect(error.hasPrefix("kannel: connection failed"), "\(error)")
        #expect(!error.contains("foobar"))
        await loop.shutdown()
    }

    @Test func theRequestAsksForSignedDeliveryReports() throws {
        let receipts = ReceiptCallback(base: "http://127.0.0.1:8470/v1/receipts/sms", channel: .sms, secret: "api-token")
        let transport = KannelMessageTransport(
            settings: KannelTransport(
                url: "http://127.0.0.1:13013", username: "tester", password: Secret("foobar"), from: nil,
                stripDiacritics: false, maxParts: 3),
            timeout: 5, concurrency: 1, receipts: receipts, loop: CurlMultiLoop())
        let sms = message("Hi", key: "plan-upgrade-sms/upgrade-offer/c-1/1")
        guard case .http(let http) = try transport.request(for: sms).kind else {
            Issue.record("not an HTTP request")
            return
        }
        #expect(http.method == "GET")
        let query = try #require(http.url.split(separator: "?", maxSplits: 1).last)
        let dlr = try #require(PercentEncoding.decodeQuery(query)?.first { $0.name == "dlr-url" }?.value)
        let signature = ReceiptSignature.sign(key: sms.key, channel: .sms, secret: "api-token")
        #expect(dlr.hasPrefix("http://127.0.0.1:8470/v1/receipts/sms?key=plan-upgrade-sms%%2Fupgrade-offer"))
        #expect(dlr.hasSuffix("&sig=\(signature)&status=%d&answer=%A"))
    }
}

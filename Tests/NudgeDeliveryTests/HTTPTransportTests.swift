import Foundation
import NudgeCore
import NudgeDelivery
import NudgeTesting
import Testing

/// The `http` transport against the recording HTTP sink (a real HTTP server that keeps every request and answers
/// as scripted), a listener that never answers and a port where nothing listens.
@Suite("HTTP transport", .timeLimit(.minutes(1)))
struct HTTPTransportTests {
    static let now = Date(timeIntervalSince1970: 1_795_748_400)
    static let text = "Chào chị \"Lan\",\nbạn đã dùng 90% gói Cơ bản.\tNâng cấp ngay — giảm 20% 🎉"
    static let apiKey = "Bearer pk-live-7f3a9c"

    static func message(
        channel: Channel = .push, to addresses: [String] = ["tok-1", "tok-2"],
        key: String = "plan-limit-push/limit-push/lan/1"
    ) -> OutboxMessage {
        OutboxMessage(
            key: key, campaign: "plan-limit-push", step: "limit-push", customerID: "lan", channel: channel,
            recipient: Recipient(addresses: addresses, name: "Nguyễn Thị Lan"),
            content: MessageContent(text: text, title: "Sắp đạt giới hạn gói", url: "shop://account/plan"),
            nextAttemptAt: now, createdAt: now)
    }

    /// An `http` channel posting to `url` with the Authorization header configured.
    static func transport(
        _ url: String, loop: CurlMultiLoop, timeout: TimeInterval = 10, body: String? = nil,
        templates: TemplateSet = .empty, headers: [String: Secret] = ["Authorization": Secret(apiKey)]
    ) -> HTTPMessageTransport {
        HTTPMessageTransport(
            settings: HTTPTransport(url: url, headers: headers, bodyTemplate: body, tls: TLSSettings()),
            timeout: timeout, concurrency: 4, loop: loop, templates: { templates })
    }

    static func templates(_ name: String, _ text: String) -> TemplateSet {
        TemplateLoader.load(files: [SourceFile(path: "templates/\(name)", text: text)], partials: []).0
    }

    @Test func aVietnamesePushArrivesAsTheStandardBodyWithItsHeaders() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.httpSink) { peer in
            let sink = HTTPSink(peer)
            let message = Self.message()
            let result = await Self.transport(sink.baseURL + "/v1/send", loop: loop).deliver(message, now: Self.now)
            // The sink answers {"ok":true,"id":"<request number>"}.
            #expect(result == .sent(providerID: "1"))

            let requests = try await sink.requests()
            try #require(requests.count == 1)
            let request = requests[0]
            #expect(request.method == "POST")
            #expect(request.path == "/v1/send")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.header("Idempotency-Key") == message.key)
            #expect(request.header("Authorization") == Self.apiKey)
            #expect(request.header("Expect") == nil)
            #expect(request.body == HTTPStandardBody.json(for: message))
            let json = try #require(request.json as? [String: Any])
            #expect(json["body"] as? String == Self.text)
            #expect(json["to"] as? [String] == ["tok-1", "tok-2"])
            #expect(json["title"] as? String == "Sắp đạt giới hạn gói")
        }
        await loop.shutdown()
    }

    @Test func anSMSFromABodyTemplateWithTheGatewaysID() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.httpSink) { peer in
            let sink = HTTPSink(peer)
            try await sink.script([["status": 201, "body": #"{"data": {"message_id": "sms-8841"}}"#]])
            let template = #"{"phone": "{{to}}", "text": "{{body}}", "ref": "{{key}}", "unicode": true}"# + "\n"
            let transport = Self.transport(
                sink.baseURL + "/sms", loop: loop, body: "sms.json.mustache",
                templates: Self.templates("sms.json.mustache", template))
            let message = Self.message(channel: .sms, to: ["+84901234567"], key: "plan-upgrade-sms/upgrade-offer/lan/3")
            #expect(await transport.deliver(message, now: Self.now) == .sent(providerID: "sms-8841"))

            let request = try #require(try await sink.requests().first)
            let escaped = #"Chào chị \"Lan\",\nbạn đã dùng 90% gói Cơ bản.\tNâng cấp ngay — giảm 20% 🎉"#
            #expect(
                request.body
                    == #"{"phone": "+84901234567", "text": ""# + escaped
                    + #"", "ref": "plan-upgrade-sms/upgrade-offer/lan/3", "unicode": true}"# + "\n")
            #expect((request.json as? [String: Any])?["text"] as? String == Self.text)
            #expect(request.header("Idempotency-Key") == message.key)
        }
        await loop.shutdown()
    }

    @Test func gatewayAnswersAreClassified() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.httpSink) { peer in
            let sink = HTTPSink(peer)
            let later = HTTPDate.format(Self.now + 120)
            try await sink.script([
                ["status": 429, "headers": ["Retry-After": "7"], "body": #"{"error": "slow down"}"#],
                ["status": 503],
                ["status": 500, "headers": ["Retry-After": later]],
                ["status": 400, "body": #"{"error": "unknown token \"tok-1\""}"#],
                ["status": 401],
                ["status": 302, "headers": ["Location": "http://elsewhere/"]],
                ["status": 204, "body": ""],
            ])
            let transport = Self.transport(sink.baseURL, loop: loop)
            func deliver() async -> DeliveryResult { await transport.deliver(Self.message(), now: Self.now) }

            #expect(
                await deliver()
                    == .failed(
                        error: #"the gateway answered HTTP 429: {"error": "slow down"}"#, permanent: false,
                        retryAfter: 7))
            #expect(
                await deliver()
                    == .failed(
                        error: #"the gateway answered HTTP 503: {"error": 503}"#, permanent: false, retryAfter: nil))
            // An HTTP-date counts from when the answer came.
            guard case .failed(_, false, let retryAfter?) = await deliver() else {
                Issue.record("a 500 with a Retry-After date was not retried with a delay")
                return
            }
            #expect(retryAfter > 110 && retryAfter <= 120, "\(retryAfter)")
            #expect(
                await deliver()
                    == .failed(
                        error: #"the gateway refused the message with HTTP 400: {"error": "unknown token \"tok-1\""}"#,
                        permanent: true, retryAfter: nil))
            #expect(await deliver().failure?.permanent == true)
            // Redirects are not followed: the configured url is wrong.
            #expect(await deliver().failure?.permanent == true)
            #expect(await deliver() == .sent(providerID: nil))
            #expect(try await sink.requests().count == 7)
        }
        await loop.shutdown()
    }

    @Test func aDroppedConnectionIsRetriedAndTheNextAttemptGoesThrough() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.httpSink) { peer in
            let sink = HTTPSink(peer)
            try await sink.script([["drop": true]])
            let transport = Self.transport(sink.baseURL, loop: loop)
            let message = Self.message()
            let failure = try #require(await transport.deliver(message, now: Self.now).failure)
            #expect(!failure.permanent)
            #expect(failure.error.hasPrefix("connection dropped: "), "\(failure.error)")
            #expect(await transport.deliver(message, now: Self.now) == .sent(providerID: "2"))
            // A drop on the connection kept open since, before any byte of an answer, libcurl takes for a stale
            // connection and sends again at once on a new one: sent, and the gateway has seen the message twice.
            try await sink.script([["drop": true]])
            #expect(await transport.deliver(message, now: Self.now) == .sent(providerID: "4"))
            // Every attempt carries the same key, so the gateway can tell a repeat.
            let keys = try await sink.requests().map { $0.header("Idempotency-Key") }
            #expect(keys == Array(repeating: message.key, count: 4))
        }
        await loop.shutdown()
    }

    @Test func aGatewayThatAnswersTooLateTimesOutWithinTheTimeout() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.httpSink) { peer in
            let sink = HTTPSink(peer)
            try await sink.script([["delay": 6]])
            let transport = Self.transport(sink.baseURL, loop: loop, timeout: 1.5)
            let started = Date()
            let failure = try #require(await transport.deliver(Self.message(), now: Self.now).failure)
            let elapsed = Date().timeIntervalSince(started)
            #expect(!failure.permanent)
            #expect(failure.error.hasPrefix("timed out: "), "\(failure.error)")
            #expect(Self.curlMilliseconds(failure.error).map { (1400..<2500).contains($0) } == true, "\(failure.error)")
            // curl's own figure above shows when the timeout fired; wall-clock time also counts waiting for a core
            // on a busy machine, so it only shows the transfer did not wait for the server.
            #expect(elapsed >= 1.4 && elapsed < 60, "took \(elapsed) s")
            // The sink is still busy with the late one; the next message gets through on a new connection.
            #expect(await transport.deliver(Self.message(), now: Self.now) == .sent(providerID: "2"))
        }
        await loop.shutdown()
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let loop = CurlMultiLoop()
        let silent = try SilentListener()
        let transport = Self.transport("http://127.0.0.1:\(silent.port)/send", loop: loop, timeout: 1.5)
        let started = Date()
        let failure = try #require(await transport.deliver(Self.message(), now: Self.now).failure)
        let elapsed = Date().timeIntervalSince(started)
        #expect(!failure.permanent)
        #expect(failure.error.hasPrefix("timed out: "), "\(failure.error)")
        #expect(Self.curlMilliseconds(failure.error).map { (1400..<2500).contains($0) } == true, "\(failure.error)")
        // curl's own figure above shows when the timeout fired; wall-clock time also counts waiting for a core on a
        // busy machine, so it only shows the transfer did not wait for the server forever.
        #expect(elapsed >= 1.4 && elapsed < 60, "took \(elapsed) s")
        #expect(silent.acceptWaiting() == 1)
        await loop.shutdown()
    }

    @Test func nothingListeningIsRetried() async throws {
        let loop = CurlMultiLoop()
        let port = try FreePort.find()
        let transport = Self.transport("http://127.0.0.1:\(port)/send", loop: loop, timeout: 5)
        let failure = try #require(await transport.deliver(Self.message(), now: Self.now).failure)
        #expect(!failure.permanent)
        #expect(failure.error.hasPrefix("connection failed: "), "\(failure.error)")
        await loop.shutdown()
    }

    @Test func whatCannotBeSentRightIsNotSentAtAll() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.httpSink) { peer in
            let sink = HTTPSink(peer)
            let notJSON = Self.transport(
                sink.baseURL, loop: loop, body: "bad.json.mustache",
                templates: Self.templates("bad.json.mustache", #"{"text": {{body}}}"#))
            let bad = try #require(await notJSON.deliver(Self.message(), now: Self.now).failure)
            #expect(bad.permanent)
            #expect(
                bad.error.hasPrefix("the http body template 'bad.json.mustache' did not produce JSON"), "\(bad.error)")
            #expect(!bad.error.contains("Lan"))

            let missing = Self.transport(sink.baseURL, loop: loop, body: "gone.json.mustache")
            let gone = try #require(await missing.deliver(Self.message(), now: Self.now).failure)
            #expect(!gone.permanent, "\(gone.error)")

            let header = Self.transport(
                sink.baseURL, loop: loop, headers: ["Authorization": Secret("Bearer x\r\nX-Evil: 1")])
            let injected = try #require(await header.deliver(Self.message(), now: Self.now).failure)
            #expect(injected.permanent)
            #expect(injected.error == "the value of header Authorization contains a line break (CR or LF)")

            #expect(try await sink.requests().isEmpty)
        }
        await loop.shutdown()
    }

    @Test func concurrentMessagesAllArriveOnce() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.httpSink) { peer in
            let sink = HTTPSink(peer)
            let transport = Self.transport(sink.baseURL, loop: loop)
            let results = await withTaskGroup(of: DeliveryResult.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        await transport.deliver(Self.message(key: "plan-limit-push/limit-push/c\(i)/1"), now: Self.now)
                    }
                }
                var all: [DeliveryResult] = []
                for await result in group { all.append(result) }
                return all
            }
            #expect(results.allSatisfy { $0.failure == nil })
            let keys = try await sink.requests().compactMap { $0.header("Idempotency-Key") }
            #expect(Set(keys) == Set((0..<20).map { "plan-limit-push/limit-push/c\($0)/1" }))
            #expect(keys.count == 20)
        }
        await loop.shutdown()
    }

    @Test func aChannelsRequestsWaitInItsLaneAndReuseItsConnections() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.httpSink) { peer in
            let sink = HTTPSink(peer)
            // Concurrency 4: twenty messages at once run at most four at a time, the rest built and waiting in
            // the loop, so no more than four connections are ever opened (the sink keeps them alive).
            let transport = Self.transport(sink.baseURL, loop: loop)
            #expect(transport.readyAhead == 12)
            let results = await withTaskGroup(of: DeliveryResult.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        await transport.deliver(Self.message(key: "plan-limit-push/limit-push/r\(i)/1"), now: Self.now)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.failure == nil }, "\(results.compactMap(\.failure))")
            let received = try await sink.requests()
            #expect(received.count == 20)
            #expect(loop.statistics.connectionsOpened <= 4, "\(loop.statistics)")
        }
        await loop.shutdown()
    }

    /// The time libcurl measured in its timeout message (`Operation timed out after 1501 milliseconds …`).
    static func curlMilliseconds(_ error: String) -> Int? {
        guard let after = error.range(of: "after ") else { return nil }
        return Int(error[after.upperBound...].prefix { $0.isNumber })
    }
}

import Foundation
import NudgeCore
import NudgeDelivery
import NudgeTesting
import Testing

/// The shared libcurl multi loop: many transfers at once, reused connections, HTTP, shutdown.
@Suite("curl multi loop", .timeLimit(.minutes(1)))
struct CurlMultiLoopTests {
    @Test func twoHundredMessagesAtOnceAllArriveOverFewConnections() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.smtpSink) { peer in
            let transport = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer), timeout: 20, concurrency: 16, loop: loop)
            let count = 200
            let started = Date()
            let results = await withTaskGroup(of: DeliveryResult.self) { group in
                for index in 0..<count {
                    group.addTask {
                        await transport.deliver(
                            SMTPFixtures.message(key: "bulk/email/c\(index)/1"), now: SMTPFixtures.now)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = Date().timeIntervalSince(started)
            #expect(results.filter { $0.failure != nil }.isEmpty, "\(results.compactMap(\.failure).prefix(3))")
            try await Polling.until(10, "\(count) files in the sink") { peer.files(in: "mail").count == count }
            let statistics = loop.statistics
            #expect(statistics.transfers == count)
            #expect(statistics.connectionsOpened >= 1 && statistics.connectionsOpened <= 16, "\(statistics)")
            print(
                "curl multi loop: \(count) messages to smtp-sink in \(String(format: "%.2f", elapsed)) s "
                    + "over \(statistics.connectionsOpened) connections")
        }
        await loop.shutdown()
    }

    @Test func theServerSeesConnectionsReused() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.aiosmtpd) { peer in
            let transport = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer), timeout: 10, concurrency: 2, loop: loop)
            for index in 0..<6 {
                let message = SMTPFixtures.message(key: "reuse/email/c\(index)/1")
                #expect(await transport.deliver(message, now: SMTPFixtures.now).failure == nil)
            }
            try await Polling.until(5, "6 saved messages") { SMTPFixtures.aiosmtpdMessages(peer).count == 6 }
            // aiosmtpd records each message's client address and port: one port means one connection.
            let ports = try Set(
                SMTPFixtures.aiosmtpdMessages(peer).map {
                    try SMTPFixtures.aiosmtpdRecord(peer, $0)["peer"] as? [AnyHashable] ?? []
                })
            #expect(ports.count == 1, "\(ports)")
            #expect(loop.statistics.connectionsOpened == 1)
        }
        await loop.shutdown()
    }

    @Test func httpRequestsCarryHeadersAndBodiesBothWays() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.httpSink) { peer in
            let faults = CurlRequest.HTTP(
                method: "POST", url: "http://127.0.0.1:\(peer.port)/__sink/faults",
                headers: [("Content-Type", "application/json")],
                body: Array(#"{"queue":[{"status":429,"headers":{"Retry-After":"7"}}]}"#.utf8))
            _ = await loop.perform(CurlRequest(kind: .http(faults), timeout: 5))

            let body = Array(#"{"to":"+84901234567","text":"Chào chị Lan — mã LAN15"}"#.utf8)
            let send = CurlRequest.HTTP(
                method: "POST", url: "http://127.0.0.1:\(peer.port)/sms",
                headers: [("Content-Type", "application/json"), ("Idempotency-Key", "k/1\r\nX-Evil: 1")], body: body)
            let limited = await loop.perform(CurlRequest(kind: .http(send), timeout: 5))
            #expect(limited.result.header("retry-after") == "7")
            guard case .response(429, _, _) = limited.result else {
                Issue.record("expected 429, got \(limited.result)")
                return
            }
            let accepted = await loop.perform(CurlRequest(kind: .http(send), timeout: 5))
            guard case .response(200, let headers, let reply) = accepted.result else {
                Issue.record("expected 200, got \(accepted.result)")
                return
            }
            #expect(headers["content-type"] == "application/json")
            #expect(String(decoding: reply, as: UTF8.self).contains(#""ok":true"#))
            #expect(accepted.newConnections == 0, "keep-alive: the second request reuses the first one's connection")

            let requests = try #require(await Self.recordedRequests(loop, peer))
            #expect(requests.count == 2)
            let last = try #require(requests.last)
            #expect(last["body"] as? String == String(decoding: body, as: UTF8.self))
            let sentHeaders = (last["headers"] as? [[String]] ?? []).map { $0[0].lowercased() }
            #expect(sentHeaders.contains("idempotency-key") && !sentHeaders.contains("x-evil"))
            #expect(!sentHeaders.contains("expect"))
        }
        await loop.shutdown()
    }

    @Test func shutdownFailsTransfersInFlightAndLaterOnes() async throws {
        let loop = CurlMultiLoop()
        let silent = try SilentListener()
        let request = CurlRequest(
            kind: .smtp(
                .init(
                    url: "smtp://127.0.0.1:\(silent.port)", mailFrom: "a@example.vn", recipients: ["b@example.vn"],
                    payload: Array("Subject: x\r\n\r\nx\r\n".utf8), startTLS: .off)),
            timeout: 30)
        let inFlight = Task { await loop.perform(request) }
        try await Polling.until(30, "the transfer to connect") { silent.acceptWaiting() == 1 }
        let started = Date()
        await loop.shutdown()
        let response = await inFlight.value
        #expect(response.result == .transportError(.other, message: "the delivery loop was shut down"))
        // Far below the transfer's 30 s timeout, even on a busy machine.
        #expect(Date().timeIntervalSince(started) < 10)
        let later = await loop.perform(request)
        #expect(later.result == .transportError(.other, message: "the delivery loop was shut down"))
        await loop.shutdown()
    }

    @Test func aLaneRunsAtMostItsLimitAndItsWaitingTransfersHaveNoClockRunning() async throws {
        let loop = CurlMultiLoop()
        // smtp-sink answers DATA after 1 s: two lanes of one and of three connections, each with more messages than
        // connections. A waiting message's 1.5 s timeout starts only when it does, so none times out.
        try await PeerProcess.with(.smtpSink, flags: ["-w", "1"]) { peer in
            let settings = SMTPFixtures.settings(peer)
            let narrow = SMTPMessageTransport(settings: settings, timeout: 1.5, concurrency: 1, loop: loop)
            let wide = SMTPMessageTransport(settings: settings, timeout: 1.5, concurrency: 3, loop: loop)
            #expect(narrow.readyAhead == 3 && wide.readyAhead == 9)
            let started = Date()
            let results = await withTaskGroup(of: DeliveryResult.self) { group in
                for index in 0..<3 {
                    group.addTask {
                        await narrow.deliver(SMTPFixtures.message(key: "lane/email/n\(index)/1"), now: SMTPFixtures.now)
                    }
                }
                for index in 0..<6 {
                    group.addTask {
                        await wide.deliver(SMTPFixtures.message(key: "lane/email/w\(index)/1"), now: SMTPFixtures.now)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 9)
            #expect(results.allSatisfy { $0.failure == nil }, "\(results.compactMap(\.failure))")
            // One at a time in the narrow lane: three in turn take at least 3 s.
            #expect(Date().timeIntervalSince(started) >= 3)
            #expect(loop.statistics.connectionsOpened <= 4, "\(loop.statistics)")
        }
        await loop.shutdown()
    }

    @Test func aTransferQueuedBehindAFullLaneDoesNotWakeItsThread() async throws {
        let loop = CurlMultiLoop()
        // A lane of one connection whose gateway holds the first request for 5 s: the requests submitted
        // meanwhile can only wait, so none of them wakes the loop thread (a syscall and a trip through the thread
        // each); it takes them when the first one ends.
        try await PeerProcess.with(.httpSink) { peer in
            let sink = HTTPSink(peer)
            try await sink.script([["delay": 5]])
            let settings = HTTPTransport(
                url: sink.baseURL + "/push", headers: [:], bodyTemplate: nil, tls: TLSSettings())
            let transport = HTTPMessageTransport(settings: settings, timeout: 20, concurrency: 1, loop: loop)
            func send(_ name: String) async -> DeliveryResult {
                await transport.deliver(
                    HTTPTransportTests.message(key: "full-lane/push/\(name)/1"), now: HTTPTransportTests.now)
            }
            let first = Task { await send("first") }
            try await Polling.until(10, "the first request at the gateway") { try await sink.requests().count == 1 }
            try await Polling.until(10, "the loop thread asleep with its lane full") {
                loop.statistics.fullLaneSleeps > 0
            }
            // The first one woke the thread, unless the thread, just started, had not yet attached its multi handle.
            let wakeUpsBefore = loop.statistics.wakeUps
            #expect(wakeUpsBefore <= 1, "\(loop.statistics)")
            let waiting = await withTaskGroup(of: DeliveryResult.self) { group in
                for index in 0..<5 { group.addTask { await send("waiting-\(index)") } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(await first.value.failure == nil)
            #expect(waiting.count == 5 && waiting.allSatisfy { $0.failure == nil }, "\(waiting)")
            #expect(loop.statistics.wakeUps == wakeUpsBefore, "\(loop.statistics)")
            #expect(try await sink.requests().count == 6)
        }
        await loop.shutdown()
    }

    @Test func connectionsWaitForTheirAnswerToTheEndOfDataSideBySide() async throws {
        let loop = CurlMultiLoop()
        // smtp-sink answers the end of each message's data after 4 s. libcurl waits for that answer inside its
        // loop thread: four connections on one thread would take 16 s or more, on threads of their own about 4 s.
        // The sink's wait is wall-clock time that no load on this machine shortens, so the bound is between
        // those two, far from both.
        try await PeerProcess.with(.smtpSink, flags: ["-W", ".:4"]) { peer in
            let transport = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer), timeout: 30, concurrency: 4, loop: loop)
            let started = Date()
            let results = await withTaskGroup(of: DeliveryResult.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        let message = SMTPFixtures.message(key: "eod/email/c\(index)/1")
                        return await transport.deliver(message, now: SMTPFixtures.now)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = Date().timeIntervalSince(started)
            #expect(results.allSatisfy { $0.failure == nil }, "\(results.compactMap(\.failure))")
            #expect(elapsed >= 4 && elapsed < 12, "\(elapsed) s: the four waits did not overlap")
        }
        await loop.shutdown()
    }

    @Test func aChannelWaitingForItsSMTPServerHoldsUpNoOtherTransfer() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.smtpSink, flags: ["-W", ".:8"]) { slow in
            try await PeerProcess.with(.httpSink) { http in
                let transport = SMTPMessageTransport(
                    settings: SMTPFixtures.settings(slow), timeout: 30, concurrency: 1, loop: loop)
                let message = SMTPFixtures.message(key: "slow/email/c1/1")
                let emailDone = DoneFlag()
                let email = Task {
                    let result = await transport.deliver(message, now: SMTPFixtures.now)
                    emailDone.set()
                    return result
                }
                // While the email waits 8 s for its answer, requests on the loop are answered: all of them end
                // before the email does.
                let url = "http://127.0.0.1:\(http.port)/__sink/requests"
                let list = CurlRequest(kind: .http(.init(method: "GET", url: url)), timeout: 10)
                for _ in 0..<3 {
                    guard case .response(200, _, _) = await loop.perform(list).result else {
                        Issue.record("the HTTP sink did not answer")
                        break
                    }
                }
                #expect(!emailDone.isSet, "the HTTP requests waited for the email's answer")
                #expect(await email.value.failure == nil)
            }
        }
        await loop.shutdown()
    }

    /// One loop thread reuses its handles: one kept set up for the same server carries none of the last transfer's
    /// headers or body, and one set up for another method or server starts from libcurl's defaults.
    @Test func aReusedHandleCarriesOnlyItsOwnTransfersOptions() async throws {
        let loop = CurlMultiLoop(options: .init(idleHandles: 1))
        try await PeerProcess.with(.httpSink) { peer in
            let base = "http://127.0.0.1:\(peer.port)"
            let sent: [(method: String, path: String, headers: [(name: String, value: String)], body: String?)] = [
                ("POST", "/a", [("X-Seq", "1"), ("X-Only-First", "yes")], "the first body, longer than the rest"),
                ("POST", "/a", [("X-Seq", "2")], "two"),
                ("PUT", "/c", [("X-Seq", "3")], "third"),
                ("POST", "/a", [("X-Seq", "4")], ""),
                ("POST", "/a", [("X-Seq", "5")], "Chào chị Lan"),
                // No body: an empty one of known length, not a chunked one read from standard input, nor a PUT
                // with no length.
                ("POST", "/a", [("X-Seq", "6")], nil),
                ("PUT", "/c", [("X-Seq", "7")], "seventh"),
                ("PUT", "/c", [("X-Seq", "8")], nil),
            ]
            for request in sent {
                let http = CurlRequest.HTTP(
                    method: request.method, url: base + request.path, headers: request.headers,
                    body: request.body.map { Array($0.utf8) })
                guard case .response(200, _, _) = await loop.perform(CurlRequest(kind: .http(http), timeout: 5)).result
                else {
                    Issue.record("request \(request.headers[0].value) was not answered 200")
                    return
                }
            }
            let requests = try #require(await Self.recordedRequests(loop, peer))
            #expect(requests.count == sent.count)
            for (request, record) in zip(sent, requests) {
                let headers = (record["headers"] as? [[String]] ?? []).map { $0[0].lowercased() }
                #expect(record["method"] as? String == request.method)
                #expect(record["path"] as? String == request.path)
                #expect(record["body"] as? String == request.body ?? "", "\(request.headers[0].value)")
                #expect(headers.filter { $0.hasPrefix("x-") } == request.headers.map { $0.name.lowercased() })
                if (request.body ?? "").isEmpty {
                    let pairs = (record["headers"] as? [[String]] ?? []).map { [$0[0].lowercased(), $0[1]] }
                    #expect(pairs.contains(["content-length", "0"]), "\(request.headers[0].value)")
                    #expect(!headers.contains("transfer-encoding"), "\(request.headers[0].value)")
                }
            }
        }
        await loop.shutdown()
    }

    /// The requests the HTTP sink recorded, asked for through `loop`; nil when it does not answer with a list.
    static func recordedRequests(_ loop: CurlMultiLoop, _ peer: PeerProcess) async throws -> [[String: Any]]? {
        let list = CurlRequest.HTTP(method: "GET", url: "http://127.0.0.1:\(peer.port)/__sink/requests")
        guard
            case .response(200, _, let recorded) = await loop.perform(CurlRequest(kind: .http(list), timeout: 5)).result
        else { return nil }
        return try JSONSerialization.jsonObject(with: Data(recorded)) as? [[String: Any]]
    }

    @Test func aRequestLibcurlCannotRunFailsAlone() async throws {
        let loop = CurlMultiLoop()
        let request = CurlRequest(
            kind: .http(.init(method: "GET", url: "file:///etc/passwd")), timeout: 5)
        guard case .transportError(_, let message) = await loop.perform(request).result else {
            Issue.record("a file:// URL was fetched")
            return
        }
        #expect(!message.isEmpty)
        await loop.shutdown()
    }
}

/// A flag one task sets and another reads.
private final class DoneFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

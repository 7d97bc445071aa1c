import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// SPEC §9, "`kill -9` at any moment loses nothing": the real daemon dispatching thousands of emails to Postfix's
/// smtp-sink is killed with SIGKILL at random moments and started again. Afterwards every message was delivered at
/// least once, and the only duplicates are messages that were in flight (`sending`) at a kill.
@Suite(.serialized) struct DaemonCrashTests {
    static let customers = 1_000
    /// Campaigns triggered by the same signup, one email each: `customers × campaigns` messages.
    static let campaigns = 3
    static let kills = 4

    @Test func killedWhileSendingItLosesNothingAndResendsOnlyWhatWasInFlight() async throws {
        let seed =
            ProcessInfo.processInfo.environment["NUDGE_CRASH_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...UInt64.max)
        print("crash test: seed \(seed) (NUDGE_CRASH_SEED=\(seed) repeats these kill points)")
        var random = SplitMix64(seed: seed)
        let expected = Self.customers * Self.campaigns

        try await PeerProcess.with(.smtpSink) { sink in
            let daemon = try DaemonProcess(
                extraConfig: """
                    quiet_hours: off
                    channels:
                      email:
                        transport: smtp
                        url: smtp://127.0.0.1:\(sink.port)
                        starttls: off
                        from: "Cửa hàng <shop@example.vn>"
                        concurrency: 16
                        timeout: 10s

                    """)
            try Self.writeCampaigns(into: daemon.directory)
            try daemon.start()
            try await daemon.waitUntilReady()
            let startedAt = Date()
            try await Self.signUp(Self.customers, through: daemon)
            print("crash test: \(Self.customers) customers signed up in \(Self.seconds(since: startedAt)) s")

            let mail = sink.file("mail").path
            func received() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: mail).count) ?? 0 }
            let databasePath = daemon.directory.appendingPathComponent("var/nudge.sqlite").path
            var inFlightAtKills: [Int] = []
            /// How many kills found each message in flight: the most extra copies it may have.
            var killsInFlight: [String: Int] = [:]
            for kill in 0..<Self.kills {
                // A random moment: once the sink holds a random number of messages more than now, spread so that
                // every kill comes before the last message.
                let now = received()
                let share = max(1, (expected - now) / (Self.kills - kill + 1))
                let target = now + 1 + Int(random.next() % UInt64(share))
                try await daemon.waitUntil(30, "\(target) messages at the sink", every: 0.005) { received() >= target }
                try await daemon.crash()
                let atKill = received()
                let database = try DatabaseFile(path: databasePath)
                let inFlight = try database.rows("SELECT key FROM outbox WHERE state = 'sending'").compactMap { $0[0] }
                for key in inFlight { killsInFlight[key, default: 0] += 1 }
                let sending = inFlight.count
                let sent = try database.integer("SELECT COUNT(*) FROM outbox WHERE state = 'sent'")
                let queued = try database.integer("SELECT COUNT(*) FROM outbox WHERE state = 'queued'")
                inFlightAtKills.append(sending)
                print(
                    "crash test: kill \(kill + 1) at \(atKill) messages received (target \(target)): outbox "
                        + "\(sent) sent, \(sending) sending, \(queued) queued")
                try daemon.start()
                try await daemon.waitUntilReady()
                if sending > 0 {
                    #expect(
                        daemon.output.contains(
                            "msg=\"messages in flight when nudge last stopped go out again; they may arrive twice\" "
                                + "count=\(sending)"))
                }
            }

            // The last run delivers the rest; none waits for the dead processes' leases (minutes away).
            try await daemon.waitUntil(60, "all \(expected) messages sent") {
                try DatabaseFile(path: databasePath).integer("SELECT COUNT(*) FROM outbox WHERE state = 'sent'")
                    == expected
            }
            #expect(try await daemon.stop() == 0)
            print("crash test: every message sent \(Self.seconds(since: startedAt)) s after the first signup")

            let database = try DatabaseFile(path: databasePath)
            let keys = try database.rows("SELECT key, state FROM outbox ORDER BY id")
            #expect(keys.count == expected)
            #expect(keys.allSatisfy { $0[1] == "sent" })
            let sentRows = try database.rows(
                "SELECT message_key, COUNT(*) FROM dispatch_log WHERE status = 'sent' GROUP BY message_key")
            #expect(sentRows.count == expected)
            #expect(sentRows.allSatisfy { $0[1] == "1" }, "one `sent` row per message, whatever the kills")
            let otherOutcomes = try database.integer(
                "SELECT COUNT(*) FROM dispatch_log WHERE status IN ('failed', 'dead', 'retrying')")
            #expect(otherOutcomes == 0)

            // What the sink received, by Message-ID.
            var copies: [String: Int] = [:]
            let files = try FileManager.default.contentsOfDirectory(atPath: mail)
            for name in files {
                let text = try String(contentsOfFile: mail + "/" + name, encoding: .utf8)
                let id = try #require(Self.messageID(in: text), "no Message-ID in \(name)")
                copies[id, default: 0] += 1
            }
            let byID = Dictionary(
                uniqueKeysWithValues: keys.compactMap { $0[0] }.map { (EmailDocument.messageID(forKey: $0), $0) })
            let missing = byID.keys.filter { copies[$0] == nil }
            let strangers = copies.keys.filter { byID[$0] == nil }
            let duplicates = files.count - copies.count
            let bound = inFlightAtKills.reduce(0, +)
            print(
                "crash test: \(files.count) messages received for \(expected) sent: \(missing.count) missing, "
                    + "\(duplicates) duplicates (at most \(bound): in flight at the kills \(inFlightAtKills))")
            #expect(missing.isEmpty, "never delivered: \(missing.prefix(5).compactMap { byID[$0] })")
            #expect(strangers.isEmpty)
            #expect(duplicates <= bound)
            // Per message: only one in flight at a kill comes twice, and at most once more per such kill.
            let overSent = copies.filter { id, count in
                byID[id].map { count > 1 + killsInFlight[$0, default: 0] } ?? false
            }
            #expect(
                overSent.isEmpty,
                "sent more often than the kills explain: \(overSent.keys.prefix(5).compactMap { byID[$0] })")
            #expect(bound > 0, "at least one kill caught messages in flight")
        }
    }

    /// `Message-ID` from the header of a message as smtp-sink stored it (LF line ends).
    static func messageID(in message: String) -> String? {
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { return nil }
            if line.lowercased().hasPrefix("message-id:") {
                return line.dropFirst("message-id:".count).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// Notices sent as soon as a customer signs up, at any hour, exempt from the frequency caps.
    static func writeCampaigns(into workspace: URL) throws {
        for index in 1...campaigns {
            let campaign = """
                campaign: crash-\(index)
                name: Thông báo \(index)
                kind: notice
                trigger:
                  event: signup
                steps:
                  - id: notice
                    channel: email
                    after: 0m
                    before: 1d
                    template: crash-notice
                    quiet_hours: ignore
                    cap: exempt

                """
            try campaign.write(
                to: workspace.appendingPathComponent("campaigns/crash-\(index).yml"), atomically: true, encoding: .utf8)
        }
        let template = """
            ---
            subject: "Chào mừng {{customer.attributes.name}}"
            ---
            <html><body><p>Chào {{customer.attributes.name}}, tài khoản của bạn đã sẵn sàng.</p></body></html>

            """
        try template.write(
            to: workspace.appendingPathComponent("templates/crash-notice.email.mustache"), atomically: true,
            encoding: .utf8)
    }

    /// Profiles over `PUT /v1/customers/{id}` (eight at a time), then one NDJSON batch of signups.
    static func signUp(_ count: Int, through daemon: DaemonProcess) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                if index >= 8 { try await group.next() }
                group.addTask {
                    let profile = #"{"email": "c\#(index)@example.vn", "attributes": {"name": "Khách \#(index)"}}"#
                    let reply = try await daemon.request("PUT", "/v1/customers/c\(index)", body: profile)
                    guard reply.status == 200 else { throw DaemonTestError.timeout("PUT c\(index): \(reply.text)") }
                }
            }
            try await group.waitForAll()
        }
        let at = LogTime.format(Date())
        let events = (0..<count).map { index in
            #"{"id": "signup-\#(index)", "type": "signup", "customer_id": "c\#(index)", "timestamp": "\#(at)"}"#
        }
        let reply = try await daemon.request(
            "POST", "/v1/events", body: events.joined(separator: "\n"), contentType: "application/x-ndjson")
        #expect(reply.status == 202, "\(reply.text)")
    }

    static func seconds(since start: Date) -> String {
        String(format: "%.1f", Date().timeIntervalSince(start))
    }
}

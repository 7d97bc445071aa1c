import Foundation
import NudgeCore
import Testing

/// The real binary on a temporary workspace with the shipped campaigns: events in over HTTP, messages out as
/// files, every decision in the dispatch log.
@Suite(.serialized) struct DaemonEndToEndTests {
    let now = Date()

    /// A fixed-offset zone whose local time is now `hour` o'clock (whatever the time of day the test runs).
    func zone(whereItIsNow hour: Int) -> String {
        let utcHour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: now).hour!
        var offset = ((hour - utcHour) % 24 + 24) % 24
        if offset > 12 { offset -= 24 }
        // Etc/GMT names have the sign inverted: UTC+7 is Etc/GMT-7.
        return offset == 0 ? "Etc/GMT" : offset > 0 ? "Etc/GMT-\(offset)" : "Etc/GMT+\(-offset)"
    }

    func iso(_ date: Date) -> String { LogTime.format(date) }

    func profile(name: String, zone: String) -> String {
        """
        {"email": "\(name.lowercased())@example.vn", "timezone": "\(zone)",
         "attributes": {"country": "VN", "name": "\(name)"}}
        """
    }

    func purchase(
        _ id: String, customer: String, at date: Date, category: String = "phone", price: Int = 9_990_000
    ) -> String {
        """
        {"id": "\(id)", "type": "purchase", "customer_id": "\(customer)", "timestamp": "\(iso(date))",
         "properties": {"order_id": "\(id)", "currency": "VND", "total": \(price),
           "items": [{"sku": "SKU-\(category)", "category": "\(category)", "name": "Điện thoại", "price": \(price)}]}}
        """.replacingOccurrences(of: "\n", with: " ")
    }

    func tail(_ daemon: DaemonProcess, customer: String) throws -> [[String: Any]] {
        let run = try daemon.command(["tail", "--json", "--customer", customer])
        #expect(run.status == 0, "\(run.output)")
        return run.output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func enrollments(_ daemon: DaemonProcess, _ customer: String) async throws -> [[String: Any]] {
        let reply = try await daemon.request("GET", "/v1/customers/\(customer)")
        #expect(reply.status == 200, "\(reply.text)")
        return ((reply.json as? [String: Any])?["enrollments"] as? [[String: Any]]) ?? []
    }

    @Test func eventsBecomeMessagesAndEveryDecisionIsLogged() async throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        try await daemon.waitUntilReady()
        let day = zone(whereItIsNow: 14)
        let night = zone(whereItIsNow: 3)

        let product = try await daemon.request(
            "PUT", "/v1/products/CASE-01",
            body: #"{"name": "Ốp lưng", "category": "case", "price": 250000, "cost": 100000}"#)
        #expect(product.status == 200, "\(product.text)")

        // A phone bought 22 days ago: the accessories email (3–5 weeks, 10:00 local) is due now.
        let holdout = (1...10_000).map { "holdout-\($0)" }.first {
            Assignment.arm(campaign: "phone-accessories", customerID: $0, holdout: 0.1) == .holdout
        }!
        let treated = (1...10_000).map { "lan-\($0)" }.first {
            Assignment.arm(campaign: "phone-accessories", customerID: $0, holdout: 0.1) == .treatment
        }!
        for (id, name, zone) in [
            (treated, "Lan", day), ("binh", "Bình", day), (holdout, "Hà", day), ("mai", "Mai", night),
            ("john", "John", "America/New_York"),
        ] {
            let reply = try await daemon.request("PUT", "/v1/customers/\(id)", body: profile(name: name, zone: zone))
            #expect(reply.status == 200, "\(reply.text)")
        }
        let events = [
            purchase("o1", customer: treated, at: now - 22 * 86_400),
            purchase("o2", customer: "binh", at: now - 22 * 86_400, category: "case"),
            purchase("o3", customer: holdout, at: now - 22 * 86_400),
            purchase("o4", customer: "mai", at: now - 22 * 86_400),
            purchase("o5", customer: "john", at: now - 21 * 86_400 + 3 * 3600),
        ].joined(separator: "\n")
        let ingest = try await daemon.request("POST", "/v1/events", body: events, contentType: "application/x-ndjson")
        #expect(ingest.status == 202, "\(ingest.text)")
        #expect((ingest.json as? [String: Any])?["accepted"] as? Int == 5)

        // The treated customer gets an email file, logged queued then sent.
        try await daemon.waitUntil(20, "the email of \(treated) to be sent") {
            try tail(daemon, customer: treated).contains { $0["status"] as? String == "sent" }
        }
        let rows = try tail(daemon, customer: treated)
        #expect(rows.map { $0["status"] as? String } == ["queued", "sent"])
        #expect(rows.allSatisfy { $0["campaign"] as? String == "phone-accessories" })
        #expect(rows.allSatisfy { $0["step"] as? String == "accessories-email" })
        let files = daemon.outbox("email")
        #expect(files.count == 1)
        let eml = try String(contentsOf: files[0], encoding: .utf8)
        #expect(eml.contains("\r\nTo: \"Lan\" <lan@example.vn>\r\n"))
        #expect(eml.contains("\r\nSubject: =?UTF-8?B?"))
        #expect(eml.contains("X-Nudge-Key: phone-accessories/accessories-email/\(treated)/"))
        #expect(eml.contains("Content-Type: multipart/alternative"))

        // The holdout customer is logged as such and never sent anything.
        try await daemon.waitUntil(20, "the holdout decision") {
            try tail(daemon, customer: holdout).contains { $0["reason"] as? String == "holdout" }
        }
        #expect(try tail(daemon, customer: holdout).map { $0["status"] as? String } == ["suppressed"])
        #expect(!daemon.outbox("email").contains { $0.lastPathComponent.contains(holdout) })

        // A purchase that does not match the trigger enrolls nobody.
        #expect(try await enrollments(daemon, "binh").isEmpty)
        #expect(try tail(daemon, customer: "binh").isEmpty)

        // In quiet hours (03:00 local) the email waits until 08:00 local, and the log says why.
        try await daemon.waitUntil(20, "the quiet-hours deferral") {
            try tail(daemon, customer: "mai").contains { $0["reason"] as? String == "quiet_hours" }
        }
        #expect(try tail(daemon, customer: "mai").map { $0["status"] as? String } == ["deferred"])
        let maiDue = try await enrollments(daemon, "mai").first?["next_due_at"] as? String
        let nightZone = TimeZone(identifier: night)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = nightZone
        let eight = calendar.nextDate(
            after: now, matching: DateComponents(hour: 8, minute: 0, second: 0), matchingPolicy: .nextTime)!
        #expect(maiDue == iso(eight))

        // A customer in New York is scheduled at 10:00 New York time on the first day the window allows.
        calendar.timeZone = TimeZone(identifier: "America/New_York")!
        let earliest = now - 21 * 86_400 + 3 * 3600 + 21 * 86_400
        let ten = calendar.nextDate(
            after: earliest - 0.001, matching: DateComponents(hour: 10, minute: 0, second: 0), matchingPolicy: .nextTime)!
        let johnEnrollments = try await enrollments(daemon, "john")
        #expect(johnEnrollments.count == 1)
        #expect(johnEnrollments.first?["next_due_at"] as? String == iso(ten))
        #expect(johnEnrollments.first?["next_step"] as? String == "accessories-email")

        // The human-readable tail shows one aligned line per row.
        let plain = try daemon.command(["tail", "--customer", treated])
        #expect(plain.output.split(separator: "\n").count == 2)
        #expect(plain.output.contains("phone-accessories/accessories-email"))

        #expect(try await daemon.stop() == 0)
        #expect(daemon.output.contains("stopped"))
    }

    @Test func aBrokenReloadKeepsTheLastGoodSet() async throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        try await daemon.waitUntilReady()
        try await daemon.request(
            "PUT", "/v1/products/CASE-01", body: #"{"name": "Ốp lưng", "category": "case", "price": 250000, "cost": 1}"#)

        let broken = """
            campaign: broken
            name: Broken
            kind: cross_sell
            trigger: {event: purchase, where: "event.total >"}
            steps: []
            """
        try broken.write(
            to: daemon.directory.appendingPathComponent("campaigns/broken.yml"), atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitUntil(20, "the reload to be rejected") {
            let ready = try await daemon.request("GET", "/readyz")
            let load = (ready.json as? [String: Any])?["last_load"] as? [String: Any]
            return load?["ok"] as? Bool == false
        }
        let ready = try await daemon.request("GET", "/readyz")
        #expect(ready.status == 200)
        #expect(ready.text.contains("broken.yml"))
        #expect((ready.json as? [String: Any])?["campaigns"] as? Int == 5)
        #expect(daemon.output.contains("reload rejected"))

        // The old set still runs: a phone purchase still leads to an email.
        let customer = (1...10_000).map { "reload-\($0)" }.first {
            Assignment.arm(campaign: "phone-accessories", customerID: $0, holdout: 0.1) == .treatment
        }!
        try await daemon.request("PUT", "/v1/customers/\(customer)", body: profile(name: "Lan", zone: zone(whereItIsNow: 14)))
        try await daemon.request("POST", "/v1/events", body: purchase("r1", customer: customer, at: now - 22 * 86_400))
        try await daemon.waitUntil(20, "the email after the rejected reload") { daemon.outbox("email").count == 1 }
        #expect(try await daemon.stop() == 0)
    }

    @Test func theAPIRefusesBadRequestsClearly() async throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        try await daemon.waitUntilReady()

        let unauthorized = try await daemon.request("POST", "/v1/events", body: "{}", token: "wrong")
        #expect(unauthorized.status == 401)
        #expect(((unauthorized.json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String == "unauthorized")

        // All or nothing: one bad record rejects the batch, every problem is listed, nothing is stored.
        let batch = """
            [{"type": "signup", "customer_id": "a1"},
             {"type": "purchase", "customer_id": "a2", "properties": {"items": []}},
             {"customer_id": "a3"}]
            """
        let rejected = try await daemon.request("POST", "/v1/events", body: batch)
        #expect(rejected.status == 400, "\(rejected.text)")
        let details = ((rejected.json as? [String: Any])?["error"] as? [String: Any])?["details"] as? [[String: Any]]
        #expect(Set(details?.compactMap { $0["index"] as? Int } ?? []) == [1, 2])
        #expect(try await daemon.request("GET", "/v1/customers/a1").status == 404)

        let malformed = try await daemon.request("POST", "/v1/events", body: "{not json")
        #expect(malformed.status == 400)
        let wrongType = try await daemon.request("POST", "/v1/events", body: "a=b", contentType: "text/plain")
        #expect(wrongType.status == 415)
        #expect(try await daemon.request("GET", "/v1/nothing-here").status == 404)

        // Duplicates by id are accepted and ignored.
        let event = #"{"id": "dup-1", "type": "signup", "customer_id": "a1"}"#
        #expect(try await daemon.request("POST", "/v1/events", body: event).status == 202)
        let again = try await daemon.request("POST", "/v1/events", body: event)
        #expect(again.status == 202)
        #expect((again.json as? [String: Any])?["duplicates"] as? Int == 1)
        let profile = try await daemon.request("GET", "/v1/customers/a1")
        #expect((profile.json as? [String: Any])?["stage"] as? String == "prospect")

        #expect(try await daemon.request("GET", "/healthz").status == 200)
        #expect(try await daemon.stop() == 0)
    }
}

/// Operations: body limits, systemd readiness, `nudge tail -f`.
@Suite(.serialized) struct DaemonOperationsTests {
    @Test func aBodyOverTheLimitIsRefusedWith413() async throws {
        let daemon = try DaemonProcess(extraConfig: "max_body: 1KiB\n")
        try daemon.start()
        try await daemon.waitUntilReady()
        let big = "[" + Array(repeating: #"{"type": "signup", "customer_id": "x"}"#, count: 100).joined(separator: ",")
            + "]"
        let reply = try await daemon.request("POST", "/v1/events", body: big)
        #expect(reply.status == 413, "\(reply.text)")
        #expect(((reply.json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String == "body_too_large")
        #expect(try await daemon.request("GET", "/v1/customers/x").status == 404)
        #expect(try await daemon.stop() == 0)
    }

    @Test func aSecondDaemonOnTheSamePortSaysWhy() async throws {
        let first = try DaemonProcess()
        try first.start()
        try await first.waitUntilReady()
        let second = try DaemonProcess(port: first.port)
        try second.start()
        try await second.waitUntilExit()
        #expect(second.process.terminationStatus == 1)
        #expect(second.output.contains("cannot listen on 127.0.0.1:\(first.port): the address is in use"))
        #expect(try await first.stop() == 0)
    }

    @Test func aSecondDaemonOnTheSameDatabaseSaysWhy() async throws {
        let first = try DaemonProcess()
        try first.start()
        try await first.waitUntilReady()
        let second = try DaemonProcess()
        let config = second.directory.appendingPathComponent("nudge.yml")
        let shared = first.directory.appendingPathComponent("var").path
        try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "data_dir: ./var", with: "data_dir: \(shared)")
            .write(to: config, atomically: true, encoding: .utf8)
        try second.start()
        try await second.waitUntilExit()
        #expect(second.process.terminationStatus == 1)
        #expect(
            second.output.contains(
                "another nudge (pid \(first.process.processIdentifier)) is running on the data directory \(shared)"))
        #expect(try await first.request("GET", "/readyz").status == 200)
        #expect(try await first.stop() == 0)
    }

    @Test func systemdIsToldWhenTheDaemonIsReadyAndWhenItStops() async throws {
        let socketPath = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
        let listener = try NotifySocket(path: socketPath)
        let daemon = try DaemonProcess()
        try daemon.start(environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "200000"])
        var received: [String] = []
        try await daemon.waitUntil(20, "READY=1 and a watchdog ping on the notify socket") {
            received += listener.drain()
            return received.contains { $0.contains("READY=1") } && received.contains("WATCHDOG=1")
        }
        #expect(try await daemon.request("GET", "/readyz").status == 200)
        #expect(try await daemon.stop() == 0)
        received += listener.drain()
        #expect(received.contains("STOPPING=1"))
    }

    @Test func tailFollowsEveryRowOnceInOrder() async throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        try await daemon.waitUntilReady()
        let follower = try daemon.startCommand(["tail", "-f", "--json"])
        // Each purchase of a phone leads to one decision row (suppressed or deferred, whatever the hour).
        let now = Date()
        for round in 0..<5 {
            for i in 0..<20 {
                try await daemon.request("PUT", "/v1/customers/t\(round)-\(i)", body: #"{"attributes": {"country": "VN"}}"#)
            }
            let body = (0..<20).map { i in
                let id = "t\(round)-\(i)"
                return #"{"id": "\#(id)", "type": "purchase", "customer_id": "\#(id)", "timestamp": "\#(LogTime.format(now - 22 * 86_400))", "properties": {"total": 100, "items": [{"sku": "P", "category": "phone", "price": 100}]}}"#
            }.joined(separator: "\n")
            #expect(try await daemon.request("POST", "/v1/events", body: body, contentType: "application/x-ndjson").status == 202)
        }
        func rows(_ text: String) -> [Int] {
            text.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["seq"] as? Int
            }
        }
        let expected = try await daemon.waitForLog(atLeast: 100)
        try await daemon.waitUntil(20, "tail -f to print every row") {
            let all = try daemon.command(["tail", "--json", "--lines", "100000"]).output
            return rows(follower.output).count >= rows(all).count && rows(all).count >= expected
        }
        let all = rows(try daemon.command(["tail", "--json", "--lines", "100000"]).output)
        #expect(rows(follower.output) == all)
        #expect(all == Array(1...all.count))
        follower.stop()
        #expect(try await daemon.stop() == 0)
    }
}

import Foundation
import NudgeCore
import NudgeTesting
import Testing

extension DaemonEndToEndTests {
    /// The first customer id `prefix-N` that the holdout of every campaign listed (id → holdout share) leaves in the
    /// treatment arm, so that what the test expects is a message and not a `holdout` suppression.
    func treated(_ prefix: String, campaigns: [String: Double]) -> String {
        (1...10_000).map { "\(prefix)-\($0)" }.first { id in
            campaigns.allSatisfy { Assignment.arm(campaign: $0.key, customerID: id, holdout: $0.value) == .treatment }
        }!
    }

    /// The first customer id `prefix-N` in the treatment arm of `campaign`.
    func treated(_ prefix: String, campaign: String, holdout: Double) -> String {
        treated(prefix, campaigns: [campaign: holdout])
    }

    /// One event as the API takes it.
    func event(_ id: String, _ type: String, customer: String, at date: Date, _ properties: String) -> String {
        #"{"id": "\#(id)", "type": "\#(type)", "customer_id": "\#(customer)", "timestamp": "\#(iso(date))", "properties": \#(properties)}"#
    }

    /// `GET /v1/customers/{id}`: profile, facts, stage history, enrollments, last dispatches.
    func customerDetail(_ daemon: DaemonProcess, _ customer: String) async throws -> [String: Any] {
        let reply = try await daemon.request("GET", "/v1/customers/\(customer)")
        #expect(reply.status == 200, "\(reply.text)")
        return try #require(reply.json as? [String: Any], "\(reply.text)")
    }

    /// The customer's stages in the order they entered them.
    func stageHistory(_ daemon: DaemonProcess, _ customer: String) async throws -> [String] {
        let history = try await customerDetail(daemon, customer)["stage_history"] as? [[String: Any]] ?? []
        return history.compactMap { $0["to"] as? String }
    }

    /// `status reason` of each dispatch log row of the customer, oldest first (`queued`, `suppressed unsubscribed`).
    func decisions(_ daemon: DaemonProcess, customer: String) throws -> [String] {
        try tail(daemon, customer: customer).map { row in
            [row["status"] as? String, row["reason"] as? String].compactMap { $0 }.joined(separator: " ")
        }
    }

    /// Waits until the customer's dispatch log has a row for `step` with `status` (and `reason`, when given).
    func waitForDecision(
        _ daemon: DaemonProcess, customer: String, step: String, _ status: String, reason: String? = nil
    ) async throws {
        try await daemon.waitUntil(20, "\(step) of \(customer) to be \(status)\(reason.map { " " + $0 } ?? "")") {
            try tail(daemon, customer: customer).contains {
                $0["step"] as? String == step && $0["status"] as? String == status
                    && (reason == nil || $0["reason"] as? String == reason)
            }
        }
    }

    /// The payloads the `file` transport wrote for `channel` (SMS and push are JSON).
    func payloads(_ daemon: DaemonProcess, _ channel: String) throws -> [[String: Any]] {
        try daemon.outbox(channel).map { file in
            try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        }
    }

    /// How `datetime(…)` shows an instant to a vi-VN customer in `zone` (`27/11/2026 10:00`).
    func vietnameseDateTime(_ date: Date, zone: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = "dd/MM/yyyy HH:mm"
        return formatter.string(from: date)
    }
}

extension DaemonProcess {
    /// The daemon's SQLite database.
    var databasePath: String { directory.appendingPathComponent("var/nudge.sqlite").path }

    /// Edits a file of the workspace's copy of the examples (`campaigns/win-back.yml`); `old` must occur in it, so
    /// a changed example fails the test instead of quietly making it test something else.
    func edit(_ relativePath: String, replacing old: String, with new: String) throws {
        let file = directory.appendingPathComponent(relativePath)
        let text = try String(contentsOf: file, encoding: .utf8)
        try #require(text.contains(old), "\(relativePath) no longer contains \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }

    /// Moves every time of the customer's latest enrollment in `campaign` (enrolled, triggered, next due) `interval`
    /// seconds into the past: for the daemon, which runs on the real clock, it is as if that much time had gone by
    /// since the trigger. Only while the daemon is stopped.
    func ageEnrollment(campaign: String, customer: String, by interval: TimeInterval) throws {
        precondition(!process.isRunning, "stop the daemon before changing its database")
        let database = try DatabaseFile(path: databasePath, writable: true)
        let changed = try database.execute(
            """
            UPDATE enrollments SET enrolled_at = enrolled_at - \(interval), triggered_at = triggered_at - \(interval),
                next_due_at = next_due_at - \(interval)
            WHERE id = (SELECT MAX(id) FROM enrollments WHERE campaign = '\(campaign)' AND customer_id = '\(customer)')
            """)
        try #require(changed == 1, "no enrollment of \(customer) in \(campaign)")
    }

    /// Stops the daemon (it must exit 0), makes `change` to its files while it is stopped, and starts it again on
    /// the same workspace.
    func restart(whileStopped change: () throws -> Void = {}) async throws {
        #expect(try await stop() == 0)
        try change()
        try start(environment: environment)
        try await waitUntilReady()
    }
}

/// An email as a mail client reads it: Python's email package (`Tests/Peers/parse_email.py`) decodes the headers
/// and the quoted-printable bodies, independently of nudge's encoder.
struct DecodedEmail {
    /// Headers in order, decoded.
    var headers: [(name: String, value: String)]
    var text: String?
    var html: String?
    /// What the parser found wrong with the document.
    var defects: [String]

    init(file: URL) async throws {
        let fields = try await Self.fields(ofFile: file)
        headers = (fields["headers"] as? [[String]] ?? []).compactMap {
            $0.count == 2 ? ($0[0], $0[1].trimmingCharacters(in: .whitespaces)) : nil
        }
        text = fields["text"] as? String
        html = fields["html"] as? String
        defects = fields["defects"] as? [String] ?? []
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The parser's JSON for the `.eml` file: `headers`, `text`, `html`, `defects`.
    static func fields(ofFile file: URL) async throws -> [String: Any] {
        let run = try await ChildProcess.run(
            "/usr/bin/python3", [PeerProcess.scripts.appendingPathComponent("parse_email.py").path, file.path])
        return try #require(
            try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "\(run.output)")
    }
}

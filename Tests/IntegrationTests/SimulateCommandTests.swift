import Foundation
import NudgeCore
import NudgeStore
import NudgeTesting
import Testing

/// `nudge simulate` as an operator uses it: deterministic output, one customer's schedule, events added from a
/// file, and clear errors.
@Suite(.timeLimit(.minutes(5)))
struct SimulateCommandTests {
    /// A workspace whose database holds a small generated shop as of `SimulationReplayTests.start`.
    func shop(customers: Int) async throws -> DaemonProcess {
        let workspace = try DaemonProcess(extraConfig: "timezone: Asia/Ho_Chi_Minh\n")
        let data = workspace.directory.appendingPathComponent("var")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let path = data.appendingPathComponent("nudge.sqlite").path
        let engine = try SimulationReplayTests.engine(workspace)
        try await onOwnThread {
            try SimulationDataset(customers: customers, seed: 7, now: SimulationReplayTests.start)
                .load(into: try SQLiteStore(path: path), engine: engine)
        }
        return workspace
    }

    var from: String { LogTime.format(SimulationReplayTests.start) }

    @Test func theSameDataGiveByteIdenticalOutputInBothFormats() async throws {
        let workspace = try await shop(customers: 400)
        defer { try? FileManager.default.removeItem(at: workspace.directory) }
        for format in ["table", "json"] {
            let arguments = ["simulate", "--from", from, "--days", "35", "--format", format, "--customer", "c3"]
            let first = try await workspace.run(arguments)
            let second = try await workspace.run(arguments)
            #expect(first.status == 0, "\(first.output)")
            #expect(first.output == second.output, "\(format) output differs between two runs")
        }
        let table = try await workspace.run(["simulate", "--from", "2026-11-23", "--days", "35"]).output
        #expect(table.hasPrefix("simulated 2026-11-23 00:00:00 → 2026-12-28 00:00:00 (Asia/Ho_Chi_Minh)"), "\(table)")
        for section in ["per campaign", "suppressed and deferred, by reason", "per day", "black-friday"] {
            #expect(table.contains(section), "\(section) missing from:\n\(table)")
        }
        #expect(table.contains("2026-11-27  black-friday"), "Black Friday's day is missing:\n\(table)")
    }

    @Test func aCustomersScheduleListsEveryDecisionForThem() async throws {
        let workspace = try await shop(customers: 400)
        defer { try? FileManager.default.removeItem(at: workspace.directory) }
        let run = try await workspace.run(["simulate", "--from", from, "--days", "35", "--format", "json", "--customer", "c3"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let schedule = try #require(document["schedule"] as? [[String: Any]], "\(run.output.prefix(500))")
        #expect(!schedule.isEmpty)
        let times = schedule.compactMap { ($0["at"] as? String).flatMap(LogTime.parse) }
        #expect(times.count == schedule.count)
        #expect(times == times.sorted())
        #expect(times.allSatisfy { $0 >= SimulationReplayTests.start && $0 <= SimulationReplayTests.start + 35 * 86_400 })
        #expect(schedule.contains { $0["campaign"] as? String == "black-friday" })
    }

    @Test func eventsFromAFileAreAddedToTheCopyOnly() async throws {
        let workspace = try DaemonProcess(extraConfig: "timezone: Asia/Ho_Chi_Minh\n")
        defer { try? FileManager.default.removeItem(at: workspace.directory) }
        let noDatabase = try await workspace.run(["simulate", "--from", from, "--days", "3"])
        #expect(noDatabase.status == 1)
        #expect(noDatabase.output.contains("nothing to simulate yet"), "\(noDatabase.output)")

        let usage = LogTime.format(SimulationReplayTests.start - 3_600)
        let events = workspace.directory.appendingPathComponent("events.ndjson")
        try """
        {"id": "p1", "type": "plan_changed", "customer_id": "new-1", "timestamp": "\(usage)", "properties": {"plan": "co-ban"}}
        {"id": "u1", "type": "plan_usage", "customer_id": "new-1", "timestamp": "\(usage)", "properties": {"metric": "orders", "used": 95, "limit": 100}}
        """.write(to: events, atomically: true, encoding: .utf8)
        let run = try await workspace.run(
            ["simulate", "--from", from, "--days", "3", "--customers", events.path, "--customer", "new-1"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("plan-limit-push"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: workspace.directory.appendingPathComponent("var/nudge.sqlite").path))
        let unknown = try await workspace.run(
            ["simulate", "--from", from, "--days", "3", "--customers", events.path, "--customer", "nobody"])
        #expect(unknown.status == 1)
        #expect(unknown.output.contains("no customer 'nobody' in the database or \(events.path)"), "\(unknown.output)")

        try #"{"id": "x", "type": "purchase", "customer_id": "new-2", "timestamp": "yesterday"}"#
            .write(to: events, atomically: true, encoding: .utf8)
        let bad = try await workspace.run(["simulate", "--days", "3", "--customers", events.path])
        #expect(bad.status == 1)
        #expect(bad.output.contains("events.ndjson: "), "\(bad.output)")
    }

    @Test func badOptionsAreExplained() async throws {
        let workspace = try DaemonProcess()
        defer { try? FileManager.default.removeItem(at: workspace.directory) }
        let from = try await workspace.run(["simulate", "--from", "next tuesday"])
        #expect(from.status == 2, "a usage error")
        #expect(from.output.contains("--from takes YYYY-MM-DD or an RFC 3339 time"), "\(from.output)")
        let days = try await workspace.run(["simulate", "--days", "0"])
        #expect(days.status == 2)
        #expect(days.output.contains("--days must be between 1 and 3660"), "\(days.output)")
    }
}

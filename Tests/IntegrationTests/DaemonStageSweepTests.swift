import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// A stage change that needs only time to pass, noticed by the running daemon without any new event.
@Suite(.serialized) struct DaemonStageSweepTests {
    @Test func aCustomerLapsesOnTimeAndWinBackEnrollsThem() async throws {
        let daemon = try DaemonProcess(extraConfig: "stage_sweep: 1h\n")
        try daemon.start()
        try await daemon.waitUntilReady()
        let scenario = DaemonEndToEndTests()
        let customer = "lapsing-1"
        #expect(
            try await daemon.request(
                "PUT", "/v1/customers/\(customer)", body: scenario.profile(name: "Lan", zone: "Asia/Ho_Chi_Minh")
            ).status == 200)
        // The last purchase is 90 days old in ten seconds: "lapsed" (since(...) > 90d) is then due.
        let purchase = scenario.purchase("o1", customer: customer, at: Date() - 90 * 86_400 + 10)
        #expect(try await daemon.request("POST", "/v1/events", body: purchase).status == 202)
        let before = try await daemon.request("GET", "/v1/customers/\(customer)")
        #expect((before.json as? [String: Any])?["stage"] as? String == "active", "\(before.text)")

        try await daemon.waitUntil(40, "the customer to lapse and enter win-back") {
            let detail = try await daemon.request("GET", "/v1/customers/\(customer)").json as? [String: Any]
            let enrollments = (detail?["enrollments"] as? [[String: Any]]) ?? []
            return detail?["stage"] as? String == "lapsed" && enrollments.contains { $0["campaign"] as? String == "win-back" }
        }
        let detail = try #require(try await daemon.request("GET", "/v1/customers/\(customer)").json as? [String: Any])
        let history = try #require(detail["stage_history"] as? [[String: Any]])
        #expect(history.compactMap { $0["to"] as? String }.suffix(2) == ["active", "lapsed"])
        #expect(try await daemon.stop() == 0)
    }
}

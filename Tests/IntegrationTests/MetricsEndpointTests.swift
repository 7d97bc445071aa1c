import Foundation
import NudgeCore
import Testing

/// `GET /metrics` on the real daemon: counters move as events arrive and a message goes out through the file
/// transport, and the text is Prometheus exposition.
@Suite struct MetricsEndpointTests {
    /// `name{labels} value`, the shape of every sample line.
    static var sampleLine: Regex<(Substring, Substring?, Substring?)> { #/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*",?)*\})? -?[0-9.e+Inf-]+$/# }

    /// Sample lines by `name{labels}`.
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return samples
    }

    @Test func countersMoveAsEventsArriveAndAMessageIsSent() async throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        try await daemon.waitUntilReady()

        let empty = try await daemon.request("GET", "/metrics", token: "not-the-token")
        #expect(empty.status == 200, "no bearer token is needed")
        #expect(Self.samples(empty.text)["nudge_events_ingested_total"] == 0, "\(empty.text)")

        // A customer where it is now afternoon, who bought a phone 22 days ago: the accessories email is due.
        let utcHour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour!
        var offset = ((14 - utcHour) % 24 + 24) % 24
        if offset > 12 { offset -= 24 }
        let zone = offset == 0 ? "Etc/GMT" : offset > 0 ? "Etc/GMT-\(offset)" : "Etc/GMT+\(-offset)"
        let customer = (1...10_000).map { "lan-\($0)" }.first {
            Assignment.arm(campaign: "phone-accessories", customerID: $0, holdout: 0.1) == .treatment
        }!
        try await daemon.request(
            "PUT", "/v1/products/CASE-01",
            body: #"{"name": "Ốp lưng", "category": "case", "price": 250000, "cost": 100000}"#)
        let profile = try await daemon.request(
            "PUT", "/v1/customers/\(customer)",
            body: #"{"email": "lan@example.vn", "timezone": "\#(zone)", "attributes": {"country": "VN", "name": "Lan"}}"#)
        #expect(profile.status == 200, "\(profile.text)")
        let bought = LogTime.format(Date() - 22 * 86_400)
        let events = [
            #"{"id": "o1", "type": "purchase", "customer_id": "\#(customer)", "timestamp": "\#(bought)", "properties": {"order_id": "o1", "total": 9990000, "items": [{"sku": "PHONE-X", "category": "phone", "price": 9990000}]}}"#,
            #"{"id": "v1", "type": "page_view", "customer_id": "\#(customer)", "properties": {"path": "/"}}"#,
            #"{"id": "v1", "type": "page_view", "customer_id": "\#(customer)", "properties": {"path": "/"}}"#,
        ].joined(separator: "\n")
        let posted = try await daemon.request("POST", "/v1/events", body: events, contentType: "application/x-ndjson")
        #expect(posted.status == 202, "\(posted.text)")
        try await daemon.waitUntil(20, "the accessories email") { !daemon.outbox("email").isEmpty }

        var text = ""
        try await daemon.waitUntil(20, "the sent message in /metrics") {
            text = try await daemon.request("GET", "/metrics").text
            return Self.samples(text)[#"nudge_messages_total{channel="email",status="sent"}"#] == 1
        }
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.wholeMatch(of: Self.sampleLine) != nil, "not a sample line: \(line)")
        }
        let samples = Self.samples(text)
        #expect(samples["nudge_events_ingested_total"] == 2, "a duplicate is not counted:\n\(text)")
        #expect(samples[#"nudge_messages_total{channel="email",status="queued"}"#] == 1, "\(text)")
        #expect(samples[#"nudge_send_latency_seconds_count{channel="email"}"#] == 1, "\(text)")
        #expect(samples[#"nudge_queue_depth{channel="email"}"#] == 0, "\(text)")
        #expect((samples["nudge_database_bytes"] ?? 0) > 0, "\(text)")
        #expect(text.contains("# TYPE nudge_send_latency_seconds histogram"))

        // A delivery receipt is a dispatch too.
        let key = OutboxMessage.key(
            campaign: "phone-accessories", step: "accessories-email", customerID: customer, enrollment: 1)
        let receipt = try await daemon.request(
            "POST", "/v1/receipts/email", body: #"{"key": "\#(key)", "status": "delivered"}"#)
        #expect(receipt.text.contains("recorded"), "\(receipt.text)")
        let delivered = Self.samples(try await daemon.request("GET", "/metrics").text)
        #expect(delivered[#"nudge_messages_total{channel="email",status="delivered"}"#] == 1, "\(delivered)")
        #expect(try await daemon.stop() == 0)
    }
}

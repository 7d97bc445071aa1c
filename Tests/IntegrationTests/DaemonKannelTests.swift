import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// The real binary sending SMS through its `kannel` transport to a real Kannel with a fake SMS centre, and
/// Kannel's delivery reports coming back to `/v1/receipts/sms`.
@Suite(.serialized) struct DaemonKannelTests {
    @Test func anUpgradeOfferReachesThePhoneAndItsDeliveryReportIsLogged() async throws {
        try await PeerProcess.with(.kannel) { kannel in
            let daemon = try DaemonProcess(
                extraConfig: """
                    default_consent: {email: true, sms: true, push: false}
                    channels:
                      sms:
                        transport: kannel
                        url: http://127.0.0.1:\(kannel.port)/cgi-bin/sendsms
                        username: tester
                        password: ${KANNEL_PASSWORD}
                        from: SHOP
                        timeout: 10s

                    """)
            try daemon.start(environment: ["KANNEL_PASSWORD": "foobar"])
            try await daemon.waitUntilReady()
            #expect(!daemon.output.contains("foobar"))

            let scenario = DaemonEndToEndTests()
            let day = scenario.zone(whereItIsNow: 14)
            let customer = try #require(
                (1...10_000).map { "sms-\($0)" }.first {
                    Assignment.arm(campaign: "plan-upgrade-sms", customerID: $0, holdout: 0.1) == .treatment
                })
            let profile = #"{"phone": "+84901234567", "timezone": "\#(day)", "attributes": {"name": "Lan"}}"#
            let saved = try await daemon.request("PUT", "/v1/customers/\(customer)", body: profile)
            #expect(saved.status == 200, "\(saved.text)")
            let now = scenario.now
            let events = [
                #"{"id": "p1", "type": "plan_changed", "customer_id": "\#(customer)", "timestamp": "\#(scenario.iso(now - 86_400))", "properties": {"plan": "co-ban"}}"#,
                #"{"id": "u1", "type": "plan_usage", "customer_id": "\#(customer)", "timestamp": "\#(scenario.iso(now))", "properties": {"metric": "orders", "used": 85, "limit": 100}}"#,
            ].joined(separator: "\n")
            let ingest = try await daemon.request("POST", "/v1/events", body: events, contentType: "application/x-ndjson")
            #expect(ingest.status == 202, "\(ingest.text)")

            // Kannel accepts, the fake SMS centre delivers, and Kannel calls back with report 8, then 1. (`nudge
            // tail` reads the same configuration without KANNEL_PASSWORD set: it needs only the data folder.)
            try await daemon.waitUntil(30, "the SMS sent and then delivered") {
                let statuses = try scenario.tail(daemon, customer: customer).compactMap { $0["status"] as? String }
                return statuses.contains("sent") && statuses.contains("delivered")
            }
            let rows = try scenario.tail(daemon, customer: customer)
            let sent = try #require(rows.first { $0["status"] as? String == "sent" })
            #expect(sent["provider_id"] as? String == "0: Accepted for delivery")
            let key = try #require(sent["message_key"] as? String)
            let delivered = rows.filter { $0["status"] as? String == "delivered" }
            #expect(delivered.count == 1)
            #expect(delivered.first?["message_key"] as? String == key)

            let sms = try #require(
                try await kannel.command("messages").split(separator: "\n").compactMap {
                    try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }.first)
            let text = try #require(sms["text"] as? String)
            #expect(text.hasPrefix("Bạn đã dùng gần hết gói Cơ bản. Nâng cấp lên gói Chuyên nghiệp, giảm 20% với mã NANGCAP20"))
            #expect(sms["coding"] as? String == "ucs2")

            // A second report for the same message changes nothing; a forged one is refused.
            let signature = ReceiptSignature.sign(key: key, channel: .sms, secret: daemon.token)
            let encodedKey = PercentEncoding.encode(key)
            let again = try await daemon.request(
                "GET", "/v1/receipts/sms?key=\(encodedKey)&sig=\(signature)&status=1&answer=", token: "")
            #expect(again.status == 200 && again.text.contains("already_recorded"), "\(again.text)")
            let forged = try await daemon.request(
                "GET", "/v1/receipts/sms?key=\(encodedKey)&sig=\(String(repeating: "0", count: 32))&status=2", token: "")
            #expect(forged.status == 401, "\(forged.text)")
            let otherChannel = try await daemon.request(
                "GET", "/v1/receipts/push?key=\(encodedKey)&sig=\(signature)&status=1", token: "")
            #expect(otherChannel.status == 401, "\(otherChannel.text)")
            #expect(try scenario.tail(daemon, customer: customer).filter { $0["status"] as? String == "delivered" }.count == 1)

            #expect(try await daemon.stop() == 0)
        }
    }

    @Test func gatewaysReportWithTheBearerTokenInJSON() async throws {
        let daemon = try DaemonProcess(extraConfig: "default_consent: {email: true, sms: true, push: false}\n")
        try daemon.start()
        try await daemon.waitUntilReady()
        let scenario = DaemonEndToEndTests()
        let customer = try #require(
            (1...10_000).map { "json-\($0)" }.first {
                Assignment.arm(campaign: "plan-upgrade-sms", customerID: $0, holdout: 0.1) == .treatment
            })
        let profile = #"{"phone": "+84907654321", "timezone": "\#(scenario.zone(whereItIsNow: 14))"}"#
        #expect(try await daemon.request("PUT", "/v1/customers/\(customer)", body: profile).status == 200)
        let events = [
            #"{"id": "p1", "type": "plan_changed", "customer_id": "\#(customer)", "timestamp": "\#(scenario.iso(scenario.now - 60))", "properties": {"plan": "co-ban"}}"#,
            #"{"id": "u1", "type": "plan_usage", "customer_id": "\#(customer)", "timestamp": "\#(scenario.iso(scenario.now))", "properties": {"metric": "orders", "used": 9, "limit": 10}}"#,
        ].joined(separator: "\n")
        #expect(try await daemon.request("POST", "/v1/events", body: events, contentType: "application/x-ndjson").status == 202)
        try await daemon.waitUntil(20, "the SMS written by the file transport") {
            try scenario.tail(daemon, customer: customer).contains { $0["status"] as? String == "sent" }
        }
        let key = try #require(
            try scenario.tail(daemon, customer: customer).first { $0["status"] as? String == "sent" }?["message_key"]
                as? String)

        let unauthenticated = try await daemon.request(
            "POST", "/v1/receipts/sms", body: #"{"key": "\#(key)", "status": "delivered"}"#, token: "")
        #expect(unauthenticated.status == 401)
        let invalid = try await daemon.request(
            "POST", "/v1/receipts/sms", body: #"[{"key": "\#(key)", "status": "arrived"}]"#)
        #expect(invalid.status == 400 && invalid.text.contains("unknown status"), "\(invalid.text)")
        let unknown = try await daemon.request("POST", "/v1/receipts/sms", body: #"{"key": "nope", "status": "delivered"}"#)
        #expect(unknown.status == 404, "\(unknown.text)")
        let wrongChannel = try await daemon.request(
            "POST", "/v1/receipts/email", body: #"{"key": "\#(key)", "status": "delivered"}"#)
        #expect(wrongChannel.status == 404, "\(wrongChannel.text)")

        let batch = try await daemon.request(
            "POST", "/v1/receipts/sms",
            body: #"[{"key": "\#(key)", "status": "undelivered", "reason": "máy tắt"}, {"key": "nope", "status": "delivered"}]"#)
        #expect(batch.status == 200, "\(batch.text)")
        #expect(batch.text.contains(#""result":"recorded""#) && batch.text.contains(#""result":"unknown_message""#))
        let failed = try #require(
            try scenario.tail(daemon, customer: customer).last { $0["status"] as? String == "failed" })
        #expect(failed["reason"] as? String == "undelivered")
        #expect(failed["error"] as? String == "the gateway reported the message undelivered: máy tắt")
        #expect(try await daemon.stop() == 0)
    }
}

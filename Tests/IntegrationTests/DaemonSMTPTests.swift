import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// The real binary delivering email through its `smtp` transport to a real SMTP server (aiosmtpd with STARTTLS
/// and AUTH): what the server receives, and what the dispatch log says about accepted and refused mail.
@Suite(.serialized) struct DaemonSMTPTests {
    @Test func emailGoesOutOverSMTPAndEveryOutcomeIsLogged() async throws {
        try await PeerProcess.with(
            .aiosmtpd, flags: ["--tls", "--require-starttls", "--auth", "shop:s3cret", "--auth-required"]
        ) { peer in
            let daemon = try DaemonProcess(
                extraConfig: """
                    channels:
                      email:
                        transport: smtp
                        url: smtp://127.0.0.1:\(peer.port)
                        starttls: required
                        username: shop
                        password: s3cret
                        from: "Cửa hàng Ví Dụ <shop@example.vn>"
                        tls_verify: false
                        timeout: 10s

                    """)
            try daemon.start()
            try await daemon.waitUntilReady()
            #expect(daemon.output.contains("TLS CERTIFICATES ARE NOT VERIFIED for channel 'email'"))
            #expect(!daemon.output.contains("s3cret"))

            let product = try await daemon.request(
                "PUT", "/v1/products/CASE-01",
                body: #"{"name": "Ốp lưng", "category": "case", "price": 250000, "cost": 100000}"#)
            #expect(product.status == 200, "\(product.text)")
            let scenario = DaemonEndToEndTests()
            let day = scenario.zone(whereItIsNow: 14)
            let customers = (1...10_000).map { "smtp-\($0)" }.filter {
                Assignment.arm(campaign: "phone-accessories", customerID: $0, holdout: 0.1) == .treatment
            }
            let (lan, refused) = (customers[0], customers[1])
            for (id, email) in [(lan, "lan@example.vn"), (refused, "fail-550@example.vn")] {
                let profile =
                    #"{"email": "\#(email)", "timezone": "\#(day)", "attributes": {"country": "VN", "name": "Lan"}}"#
                let reply = try await daemon.request("PUT", "/v1/customers/\(id)", body: profile)
                #expect(reply.status == 200, "\(reply.text)")
            }
            let events = [
                scenario.purchase("s1", customer: lan, at: scenario.now - 22 * 86_400),
                scenario.purchase("s2", customer: refused, at: scenario.now - 22 * 86_400),
            ].joined(separator: "\n")
            let ingest = try await daemon.request(
                "POST", "/v1/events", body: events, contentType: "application/x-ndjson")
            #expect(ingest.status == 202, "\(ingest.text)")

            try await daemon.waitUntil(20, "both outcomes in the dispatch log") {
                try scenario.tail(daemon, customer: lan).contains { $0["status"] as? String == "sent" }
                    && scenario.tail(daemon, customer: refused).contains { $0["status"] as? String == "failed" }
            }
            let sent = try #require(try scenario.tail(daemon, customer: lan).last)
            let key = try #require(sent["message_key"] as? String)
            #expect(sent["provider_id"] as? String == EmailDocument.messageID(forKey: key))
            let failed = try #require(try scenario.tail(daemon, customer: refused).last)
            #expect((failed["error"] as? String)?.hasPrefix("SMTP 550: 5.1.1 <fail-550@example.vn>") == true)

            let records = peer.files(in: "mail").filter { $0.hasSuffix(".json") }
            #expect(records.count == 1)
            let record = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: peer.file("mail/000001.json")))
                    as? [String: Any])
            #expect(record["tls"] as? Bool == true)
            #expect(record["auth_user"] as? String == "shop")
            #expect(record["rcpt_tos"] as? [String] == ["lan@example.vn"])
            #expect(record["message_id"] as? String == EmailDocument.messageID(forKey: key))
            #expect(record["from"] as? String == "Cửa hàng Ví Dụ <shop@example.vn>")
            let eml = try String(contentsOf: peer.file("mail/000001.eml"), encoding: .utf8)
            #expect(eml.contains("\r\nX-Nudge-Key: \(key)\r\n"))

            #expect(try await daemon.stop() == 0)
            // Journald gets one whole line per outcome, as the dispatch log has it (SPEC §13).
            let lines = daemon.output.split(separator: "\n")
            for entry in [sent, failed] {
                let seq = try #require(entry["seq"] as? Int)
                let status = try #require(entry["status"] as? String)
                let logged = lines.filter { $0.contains(" msg=dispatch ") && $0.contains(" seq=\(seq) ") }
                #expect(logged.count == 1, "\(logged)")
                #expect(logged.first?.hasPrefix("at=") == true && logged.first?.contains(" status=\(status) ") == true)
            }
        }
    }
}

/// A reload applies a channel's new settings to the messages sent after it.
@Suite(.serialized) struct DaemonTransportReloadTests {
    @Test func aReloadAppliesTheNewSMTPPassword() async throws {
        try await PeerProcess.with(.aiosmtpd, flags: ["--auth", "shop:s3cret", "--auth-required"]) { peer in
            let daemon = try DaemonProcess(
                extraConfig: """
                    retry: {max_attempts: 20, first: 1s, max: 1s}
                    channels:
                      email:
                        transport: smtp
                        url: smtp://127.0.0.1:\(peer.port)
                        starttls: off
                        username: shop
                        password: wrong-password
                        from: "Shop <shop@example.vn>"
                        timeout: 10s

                    """)
            try daemon.start()
            try await daemon.waitUntilReady()
            let scenario = DaemonEndToEndTests()
            let customer = try await scenario.customerDueForAccessoriesEmail(daemon, prefix: "reload")
            try await daemon.waitUntil(20, "a refused login to be retried") {
                try scenario.tail(daemon, customer: customer).contains { $0["status"] as? String == "retrying" }
            }
            #expect(!peer.files(in: "mail").contains { $0.hasSuffix(".eml") })

            let file = daemon.directory.appendingPathComponent("nudge.yml")
            let config = try String(contentsOf: file, encoding: .utf8)
            try config.replacingOccurrences(of: "wrong-password", with: "s3cret")
                .write(to: file, atomically: true, encoding: .utf8)
            daemon.signal(SIGHUP)
            try await daemon.waitUntil(20, "the email sent with the new password") {
                try scenario.tail(daemon, customer: customer).contains { $0["status"] as? String == "sent" }
            }
            #expect(peer.files(in: "mail").filter { $0.hasSuffix(".eml") }.count == 1)
            #expect(!daemon.output.contains("after a restart"), "\(daemon.output)")
            #expect(try await daemon.stop() == 0)
        }
    }
}

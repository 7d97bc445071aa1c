import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// `nudge send-test` through the real binary and real gateways: one message, sent once, logged as a test.
@Suite(.serialized) struct SendTestCommandTests {
    @Test func oneEmailGoesOutThroughTheConfiguredSMTPServer() async throws {
        try await PeerProcess.with(.aiosmtpd, flags: ["--tls", "--require-starttls", "--auth", "shop:s3cret"]) { peer in
            let workspace = try DaemonProcess(
                extraConfig: """
                    channels:
                      email:
                        transport: smtp
                        url: smtp://127.0.0.1:\(peer.port)
                        starttls: required
                        username: shop
                        password: ${SMTP_PASSWORD}
                        from: "Cửa hàng <shop@example.vn>"
                        tls_verify: false

                    """)
            let run = try workspace.command(
                ["send-test", "phone-accessories", "--step", "accessories-email", "--to", "lan@example.vn"],
                environment: ["SMTP_PASSWORD": "s3cret"])
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("sent email to lan@example.vn"), "\(run.output)")
            #expect(!run.output.contains("s3cret"))

            let records = peer.files(in: "mail").filter { $0.hasSuffix(".json") }
            #expect(records.count == 1)
            let record = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: peer.file("mail/000001.json")))
                    as? [String: Any])
            #expect(record["rcpt_tos"] as? [String] == ["lan@example.vn"])
            #expect(record["tls"] as? Bool == true)

            let log = try workspace.command(["tail", "--json"]).output.split(separator: "\n")
            #expect(log.count == 1)
            let row = try #require(try JSONSerialization.jsonObject(with: Data(log[0].utf8)) as? [String: Any])
            #expect(row["status"] as? String == "sent")
            #expect(row["reason"] as? String == "test")
            #expect(row["customer_id"] as? String == "send-test")
            #expect((row["message_key"] as? String)?.hasPrefix("test/phone-accessories/accessories-email/") == true)
            #expect(record["message_id"] as? String == EmailDocument.messageID(forKey: row["message_key"] as! String))
        }
    }

    @Test func aRefusalIsReportedAndLogged() throws {
        let closed = try FreePort.find()
        let workspace = try DaemonProcess(
            extraConfig: """
                channels:
                  sms: {transport: kannel, url: "http://127.0.0.1:\(closed)/cgi-bin/sendsms", timeout: 5s}

                """)
        let refused = try workspace.command(
            ["send-test", "plan-upgrade-sms", "--step", "upgrade-offer", "--to", "+84901234567"])
        #expect(refused.status == 1)
        #expect(refused.output.contains("nudge send-test: not sent: kannel: connection failed"), "\(refused.output)")
        let row = try #require(
            try JSONSerialization.jsonObject(
                with: Data(try workspace.command(["tail", "--json"]).output.split(separator: "\n")[0].utf8))
                as? [String: Any])
        #expect(row["status"] as? String == "failed" && row["reason"] as? String == "test")

        let badAddress = try workspace.command(
            ["send-test", "phone-accessories", "--step", "accessories-email", "--to", "not-an-address"])
        #expect(badAddress.status == 1 && badAddress.output.contains("--to "), "\(badAddress.output)")
    }
}

import Foundation
import NudgeCore
import NudgeDelivery
import NudgeTesting
import Testing

/// The `smtp` transport against aiosmtpd, a real SMTP server that keeps every message it accepts.
@Suite("SMTP transport", .timeLimit(.minutes(1)))
struct SMTPTransportTests {
    @Test func vietnameseEmailArrivesIntactOverSTARTTLSWithAUTH() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(
            .aiosmtpd, flags: ["--tls", "--require-starttls", "--auth", "user:secret", "--auth-required"]
        ) { peer in
            let transport = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer, startTLS: .required, username: "user", password: "secret"),
                timeout: 10, concurrency: 4, loop: loop)
            let message = SMTPFixtures.message()
            let result = await transport.deliver(message, now: SMTPFixtures.now)
            guard case .sent = result else {
                Issue.record("not sent: \(result)")
                return
            }

            try await Polling.until(5, "the sink to save the message") { !SMTPFixtures.aiosmtpdMessages(peer).isEmpty }
            let record = try SMTPFixtures.aiosmtpdRecord(peer, "000001.json")
            #expect(record["tls"] as? Bool == true)
            #expect(record["auth_user"] as? String == "user")
            #expect(record["mail_from"] as? String == "shop@example.vn")
            #expect(record["rcpt_tos"] as? [String] == ["lan@example.vn"])

            let email = try await SMTPFixtures.parse(peer.file("mail/000001.eml"))
            #expect(email.defects.isEmpty)
            #expect(email.value("Subject") == SMTPFixtures.subject)
            #expect(email.value("From") == "Cửa hàng Điện thoại Sài Gòn <shop@example.vn>")
            #expect(email.value("To") == "Nguyễn Thị Lan <lan@example.vn>")
            #expect(email.value("Message-ID") == EmailDocument.messageID(forKey: message.key))
            #expect(email.value("List-Unsubscribe") == "<\(SMTPFixtures.unsubscribeURL)>")
            #expect(email.value("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
            #expect(email.text?.trimmingCharacters(in: .newlines) == SMTPFixtures.text)
            #expect(email.html?.trimmingCharacters(in: .newlines) == SMTPFixtures.html)
            #expect(result == .sent(providerID: EmailDocument.messageID(forKey: message.key)))
        }
        await loop.shutdown()
    }

    @Test func implicitTLSWorksAndAnUntrustedCertificateIsATLSFailure() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.aiosmtpd, flags: ["--tls", "--implicit-tls"]) { peer in
            let trusted = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer, scheme: "smtps"), timeout: 10, concurrency: 1, loop: loop)
            #expect(await trusted.deliver(SMTPFixtures.message(), now: SMTPFixtures.now).failure == nil)

            var settings = SMTPFixtures.settings(peer, scheme: "smtps")
            settings.tls = TLSSettings(caFile: nil, verify: true)
            let untrusted = SMTPMessageTransport(settings: settings, timeout: 10, concurrency: 1, loop: loop)
            let failure = try #require(await untrusted.deliver(SMTPFixtures.message(), now: SMTPFixtures.now).failure)
            #expect(!failure.permanent)
            #expect(failure.error.hasPrefix("TLS failed: "), "\(failure.error)")

            settings.tls = TLSSettings(caFile: nil, verify: false)
            let unchecked = SMTPMessageTransport(settings: settings, timeout: 10, concurrency: 1, loop: loop)
            #expect(await unchecked.deliver(SMTPFixtures.message(), now: SMTPFixtures.now).failure == nil)
            try await Polling.until(5, "two saved messages") { SMTPFixtures.aiosmtpdMessages(peer).count == 2 }
        }
        await loop.shutdown()
    }

    @Test func requiredSTARTTLSAgainstAServerWithoutTLSFailsClearly() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.aiosmtpd) { peer in
            let required = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer, startTLS: .required), timeout: 10, concurrency: 1, loop: loop)
            let failure = try #require(await required.deliver(SMTPFixtures.message(), now: SMTPFixtures.now).failure)
            #expect(!failure.permanent)
            #expect(failure.error.hasPrefix("TLS failed: "), "\(failure.error)")
            #expect(failure.error.contains("STARTTLS"), "\(failure.error)")
            #expect(SMTPFixtures.aiosmtpdMessages(peer).isEmpty)

            // `optional` goes on in plain text with the same server.
            let optional = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer, startTLS: .optional), timeout: 10, concurrency: 1, loop: loop)
            #expect(await optional.deliver(SMTPFixtures.message(), now: SMTPFixtures.now).failure == nil)
            try await Polling.until(5, "the saved message") { SMTPFixtures.aiosmtpdMessages(peer).count == 1 }
            #expect(try SMTPFixtures.aiosmtpdRecord(peer, "000001.json")["tls"] as? Bool == false)
        }
        await loop.shutdown()
    }

    @Test func aWrongPasswordIsRetriedAndSaysWhy() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.aiosmtpd, flags: ["--auth", "user:secret", "--auth-required"]) { peer in
            let transport = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer, username: "user", password: "wrong"), timeout: 10,
                concurrency: 1, loop: loop)
            let failure = try #require(await transport.deliver(SMTPFixtures.message(), now: SMTPFixtures.now).failure)
            #expect(!failure.permanent)
            #expect(failure.error.contains("authentication refused (SMTP 535"), "\(failure.error)")
            #expect(SMTPFixtures.aiosmtpdMessages(peer).isEmpty)
        }
        await loop.shutdown()
    }

    @Test func recipientRefusalsFromTheServer() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.aiosmtpd) { peer in
            let transport = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer), timeout: 10, concurrency: 1, loop: loop)
            func deliver(to address: String) async -> DeliveryResult {
                await transport.deliver(
                    SMTPFixtures.message(recipient: Recipient(addresses: [address])), now: SMTPFixtures.now)
            }
            let hard = try #require(await deliver(to: "fail-550@example.vn").failure)
            #expect(hard.permanent)
            #expect(hard.error.hasPrefix("SMTP 550: 5.1.1 <fail-550@example.vn>"), "\(hard.error)")
            let soft = try #require(await deliver(to: "fail-451@example.vn").failure)
            #expect(!soft.permanent)
            #expect(soft.error.hasPrefix("SMTP 451: "), "\(soft.error)")
            let dropped = try #require(await deliver(to: "drop@example.vn").failure)
            #expect(!dropped.permanent, "\(dropped.error)")
            // The connection the server dropped is not reused: the next message goes through.
            #expect(await deliver(to: "lan@example.vn").failure == nil)
            let noAddress = try #require(
                await transport.deliver(
                    SMTPFixtures.message(recipient: Recipient(addresses: [" \r\n"])), now: SMTPFixtures.now
                ).failure)
            #expect(noAddress.permanent)
            try await Polling.until(5, "the saved message") { SMTPFixtures.aiosmtpdMessages(peer).count == 1 }
        }
        await loop.shutdown()
    }

    @Test func lineBreaksInCustomerValuesInjectNoHeaderAndNoRecipient() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.aiosmtpd) { peer in
            let transport = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer), timeout: 10, concurrency: 1, loop: loop)
            let message = SMTPFixtures.message(
                recipient: Recipient(
                    addresses: ["lan@example.vn"], name: "Lan\r\nBcc: evil@example.com\r\nX-Injected: name"),
                subject: "Chào Lan\r\nBcc: evil@example.com\nX-Injected: subject\r\n\r\nbody?")
            #expect(await transport.deliver(message, now: SMTPFixtures.now).failure == nil)
            // An address with a line break cannot smuggle an SMTP command either.
            let smuggler = SMTPFixtures.message(
                key: "phone-accessories/accessories-email/lan/2",
                recipient: Recipient(addresses: ["lan@example.vn>\r\nRCPT TO:<evil@example.com"]))
            _ = await transport.deliver(smuggler, now: SMTPFixtures.now)

            try await Polling.until(5, "the saved message") { !SMTPFixtures.aiosmtpdMessages(peer).isEmpty }
            for name in SMTPFixtures.aiosmtpdMessages(peer) {
                let recipients = try SMTPFixtures.aiosmtpdRecord(peer, name)["rcpt_tos"] as? [String] ?? []
                #expect(!recipients.contains("evil@example.com"), "\(recipients)")
            }
            let email = try await SMTPFixtures.parse(peer.file("mail/000001.eml"))
            let names = email.headers.map { $0.name.lowercased() }
            #expect(!names.contains("bcc") && !names.contains("x-injected"), "\(names)")
            #expect(email.value("Subject") == "Chào Lan Bcc: evil@example.com X-Injected: subject body?")
            #expect(email.text?.trimmingCharacters(in: .newlines) == SMTPFixtures.text)
            let rejects = (try? String(contentsOf: peer.file("mail/rejects.jsonl"), encoding: .utf8)) ?? ""
            #expect(!rejects.contains("\"evil@example.com\""), "\(rejects)")
        }
        await loop.shutdown()
    }
}

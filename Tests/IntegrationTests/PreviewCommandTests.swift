import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// `nudge preview` through the real binary: the message on standard output exactly as the transport would send
/// it, the facts about it on standard error.
@Suite(.serialized) struct PreviewCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `nudge ARGUMENTS --config …` in the daemon's workspace with separate output streams.
    func nudge(_ daemon: DaemonProcess, _ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = DaemonProcess.binary
        process.arguments = arguments + ["--config", daemon.directory.appendingPathComponent("nudge.yml").path]
        process.currentDirectoryURL = daemon.directory
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        let out = daemon.directory.appendingPathComponent("preview-\(UUID().uuidString).out")
        let err = daemon.directory.appendingPathComponent("preview-\(UUID().uuidString).err")
        for file in [out, err] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
            stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// Headers and bodies of an email as Python's mail parser reads them.
    func parse(_ eml: String, in folder: URL) async throws -> [String: Any] {
        let file = folder.appendingPathComponent("parsed-\(UUID().uuidString).eml")
        try eml.write(to: file, atomically: true, encoding: .utf8)
        return try await DecodedEmail.fields(ofFile: file)
    }

    @Test func sampleMessagesOfEveryChannel() async throws {
        let daemon = try DaemonProcess()
        let email = try nudge(daemon, ["preview", "phone-accessories", "--step", "accessories-email", "--sample"])
        #expect(email.status == 0, "\(email.stderr)")
        #expect(email.stdout.hasPrefix("From: \"nudge\" <nudge@localhost>\r\n"))
        let parsed = try await parse(email.stdout, in: daemon.directory)
        #expect((parsed["defects"] as? [String])?.isEmpty == true)
        let headers = try #require(parsed["headers"] as? [[String]])
        #expect(headers.contains { $0[0] == "To" && $0[1] == "Lan <lan.nguyen@example.vn>" })
        #expect(headers.contains { $0[0] == "List-Unsubscribe-Post" })
        #expect((parsed["text"] as? String)?.contains("Chào Lan") == true)
        #expect(email.stderr.contains("# phone-accessories/accessories-email["))
        #expect(email.stderr.contains("# sample customer and trigger event"))

        let variantB = try nudge(
            daemon, ["preview", "phone-accessories", "--step", "accessories-email", "--sample", "--variant", "b"])
        #expect(variantB.status == 0 && variantB.stderr.contains("accessories-email[b]"), "\(variantB.stderr)")

        let sms = try nudge(daemon, ["preview", "plan-upgrade-sms", "--step", "upgrade-offer", "--sample"])
        #expect(sms.status == 0, "\(sms.stderr)")
        #expect(sms.stdout.hasPrefix("Bạn đã dùng gần hết gói Cơ bản."))
        #expect(sms.stderr.contains("# encoding: UCS-2"))
        #expect(sms.stderr.contains("# parts: \(SMSText(String(sms.stdout.dropLast())).parts)"))

        let push = try nudge(daemon, ["preview", "plan-limit-push", "--step", "limit-push", "--sample"])
        #expect(push.status == 0, "\(push.stderr)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(push.stdout.utf8)) as? [String: Any])
        #expect(body["to"] as? [String] == ["sample-push-token"])
        #expect(body["channel"] as? String == "push")
    }

    @Test func anHTTPChannelShowsTheBodyItsTemplateMakes() throws {
        let daemon = try DaemonProcess(
            extraConfig: """
                channels:
                  push: {transport: http, url: "http://127.0.0.1:9/send", body: push-body.json.mustache}

                """)
        let push = try nudge(daemon, ["preview", "plan-limit-push", "--step", "limit-push", "--sample"])
        #expect(push.status == 0, "\(push.stderr)")
        #expect(push.stderr.contains("# POST http://127.0.0.1:9/send with body template push-body.json.mustache"))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(push.stdout.utf8)) as? [String: Any])
        #expect(body["tokens"] as? [String] == ["sample-push-token"])
        let notification = try #require(body["notification"] as? [String: Any])
        #expect(notification["title"] as? String == "Sắp đạt giới hạn gói của bạn")
    }

    @Test func mistakesAreExplained() throws {
        let daemon = try DaemonProcess()
        let unknown = try nudge(daemon, ["preview", "spring", "--step", "s1", "--sample"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no campaign 'spring'; loaded: black-friday"))
        let step = try nudge(daemon, ["preview", "phone-accessories", "--step", "s1", "--sample"])
        #expect(step.status == 1 && step.stderr.contains("its steps: accessories-email, reminder-sms"))
        let variant = try nudge(
            daemon, ["preview", "phone-accessories", "--step", "accessories-email", "--sample", "--variant", "z"])
        #expect(variant.status == 1 && variant.stderr.contains("its variants: a, b"))
        let neither = try nudge(daemon, ["preview", "phone-accessories", "--step", "accessories-email"])
        #expect(neither.status == 2 && neither.stderr.contains("give either --customer ID or --sample"))
        let noDatabase = try nudge(
            daemon, ["preview", "phone-accessories", "--step", "accessories-email", "--customer", "lan"])
        #expect(noDatabase.status == 1 && noDatabase.stderr.contains("cannot read the database"))
    }

    @Test func aCustomersPreviewIsWhatTheDaemonSent() async throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        try await daemon.waitUntilReady()
        let scenario = DaemonEndToEndTests()
        let customer = try await scenario.customerDueForAccessoriesEmail(daemon, prefix: "preview")
        try await daemon.waitUntil(20, "the accessories email") { !daemon.outbox("email").isEmpty }
        let sent = try await parse(
            try String(contentsOf: try #require(daemon.outbox("email").first), encoding: .utf8), in: daemon.directory)

        let preview = try nudge(
            daemon, ["preview", "phone-accessories", "--step", "accessories-email", "--customer", customer])
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stderr.contains("# enrollment: #1, treatment, active"), "\(preview.stderr)")
        #expect(preview.stderr.contains("# decision now: "), "\(preview.stderr)")
        #expect(!preview.stderr.contains("placeholders"))
        let previewed = try await parse(preview.stdout, in: daemon.directory)
        func header(_ name: String, _ email: [String: Any]) -> String? {
            (email["headers"] as? [[String]])?.first { $0[0] == name }?[1]
        }
        for name in ["Subject", "To", "X-Nudge-Key", "Message-ID", "List-Unsubscribe"] {
            #expect(header(name, previewed) != nil && header(name, previewed) == header(name, sent), "\(name)")
        }
        #expect(previewed["text"] as? String == sent["text"] as? String)

        let stranger = try nudge(daemon, ["preview", "phone-accessories", "--step", "accessories-email", "--customer", "nobody"])
        #expect(stranger.status == 1 && stranger.stderr.contains("no customer 'nobody'"))
        #expect(try await daemon.stop() == 0)
    }
}

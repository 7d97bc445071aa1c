import Foundation
import NudgeCore
import NudgeDelivery
import NudgeTesting
import Testing

/// How the `smtp` transport classifies a server's refusals, dropped connections and silence, against Postfix's
/// `smtp-sink` with its fault flags and a listener that never answers.
@Suite("SMTP faults", .timeLimit(.minutes(1)))
struct SMTPFaultTests {
    struct Fault: Sendable, CustomTestStringConvertible {
        var flags: [String]
        var permanent: Bool
        /// The start of the dispatch log's error text.
        var error: String
        /// Whether the sink keeps the message although the client never hears so (a drop after the final dot).
        var saves = false

        var testDescription: String { flags.joined(separator: " ") }
    }

    @Test(arguments: [
        Fault(flags: ["-r", "RCPT"], permanent: false, error: "SMTP 450: "),
        Fault(flags: ["-r", "MAIL"], permanent: false, error: "SMTP 450: "),
        Fault(flags: ["-f", "RCPT"], permanent: true, error: "SMTP 500: "),
        Fault(flags: ["-f", "DATA"], permanent: true, error: "SMTP 500: "),
        Fault(flags: ["-Q", "RCPT"], permanent: false, error: "SMTP 421: "),
        Fault(flags: ["-Q", "DATA"], permanent: false, error: "SMTP 421: "),
        Fault(flags: ["-q", "RCPT"], permanent: false, error: "the SMTP connection failed: "),
        Fault(flags: ["-q", "."], permanent: false, error: "the SMTP connection failed: ", saves: true),
    ])
    func serverFaultsAreClassified(_ fault: Fault) async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.smtpSink, flags: fault.flags) { peer in
            let transport = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer), timeout: 10, concurrency: 1, loop: loop)
            let result = await transport.deliver(SMTPFixtures.message(), now: SMTPFixtures.now)
            let failure = try #require(result.failure, "\(fault.flags) was taken for success")
            #expect(failure.permanent == fault.permanent, "\(failure.error)")
            #expect(failure.error.hasPrefix(fault.error), "\(failure.error)")
            #expect(peer.files(in: "mail").isEmpty != fault.saves)
        }
        await loop.shutdown()
    }

    /// `-A 0`: smtp-sink answers DATA with 354, then at once 550 and stops reading. Whether libcurl reads that 550
    /// or first finds the connection closed under the message it is still writing depends on timing: either way
    /// the message is not taken for sent, and a 550 that was read fails it for good.
    @Test func anAbortDuringDataIsNeverSuccess() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.smtpSink, flags: ["-A", "0"]) { peer in
            let transport = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer), timeout: 10, concurrency: 1, loop: loop)
            let failure = try #require(await transport.deliver(SMTPFixtures.message(), now: SMTPFixtures.now).failure)
            if failure.error.hasPrefix("SMTP 550") {
                #expect(failure.permanent)
            } else {
                #expect(!failure.permanent)
                #expect(failure.error.hasPrefix("the SMTP connection failed: "), "\(failure.error)")
            }
        }
        await loop.shutdown()
    }

    /// aiosmtpd's `faults.json` answers the end of the message (after the final dot) with the given reply.
    @Test(arguments: [("554 5.7.1 Message refused", true), ("451 4.3.0 Try again later", false)])
    func refusalsAfterTheMessageAreClassified(reply: String, permanent: Bool) async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.aiosmtpd) { peer in
            try Data(#"{"data": "\#(reply)"}"#.utf8).write(to: peer.file("mail/faults.json"))
            let transport = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer), timeout: 10, concurrency: 1, loop: loop)
            let failure = try #require(await transport.deliver(SMTPFixtures.message(), now: SMTPFixtures.now).failure)
            #expect(failure.permanent == permanent)
            #expect(failure.error == "SMTP \(reply.prefix(3)): \(reply.dropFirst(4))")
        }
        await loop.shutdown()
    }

    @Test func aServerThatNeverAnswersTimesOutWithinTheTimeout() async throws {
        let loop = CurlMultiLoop()
        let silent = try SilentListener()
        let settings = SMTPTransport(
            url: "smtp://127.0.0.1:\(silent.port)", startTLS: .off, username: nil, password: nil,
            from: SMTPFixtures.from, tls: TLSSettings())
        let transport = SMTPMessageTransport(settings: settings, timeout: 1.5, concurrency: 1, loop: loop)
        let started = Date()
        let failure = try #require(await transport.deliver(SMTPFixtures.message(), now: SMTPFixtures.now).failure)
        let elapsed = Date().timeIntervalSince(started)
        #expect(!failure.permanent)
        #expect(failure.error.hasPrefix("timed out: "), "\(failure.error)")
        #expect(Self.curlMilliseconds(failure.error).map { (1400..<2500).contains($0) } == true, "\(failure.error)")
        // Wall-clock time also counts waiting for a core on a busy machine: only a loose upper bound.
        // curl's own figure above shows when the timeout fired; wall-clock time also counts waiting for a core on a
        // busy machine, so it only shows the transfer did not wait for the server forever.
        #expect(elapsed >= 1.4 && elapsed < 60, "took \(elapsed) s")
        #expect(silent.acceptWaiting() == 1)
        await loop.shutdown()
    }

    @Test func aServerThatStallsMidSessionTimesOut() async throws {
        let loop = CurlMultiLoop()
        try await PeerProcess.with(.smtpSink, flags: ["-w", "30"]) { peer in
            let transport = SMTPMessageTransport(
                settings: SMTPFixtures.settings(peer), timeout: 1.5, concurrency: 1, loop: loop)
            let started = Date()
            let failure = try #require(await transport.deliver(SMTPFixtures.message(), now: SMTPFixtures.now).failure)
            #expect(!failure.permanent)
            #expect(failure.error.hasPrefix("timed out: "), "\(failure.error)")
            #expect(Self.curlMilliseconds(failure.error).map { (1400..<2500).contains($0) } == true, "\(failure.error)")
            #expect(Date().timeIntervalSince(started) < 10)
        }
        await loop.shutdown()
    }

    @Test func nothingListeningIsRetried() async throws {
        let loop = CurlMultiLoop()
        let port = try FreePort.find()
        let settings = SMTPTransport(
            url: "smtp://127.0.0.1:\(port)", startTLS: .off, username: nil, password: nil, from: SMTPFixtures.from,
            tls: TLSSettings())
        let transport = SMTPMessageTransport(settings: settings, timeout: 5, concurrency: 1, loop: loop)
        let failure = try #require(await transport.deliver(SMTPFixtures.message(), now: SMTPFixtures.now).failure)
        #expect(!failure.permanent)
        #expect(failure.error.hasPrefix("cannot connect to the SMTP server: "), "\(failure.error)")
        await loop.shutdown()
    }

    /// The time libcurl measured in its timeout message (`Operation timed out after 1501 milliseconds …`).
    static func curlMilliseconds(_ error: String) -> Int? {
        guard let after = error.range(of: "after ") else { return nil }
        return Int(error[after.upperBound...].prefix { $0.isNumber })
    }
}

import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// One-click unsubscribe through the real binary: the link in a marketing email, the confirmation page, the
/// RFC 8058 POST, and forged links that change nothing.
@Suite(.serialized) struct DaemonUnsubscribeTests {
    @Test func theLinkInAMarketingEmailUnsubscribesWithOneClick() async throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        try await daemon.waitUntilReady()
        let scenario = DaemonEndToEndTests()
        let customer = try await scenario.customerDueForAccessoriesEmail(daemon, prefix: "unsub")
        try await daemon.waitUntil(20, "the accessories email") { !daemon.outbox("email").isEmpty }

        // The email carries the RFC 8058 headers with a link to this daemon.
        let eml = try String(contentsOf: try #require(daemon.outbox("email").first), encoding: .utf8)
        let unfolded = eml.replacingOccurrences(of: "\r\n ", with: " ")
        let header = try #require(
            unfolded.components(separatedBy: "\r\n").first { $0.hasPrefix("List-Unsubscribe: <") }, "\(eml)")
        #expect(eml.contains("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
        let url = String(header.dropFirst("List-Unsubscribe: <".count).dropLast())
        let prefix = "http://127.0.0.1:\(daemon.port)/u/"
        #expect(url.hasPrefix(prefix), "\(url)")
        let path = "/u/" + url.dropFirst(prefix.count)

        // Opening the link only asks; a forged link is refused; neither changes anything.
        let page = try await daemon.request("GET", path, token: "")
        #expect(page.status == 200)
        #expect(page.text.contains("<form method=\"post\">") && page.text.contains("Ngừng nhận tin khuyến mãi qua email"))
        let forgedToken = UnsubscribeToken.make(customerID: customer, channel: .email, secret: "not-the-secret-0123456789")
        let forged = try await daemon.request("POST", "/u/\(forgedToken)", body: "List-Unsubscribe=One-Click", token: "")
        #expect(forged.status == 400)
        #expect(try await unsubscribed(daemon, customer).isEmpty)

        // A mail client's one-click POST unsubscribes at once.
        let click = try await daemon.request(
            "POST", path, body: "List-Unsubscribe=One-Click", contentType: "application/x-www-form-urlencoded",
            token: "")
        #expect(click.status == 200, "\(click.text)")
        #expect(click.text.contains("Bạn đã ngừng nhận tin khuyến mãi qua email"))
        #expect(try await unsubscribed(daemon, customer) == ["email"])
        #expect(try await daemon.stop() == 0)
    }

    func unsubscribed(_ daemon: DaemonProcess, _ customer: String) async throws -> [String] {
        let reply = try await daemon.request("GET", "/v1/customers/\(customer)")
        let facts = (reply.json as? [String: Any])?["facts"] as? [String: Any]
        return try #require(facts?["unsubscribed"] as? [String], "\(reply.text)")
    }
}

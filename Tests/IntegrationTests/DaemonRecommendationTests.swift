import Foundation
import NudgeCore
import Testing

/// Recommendations through the real binary: purchase history over HTTP builds the co-purchase statistics, the
/// post-purchase email offers what buyers of the same phone bought, and the checkout endpoint answers the same.
extension DaemonEndToEndTests {
    func basket(_ id: String, customer: String, at date: Date, _ items: [(sku: String, category: String, price: Int)])
        -> String
    {
        let lines = items.map {
            #"{"sku": "\#($0.sku)", "category": "\#($0.category)", "name": "\#($0.sku)", "price": \#($0.price), "quantity": 1}"#
        }
        let total = items.map(\.price).reduce(0, +)
        return """
            {"id": "\(id)", "type": "purchase", "customer_id": "\(customer)", "timestamp": "\(iso(date))", \
            "properties": {"order_id": "\(id)", "currency": "VND", "total": \(total), "items": [\(lines.joined(separator: ", "))]}}
            """
    }

    @Test func thePostPurchaseEmailRecommendsTheCoPurchasedItemAndCheckoutAgrees() async throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        try await daemon.waitUntilReady()

        // The catalog: the fallback case, a screen protector with a good margin, and earbuds below the 15% floor.
        for (sku, body) in [
            ("CASE-01", #"{"name": "Ốp lưng", "category": "case", "price": 250000, "cost": 100000}"#),
            (
                "GLASS-9",
                #"{"name": "Kính cường lực 9H", "category": "screen_protector", "price": 200000, "cost": 50000}"#
            ),
            ("EARBUD-3", #"{"name": "Tai nghe", "category": "headphones", "price": 900000, "cost": 850000}"#),
        ] {
            let reply = try await daemon.request("PUT", "/v1/products/\(sku)", body: body)
            #expect(reply.status == 200, "\(reply.text)")
        }

        // History, weeks ago: four buyers of the phone also bought the screen protector (two in the same basket, two
        // later), one also bought the thin-margin earbuds; three other customers bought only a case.
        let phone = (sku: "SKU-phone", category: "phone", price: 9_990_000)
        let glass = (sku: "GLASS-9", category: "screen_protector", price: 200_000)
        let earbuds = (sku: "EARBUD-3", category: "headphones", price: 900_000)
        let caseItem = (sku: "CASE-02", category: "case", price: 150_000)
        let past = now - 60 * 86_400
        var history = [
            basket("h1", customer: "buyer-1", at: past, [phone, glass]),
            basket("h2", customer: "buyer-2", at: past, [phone, glass, earbuds]),
            basket("h3", customer: "buyer-3", at: past, [phone]),
            basket("h4", customer: "buyer-3", at: past + 86_400, [glass]),
            basket("h5", customer: "buyer-4", at: past, [phone]),
            basket("h6", customer: "buyer-4", at: past + 86_400, [glass]),
        ]
        history += (1...3).map { basket("f\($0)", customer: "other-\($0)", at: past, [caseItem]) }
        let ingest = try await daemon.request(
            "POST", "/v1/events", body: history.joined(separator: "\n"), contentType: "application/x-ndjson")
        #expect(ingest.status == 202, "\(ingest.text)")

        // A new customer bought the phone 22 days ago: the accessories email is due now.
        let customer = try await customerDueForAccessoriesEmail(daemon, prefix: "rec")
        try await daemon.waitUntil(20, "the accessories email of \(customer) to be sent") {
            try tail(daemon, customer: customer).contains { $0["status"] as? String == "sent" }
        }
        let file = try #require(daemon.outbox("email").first { $0.lastPathComponent.contains(customer) })
        let eml = Self.quotedPrintableDecoded(try String(contentsOf: file, encoding: .utf8))
        // P(GLASS | phone) = 4/5, lift (4/5)/(4/8) = 1.6: offered. The earbuds (1/5, 5.6% margin) and the fallback
        // case are not.
        #expect(eml.contains(#"alt="Kính cường lực 9H""#), "\(eml)")
        #expect(!eml.contains(#"alt="Tai nghe""#))
        #expect(!eml.contains(#"alt="Ốp lưng""#))

        // The checkout endpoint: the same item, with its statistics; owned items never.
        let reply = try await daemon.request("GET", "/v1/customers/\(customer)/recommendations?limit=3")
        #expect(reply.status == 200, "\(reply.text)")
        let list = try #require((reply.json as? [String: Any])?["recommendations"] as? [[String: Any]])
        #expect(list.map { $0["sku"] as? String } == ["GLASS-9", "EARBUD-3"])
        #expect(abs((list.first?["confidence"] as? Double ?? 0) - 0.8) < 1e-9)
        #expect(abs((list.first?["lift"] as? Double ?? 0) - 1.6) < 1e-9)
        #expect(list.first?["support"] as? Int == 4)
        #expect(list.first?["cost"] == nil)
        let headphones = try await daemon.request(
            "GET", "/v1/customers/\(customer)/recommendations?category=headphones,case")
        #expect(
            ((headphones.json as? [String: Any])?["recommendations"] as? [[String: Any]])?.map { $0["sku"] as? String }
                == ["EARBUD-3"])

        #expect(try await daemon.request("GET", "/v1/customers/nobody/recommendations").status == 404)
        #expect(try await daemon.request("GET", "/v1/customers/\(customer)/recommendations?limit=0").status == 400)
        #expect(try await daemon.request("GET", "/v1/customers/\(customer)/recommendations?limit=x").status == 400)
        #expect(
            try await daemon.request("GET", "/v1/customers/\(customer)/recommendations", token: "wrong").status == 401)
        _ = try await daemon.stop()
    }

    /// The message with its quoted-printable parts decoded (soft line breaks joined, `=XX` bytes restored).
    static func quotedPrintableDecoded(_ text: String) -> String {
        let joined = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index < joined.count {
            if joined[index] == UInt8(ascii: "="), index + 2 < joined.count,
                let byte = UInt8(String(decoding: joined[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(joined[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

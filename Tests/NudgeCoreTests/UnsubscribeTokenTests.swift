import Foundation
import Testing

@testable import NudgeCore

@Suite struct UnsubscribeTokenTests {
    let secret = "unsubscribe-secret-0123456789"

    @Test(arguments: ["c-1", "khách-hàng/Đặng Thị Lan", "a:b:c", String(repeating: "x", count: 200)])
    func aTokenNamesItsCustomerAndChannel(_ customerID: String) throws {
        for channel in Channel.allCases {
            let token = UnsubscribeToken.make(customerID: customerID, channel: channel, secret: secret)
            #expect(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }, "\(token)")
            let found = try #require(UnsubscribeToken.verify(token, secret: secret))
            #expect(found.customerID == customerID && found.channel == channel)
        }
    }

    @Test func forgedAlteredAndMalformedTokensAreRefused() {
        let token = UnsubscribeToken.make(customerID: "c-1", channel: .email, secret: secret)
        #expect(UnsubscribeToken.verify(token, secret: "another-secret-0123456789") == nil)
        let parts = token.split(separator: ".").map(String.init)
        // Someone else's customer id with the same signature.
        let other = Base64URL.encode(Array("email:c-2".utf8))
        #expect(UnsubscribeToken.verify(other + "." + parts[1], secret: secret) == nil)
        // Another channel for the same customer.
        let sms = Base64URL.encode(Array("sms:c-1".utf8))
        #expect(UnsubscribeToken.verify(sms + "." + parts[1], secret: secret) == nil)
        // Every single-character change of the token.
        var accepted = 0
        for index in token.indices {
            for replacement in ["A", "b", "-", "_", "."] where String(token[index]) != replacement {
                var changed = token
                changed.replaceSubrange(index...index, with: replacement)
                if UnsubscribeToken.verify(changed, secret: secret) != nil { accepted += 1 }
            }
        }
        #expect(accepted == 0)
        for bad in ["", ".", "abc", parts[0], parts[0] + ".", "." + parts[1], token + ".x", token + "=", "é." + parts[1]] {
            #expect(UnsubscribeToken.verify(bad, secret: secret) == nil, "\(bad)")
        }
        // A genuine signature over a payload without a known channel or customer.
        for payload in ["fax:c-1", "email:", "email"] {
            let signature = HMACSHA256.code(
                key: Array(secret.utf8), message: Array("nudge-unsubscribe\n".utf8) + Array(payload.utf8)
            ).prefix(16)
            let forged = Base64URL.encode(Array(payload.utf8)) + "." + Base64URL.encode(Array(signature))
            #expect(UnsubscribeToken.verify(forged, secret: secret) == nil, "\(payload)")
        }
    }

    @Test func linksPointAtTheConfiguredBaseOrTheDaemon() {
        let own = UnsubscribeLinks(
            settings: UnsubscribeSettings(), listen: ListenAddress(host: "0.0.0.0", port: 8470), secret: secret)
        #expect(own.base == "http://127.0.0.1:8470/u")
        let shop = UnsubscribeLinks(
            settings: UnsubscribeSettings(baseURL: "https://shop.example/u/"),
            listen: ListenAddress(host: "127.0.0.1", port: 8470), secret: secret)
        let url = shop.url(customerID: "c-1", channel: .sms)
        #expect(url == "https://shop.example/u/" + UnsubscribeToken.make(customerID: "c-1", channel: .sms, secret: secret))
    }

    @Test func base64URLRoundTrips() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            if length > 0 { #expect(Base64URL.decode(Substring(text)) == bytes) }
        }
    }
}

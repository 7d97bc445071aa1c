import Foundation
import Testing

@testable import NudgeCore

@Suite struct KannelRequestTests {
    static let endpoint = "http://127.0.0.1:13013/cgi-bin/sendsms"

    func settings(
        url: String = endpoint, username: String? = "tester", password: String? = "foobar", from: String? = "SHOP",
        strip: Bool = false, maxParts: Int = 3
    ) -> KannelTransport {
        KannelTransport(
            url: url, username: username, password: password.map(Secret.init), from: from, stripDiacritics: strip,
            maxParts: maxParts)
    }

    func message(_ text: String, to phone: String? = "+84901234567", key: String = "spring/s1/c-42/7") -> OutboxMessage
    {
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        return OutboxMessage(
            key: key, campaign: "spring", step: "s1", customerID: "c-42", channel: .sms,
            recipient: Recipient(addresses: phone.map { [$0] } ?? []), content: MessageContent(text: text),
            nextAttemptAt: t0, createdAt: t0)
    }

    /// The query of `url` as decoded pairs.
    func pairs(_ url: String) throws -> [(name: String, value: String)] {
        let query = try #require(url.split(separator: "?", maxSplits: 1).last)
        return try #require(PercentEncoding.decodeQuery(query))
    }

    // MARK: percent-encoding

    @Test func strictPercentEncoding() {
        #expect(PercentEncoding.encode("+84901234567") == "%2B84901234567")
        #expect(PercentEncoding.encode("a b&c=d/e?f#g%h+i") == "a%20b%26c%3Dd%2Fe%3Ff%23g%25h%2Bi")
        #expect(PercentEncoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(PercentEncoding.encode("Giảm") == "Gi%E1%BA%A3m")
        #expect(PercentEncoding.encode("😀") == "%F0%9F%98%80")
        #expect(PercentEncoding.encode("\n\u{0}") == "%0A%00")
    }

    @Test func percentDecoding() {
        #expect(PercentEncoding.decode("Gi%E1%BA%A3m+gi%c3%A1") == "Giảm giá")
        #expect(PercentEncoding.decode("%2B84") == "+84")
        #expect(PercentEncoding.decode("%2") == nil)
        #expect(PercentEncoding.decode("%zz") == nil)
        #expect(PercentEncoding.decode("%FF") == nil)  // not UTF-8
        let pairs = PercentEncoding.decodeQuery("a=1&&b&c=x%3Dy")
        #expect(pairs?.map(\.name) == ["a", "b", "c"])
        #expect(pairs?.map(\.value) == ["1", "", "x=y"])
    }

    @Test func roundTripOfAnyText() {
        for text in ["", "+84 90", "100% & more", "Cảm ơn chị Lan 🎉", "a=b&c", "%d %A %%"] {
            #expect(PercentEncoding.decode(Substring(PercentEncoding.encode(text))) == text)
        }
    }

    // MARK: the request

    @Test func gsm7Request() throws {
        let request = try KannelRequest.build(settings: settings(), message: message("Hello world"))
        #expect(
            request.url
                == Self.endpoint
                + "?username=tester&password=foobar&from=SHOP&to=%2B84901234567&text=Hello%20world&max-messages=1")
        #expect(request.sms.encoding == .gsm7)
        #expect(!request.url.contains("coding"))
        #expect(!request.url.contains("charset"))
    }

    @Test func vietnameseGoesAsUTF8WithCoding2() throws {
        let text = "Cảm ơn chị Lan đã mua iPhone 15! Giảm 15% ốp lưng và tai nghe đến hết 30/11: https://shop.vn/u/abc"
        let request = try KannelRequest.build(settings: settings(), message: message(text))
        #expect(request.url.contains("&text=C%E1%BA%A3m%20%C6%A1n%20ch%E1%BB%8B%20Lan%20"))
        #expect(request.url.contains("15%25%20"))
        #expect(request.url.contains("https%3A%2F%2Fshop.vn%2Fu%2Fabc"))
        #expect(request.url.hasSuffix("&coding=2&charset=UTF-8&max-messages=2"))
        let decoded = try pairs(request.url)
        #expect(decoded.first { $0.name == "text" }?.value == text)
        #expect(decoded.first { $0.name == "to" }?.value == "+84901234567")
    }

    @Test func strippedVietnameseGoesAsGSM7() throws {
        let request = try KannelRequest.build(settings: settings(strip: true), message: message("Giảm giá đến 50%"))
        #expect(request.url.hasSuffix("&text=Giam%20gia%20den%2050%25&max-messages=1"))
    }

    @Test func everyValueIsStrictlyEncoded() throws {
        let request = try KannelRequest.build(
            settings: settings(username: "u s+r", password: "p&ss=w+rd%/?#", from: "Shop & Co"),
            message: message("a+b=c&d #1 [x] 😀"))
        let query = try #require(request.url.split(separator: "?", maxSplits: 1).last)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%=&")
        #expect(query.allSatisfy { allowed.contains($0) })
        #expect(query.contains("password=p%26ss%3Dw%2Brd%25%2F%3F%23"))
        let decoded = try pairs(request.url)
        #expect(
            decoded.map(\.name) == ["username", "password", "from", "to", "text", "coding", "charset", "max-messages"])
        #expect(
            decoded.map(\.value)[..<5] == ["u s+r", "p&ss=w+rd%/?#", "Shop & Co", "+84901234567", "a+b=c&d #1 [x] 😀"])
    }

    @Test func optionalSettingsAreLeftOut() throws {
        let request = try KannelRequest.build(
            settings: settings(username: nil, password: nil, from: nil), message: message("Hi"))
        #expect(request.url == Self.endpoint + "?to=%2B84901234567&text=Hi&max-messages=1")
        #expect(request.redactedURL == request.url)
    }

    @Test func maxMessagesIsThePartsNeeded() throws {
        let request = try KannelRequest.build(
            settings: settings(maxParts: 3), message: message(String(repeating: "x", count: 400)))
        #expect(request.sms.parts == 3)
        #expect(request.url.hasSuffix("&max-messages=3"))
    }

    @Test func passwordIsRedactedForLogs() throws {
        let request = try KannelRequest.build(settings: settings(password: "s3cr3t!"), message: message("Hi"))
        #expect(request.url.contains("password=s3cr3t%21"))
        #expect(request.redactedURL.contains("password=<secret>"))
        #expect(!request.redactedURL.contains("s3cr3t"))
        let userInfo = try KannelRequest.build(
            settings: settings(url: "http://bob:hunter2@10.0.0.1:13013/cgi-bin/sendsms", password: nil),
            message: message("Hi"))
        #expect(userInfo.url.hasPrefix("http://bob:hunter2@"))
        #expect(userInfo.redactedURL.hasPrefix("http://bob:<secret>@10.0.0.1:13013/cgi-bin/sendsms?"))
    }

    @Test func endpointGetsThePathWhenItHasNone() throws {
        #expect(KannelRequest.endpoint("http://127.0.0.1:13013") == Self.endpoint)
        #expect(KannelRequest.endpoint("http://127.0.0.1:13013/") == Self.endpoint)
        #expect(KannelRequest.endpoint("https://sms.example/gw/send") == "https://sms.example/gw/send")
        #expect(KannelRequest.endpoint("HTTP://h/cgi-bin/sendsms") == "HTTP://h/cgi-bin/sendsms")
        for bad in ["ftp://h/x", "127.0.0.1:13013", "http://", "http:///x", "http://h/x#frag", ""] {
            #expect(KannelRequest.endpoint(bad) == nil, "\(bad)")
        }
        let withQuery = try KannelRequest.build(
            settings: settings(url: Self.endpoint + "?smsc=fake", username: nil, password: nil, from: nil),
            message: message("Hi"))
        #expect(withQuery.url == Self.endpoint + "?smsc=fake&to=%2B84901234567&text=Hi&max-messages=1")
    }

    // MARK: refusals

    @Test func refusalsArePermanentAndNeverShowThePassword() throws {
        let cases: [(KannelTransport, OutboxMessage, KannelRequestError)] = [
            (settings(password: "pw-XYZ"), message("Hi", to: nil), .noPhoneNumber),
            (settings(password: "pw-XYZ"), message("Hi", to: ""), .noPhoneNumber),
            (settings(password: "pw-XYZ"), message("Hi", to: "0901234567"), .invalidPhoneNumber("0901234567")),
            (settings(url: "smsc://pw-XYZ@h", password: "pw-XYZ"), message("Hi"), .invalidGatewayURL),
        ]
        for (settings, message, expected) in cases {
            let error = #expect(throws: KannelRequestError.self) {
                try KannelRequest.build(settings: settings, message: message)
            }
            #expect(error == expected)
            #expect(error?.description.contains("pw-XYZ") == false)
            #expect(error?.deliveryResult == .failed(error: expected.description, permanent: true, retryAfter: nil))
        }
    }

    @Test func tooLongTextIsRefusedNotCut() throws {
        let text = String(repeating: "Giảm giá ", count: 30)  // 270 characters of UCS-2: 5 parts
        let error = #expect(throws: KannelRequestError.self) {
            try KannelRequest.build(settings: settings(password: "pw-XYZ", maxParts: 4), message: message(text))
        }
        guard case .text(.tooManyParts(let needed, let allowed, .ucs2, _, _, _))? = error else {
            Issue.record("expected too many parts, got \(String(describing: error))")
            return
        }
        #expect(needed == 5 && allowed == 4)
        #expect(error?.description.hasPrefix("the text needs 5 SMS parts (UCS-2") == true)
        #expect(error?.description.contains("pw-XYZ") == false)
    }

    @Test func formattedPhoneNumbersAreNormalised() throws {
        let request = try KannelRequest.build(settings: settings(), message: message("Hi", to: "+84 90-123.4567"))
        #expect(request.url.contains("&to=%2B84901234567&"))
    }

    // MARK: delivery reports

    @Test func deliveryReportURLCarriesTheKeyThroughKannel() throws {
        let key = "tết-2025/nhắc 1/khách 100%/42"
        let request = try KannelRequest.build(
            settings: settings(), message: message("Hi", key: key),
            deliveryReportURL: "http://127.0.0.1:8470/v1/receipts/kannel")
        #expect(request.url.contains("&max-messages=1&dlr-mask=31&dlr-url=http%3A%2F%2F127.0.0.1%3A8470%2F"))
        // The status code survives as %d inside the encoded value.
        #expect(request.url.contains("%26status%3D%25d%26answer%3D%25A"))

        let dlrURL = try #require(try pairs(request.url).first { $0.name == "dlr-url" }?.value)
        #expect(dlrURL.hasPrefix("http://127.0.0.1:8470/v1/receipts/kannel?key="))
        #expect(dlrURL.hasSuffix("&status=%d&answer=%A"))

        // What Kannel calls back once it has filled in its codes.
        let called = KannelEscapeCodes.fill(dlrURL, status: 1, answer: "id:7 stat:DELIVRD err:000")
        let query = try #require(called.split(separator: "?", maxSplits: 1).last)
        let receipt = try #require(KannelReceipt(query: query))
        #expect(receipt.key == key)
        #expect(receipt.status == 1)
        #expect(receipt.answer == "id:7 stat:DELIVRD err:000")
        #expect(receipt.decision == .delivered)
    }

    @Test func undoubledPercentSignsWouldBreakTheKey() {
        // Why the key's % are doubled: Kannel reads %C3 (the start of "ả" or "á") as its %C (charset) code.
        let naive = "http://h/r?key=" + PercentEncoding.encode("á") + "&status=%d"
        #expect(KannelEscapeCodes.fill(naive, status: 1, answer: "").contains("UTF-8"))
        let safe = KannelReceipt.callbackURL(base: "http://h/r", key: "á")
        #expect(KannelEscapeCodes.fill(safe, status: 1, answer: "") == "http://h/r?key=%C3%A1&status=1&answer=")
    }

    @Test func callbackBaseWithQueryOrPercent() {
        #expect(
            KannelReceipt.callbackURL(base: "http://h/r?t=1", key: "k") == "http://h/r?t=1&key=k&status=%d&answer=%A")
        #expect(KannelReceipt.callbackURL(base: "http://h/r?", key: "k") == "http://h/r?key=k&status=%d&answer=%A")
        #expect(
            KannelReceipt.callbackURL(base: "http://h/a%20b", key: "k") == "http://h/a%%20b?key=k&status=%d&answer=%A")
    }

    @Test func badCallbackIsRefused() {
        #expect(throws: KannelRequestError.invalidCallbackURL) {
            try KannelRequest.build(settings: settings(), message: message("Hi"), deliveryReportURL: "/v1/receipts")
        }
    }
}

/// Kannel's substitution of escape codes in a `dlr-url` (gw/urltrans.c, `urltrans_fill_escape_codes`), for the
/// codes that matter here: `%d` the report value, `%A` the answer (URL-encoded), `%C` the charset (UTF-8 for
/// 7-bit), `%%` one `%`; any other `%x` is kept as it is.
enum KannelEscapeCodes {
    static func fill(_ pattern: String, status: Int, answer: String) -> String {
        var out = ""
        var chars = pattern.makeIterator()
        while let c = chars.next() {
            guard c == "%" else {
                out.append(c)
                continue
            }
            guard let code = chars.next() else {
                out.append(c)
                break
            }
            switch code {
            case "d": out += String(status)
            case "A": out += PercentEncoding.encode(answer)
            case "C": out += "UTF-8"
            case "%": out += "%"
            default: out += "%" + String(code)
            }
        }
        return out
    }
}

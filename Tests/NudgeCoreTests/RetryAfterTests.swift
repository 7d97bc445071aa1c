import Foundation
import Testing

@testable import NudgeCore

@Suite struct RetryAfterTests {
    /// Sun, 06 Nov 1994 08:49:00 GMT
    static let now = Date(timeIntervalSince1970: 784_111_740)

    @Test(arguments: [
        ("120", 120.0), ("0", 0), (" 7 ", 7), ("007", 7), ("86400", 86_400), ("86401", 86_400), ("31536000", 86_400),
        ("99999999999999999999999999999999999999", 86_400),
    ])
    func deltaSeconds(_ value: String, _ seconds: TimeInterval) {
        #expect(RetryAfter.delay(value, now: Self.now) == seconds)
    }

    @Test(arguments: ["", "  ", "-5", "+5", "1.5", "1e3", "5s", "soon", "0x10", "١٢", "12 34"])
    func garbageIsIgnored(_ value: String) {
        #expect(RetryAfter.delay(value, now: Self.now) == nil)
    }

    @Test func missingHeader() {
        #expect(RetryAfter.delay(nil, now: Self.now) == nil)
        #expect(RetryAfter.delay(in: GatewayReply(status: 503), now: Self.now) == nil)
        #expect(RetryAfter.delay(in: GatewayReply(status: 503, headers: ["Retry-After": "9"]), now: Self.now) == 9)
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",  // IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT",  // RFC 850
        "Sun Nov  6 08:49:37 1994",  // asctime
        "Sun Nov 06 08:49:37 1994",
        "sun, 06 nov 1994 08:49:37 GMT",
    ])
    func httpDates(_ value: String) {
        #expect(RetryAfter.delay(value, now: Self.now) == 37)
    }

    @Test func pastDatesAskForNothing() {
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:00 GMT", now: Self.now) == nil)
        #expect(RetryAfter.delay("Sat, 05 Nov 1994 08:49:37 GMT", now: Self.now) == nil)
    }

    @Test func farDatesAreCapped() {
        #expect(RetryAfter.delay("Fri, 01 Jan 2100 00:00:00 GMT", now: Self.now) == 86_400)
        #expect(RetryAfter.delay("Mon, 07 Nov 1994 08:49:00 GMT", now: Self.now) == 86_400)
        #expect(RetryAfter.delay("Mon, 07 Nov 1994 08:48:59 GMT", now: Self.now) == 86_399)
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 06 Nov 1994 08:49:37", "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 29 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1994 08:49:61 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT", "Sun 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 94", "Sun Nov 6 08:49:37 1994 GMT", "2025-01-01T00:00:00Z",
    ])
    func malformedDates(_ value: String) {
        #expect(HTTPDate.parse(value, now: Self.now) == nil)
    }

    @Test func leapDayAndLeapSecond() {
        #expect(
            HTTPDate.parse("Thu, 29 Feb 2024 12:00:00 GMT", now: Self.now) == Date(timeIntervalSince1970: 1_709_208_000)
        )
        #expect(
            HTTPDate.parse("Wed, 31 Dec 2008 23:59:60 GMT", now: Self.now) == Date(timeIntervalSince1970: 1_230_768_000)
        )
    }

    @Test func rfc850CenturyIsWithinFiftyYears() {
        let now2025 = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01
        let y2074 = HTTPDate.parse("Monday, 01-Jan-74 00:00:00 GMT", now: now2025)
        let y1976 = HTTPDate.parse("Thursday, 01-Jan-76 00:00:00 GMT", now: now2025)
        let y2025 = HTTPDate.parse("Wednesday, 01-Jan-25 00:00:00 GMT", now: now2025)
        #expect(y2074.map(HTTPDate.format) == "Mon, 01 Jan 2074 00:00:00 GMT")
        #expect(y1976.map(HTTPDate.format) == "Thu, 01 Jan 1976 00:00:00 GMT")
        #expect(y2025 == now2025)
    }

    @Test func formatWritesIMFFixdate() {
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(Date(timeIntervalSince1970: -1)) == "Wed, 31 Dec 1969 23:59:59 GMT")
        for seconds in stride(from: 0.0, to: 4_000_000_000, by: 97_654_321) {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(HTTPDate.parse(HTTPDate.format(date), now: Self.now) == date)
        }
    }

    @Test func retryPolicyUsesTheLongerDelay() {
        let settings = RetrySettings(maxAttempts: 8, first: 30, max: 3600)
        let delay = RetryAfter.delay("600", now: Self.now)
        #expect(
            RetryPolicy.decide(
                attempts: 1, permanent: false, settings: settings, now: Self.now, jitter: 0, retryAfter: delay)
                == .retry(at: Self.now + 600))
    }
}

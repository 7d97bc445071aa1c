import Foundation
import NudgeCore
import Testing

/// Formats the store and the log rely on: lossless stored JSON, log timestamps, retry timing.
@Suite struct StorageFormatTests {
    @Test func recipientJSONReadsBackExactlyAsJSONDecoderWouldOrNotAtAll() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var random = SystemRandomNumberGenerator()
        let names = ["", "Chào \"Lan\"\n\t\u{01}/\\", "😀 ₫ Ố", "<p>a</p>"]
        for _ in 0..<300 {
            let recipient = Recipient(
                addresses: (0..<Int.random(in: 0..<3, using: &random)).map { "a\($0)@b.vn" },
                name: Bool.random(using: &random) ? names.randomElement(using: &random)! : nil)
            let recipientJSON = String(decoding: try encoder.encode(recipient), as: UTF8.self)
            #expect(StoredMessageJSON.recipient(recipientJSON) == recipient)
            // What the store writes reads back the same, with the fast reader and with JSONDecoder.
            let written = StoredMessageJSON.encode(recipient)
            #expect(StoredMessageJSON.recipient(written) == recipient, "\(written)")
            #expect(try JSONDecoder().decode(Recipient.self, from: Data(written.utf8)) == recipient, "\(written)")
        }
        // Nulls read as absent, as JSONDecoder reads them.
        let unnamed = Recipient(addresses: ["a@b.vn"])
        #expect(StoredMessageJSON.recipient(#"{"addresses": ["a@b.vn"], "name": null}"#) == unnamed)
        // Anything else is left to JSONDecoder.
        for unknown in [#"{"name": "x"}"#, #"{"addresses": "a"}"#, #"{"addresses": [], "nick": "x"}"#, "[]", "{", ""] {
            #expect(StoredMessageJSON.recipient(unknown) == nil, "\(unknown)")
        }
    }

    @Test func storedJSONWritesTextWholeOrEscapedAndInKeyOrder() throws {
        let plain = ["", "Giảm giá 20% cho ốp lưng", "😀 ₫ Ố", "</script> & 'x'"]
        let escaped = ["Chào \"Lan\"", "a\\b", "dòng 1\ndòng 2\r\t", "\u{01}\u{1F}x"]
        for text in plain + escaped {
            let encoded = StoredJSON.encode(.map(["z": .string(text), "a": .list([.string(text)])]))
            let parsed = try JSONSerialization.jsonObject(with: Data(encoded.utf8)) as? [String: Any]
            #expect(parsed?["z"] as? String == text)
            #expect(parsed?["a"] as? [String] == [text])
            #expect(encoded.hasPrefix(#"{"a":["#))
            if plain.contains(text) { #expect(encoded == #"{"a":[""# + text + #""],"z":""# + text + #""}"#) }
        }
        #expect(StoredJSON.encode(.string("\u{01}\n\"")) == #""\u0001\n\"""#)
    }

    @Test func storedJSONKeepsTimesDurationsAndVietnameseText() {
        let value = Value.map([
            "name": .string("Nguyễn \"Lan\"\n\t\u{01}"), "at": .time(Date(timeIntervalSince1970: 1_795_000_000.25)),
            "wait": .duration(172_800), "flags": .list([.bool(true), .bool(false), .null]), "n": .number(1.5),
            "big": .number(9_990_000),
        ])
        let text = StoredJSON.encode(value)
        #expect(StoredJSON.decode(text) == value)
        #expect(text.contains("Nguyễn"))
        let event = Event(
            id: "e1", type: "trial_started", customerID: "c", timestamp: Date(timeIntervalSince1970: 100),
            properties: ["ends_at": .time(Date(timeIntervalSince1970: 200))])
        #expect(StoredEvent.decode(StoredEvent.encode(event)) == event)
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (1_795_000_000.25, "2026-11-18T11:06:40.250Z"),
        (951_782_400.999, "2000-02-29T00:00:00.999Z"),
        (-1.5, "1969-12-31T23:59:58.500Z"),
        (253_402_300_799.999, "9999-12-31T23:59:59.999Z"),
    ])
    func logTimesAreRFC3339InUTCWithMilliseconds(seconds: Double, text: String) {
        #expect(LogTime.format(Date(timeIntervalSince1970: seconds)) == text)
        #expect(abs(LogTime.parse(text)!.timeIntervalSince1970 - seconds) < 0.001)
    }

    @Test func logTimesAgreeWithTheGregorianCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var random = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let milliseconds = Int64.random(in: -2_000_000_000_000..<4_000_000_000_000, using: &random)
            let remainder = ((milliseconds % 1000) + 1000) % 1000
            let seconds = (milliseconds - remainder) / 1000
            let parts = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.year!, parts.month!, parts.day!, parts.hour!,
                parts.minute!, parts.second!, Int(remainder))
            #expect(LogTime.format(Date(timeIntervalSince1970: Double(milliseconds) / 1000)) == expected)
        }
    }

    @Test func aTimeReadBackFromStorageFormatsAsItWasGiven() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let milliseconds = Int64.random(in: 1_700_000_000_000..<1_900_000_000_000, using: &random)
            let text = LogTime.format(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            // As the store keeps it: seconds since 1970 in a Double.
            let stored = Date(timeIntervalSince1970: LogTime.parse(text)!.timeIntervalSince1970)
            #expect(LogTime.format(stored) == text)
        }
    }

    @Test func retriesBackOffExponentiallyWithinTheirCapThenDie() {
        let settings = RetrySettings(maxAttempts: 4, first: 30, max: 100)
        let now = Date(timeIntervalSince1970: 0)
        func delay(_ attempts: Int, jitter: Double, retryAfter: TimeInterval? = nil) -> TimeInterval? {
            if case .retry(let at) = RetryPolicy.decide(
                attempts: attempts, permanent: false, settings: settings, now: now, jitter: jitter,
                retryAfter: retryAfter)
            {
                return at.timeIntervalSince(now)
            }
            return nil
        }
        #expect(delay(1, jitter: 0) == 15)
        #expect(delay(1, jitter: 1) == 30)
        #expect(delay(2, jitter: 1) == 60)
        #expect(delay(3, jitter: 1) == 100)
        #expect(delay(3, jitter: 0) == 50)
        #expect(delay(1, jitter: 0, retryAfter: 120) == 120)
        #expect(
            RetryPolicy.decide(attempts: 4, permanent: false, settings: settings, now: now, jitter: 0) == .giveUp(.dead)
        )
        #expect(
            RetryPolicy.decide(attempts: 1, permanent: true, settings: settings, now: now, jitter: 0)
                == .giveUp(.failed))
    }
}

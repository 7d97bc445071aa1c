import Foundation
import Testing

@testable import NudgeCore

@Suite struct IngestJSONTests {
    @Test(arguments: [
        ("null", Value.null),
        (" true ", .bool(true)),
        ("false", .bool(false)),
        ("0", .number(0)),
        ("-12", .number(-12)),
        ("3.25", .number(3.25)),
        ("1e3", .number(1000)),
        ("-2.5E-2", .number(-0.025)),
        ("123456789012345678", .number(Double("123456789012345678")!)),
        ("\"\"", .string("")),
        (#""a\"b\\c\/d\b\f\n\r\t""#, .string("a\"b\\c/d\u{8}\u{C}\n\r\t")),
        (#""\u00e9\u0110\ud83d\ude00""#, .string("éĐ😀")),
        ("\"Tiếng Việt\"", .string("Tiếng Việt")),
        ("[]", .list([])),
        ("{}", .map([:])),
        (#"[1, [2, {"a": [true]}]]"#, .list([.number(1), .list([.number(2), .map(["a": .list([.bool(true)])])])])),
        (#"{"a": 1, "a": 2}"#, .map(["a": .number(2)])),
        ("\u{FEFF}{\"bom\": 1}", .map(["bom": .number(1)])),
    ])
    func valid(text: String, value: Value) throws {
        #expect(try JSONText.parse(Array(text.utf8)).get() == value)
    }

    @Test(arguments: [
        ("", 1, 1, "expected a value, found end of input"),
        ("[1,]", 1, 4, "expected a value, found ']'"),
        ("{\"a\":1,}", 1, 8, "expected a string key in an object, found '}'"),
        ("{'a':1}", 1, 2, "expected a string key in an object, found '''"),
        ("[1 2]", 1, 4, "expected ',' or ']' in an array, found '2'"),
        ("{\"a\" 1}", 1, 6, "expected ':' after an object key, found '1'"),
        ("01", 1, 1, "numbers must not have leading zeros"),
        ("-", 1, 2, "expected a digit, found end of input"),
        ("1.", 1, 3, "expected a digit after '.', found end of input"),
        ("1e+", 1, 4, "expected a digit in the exponent, found end of input"),
        ("1e400", 1, 1, "number 1e400 is out of range"),
        ("NaN", 1, 1, "expected a value, found 'N'"),
        ("tru", 1, 1, "expected a value, found 't'"),
        ("\"abc", 1, 1, "unterminated string"),
        ("\"a\tb\"", 1, 3, "control character in a string"),
        (#""\x""#, 1, 2, "invalid escape in a string"),
        (#""\u12G4""#, 1, 2, "invalid \\u escape"),
        (#""\ud83d""#, 1, 2, "unpaired UTF-16 surrogate"),
        (#""\ude00""#, 1, 2, "unpaired UTF-16 surrogate"),
        ("[\n  1,\n  ẞ]", 3, 3, "expected a value, found a non-ASCII character"),
        ("{} {}", 1, 4, "unexpected '{' after the end of the JSON value"),
    ])
    func invalid(text: String, line: Int, column: Int, message: String) {
        guard case .failure(let error) = JSONText.parse(Array(text.utf8)) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.message.hasPrefix(message), "\(error)")
    }

    @Test func invalidUTF8IsRefused() {
        let bytes: [UInt8] = [0x22, 0x61, 0xC3, 0x28, 0x22]
        guard case .failure(let error) = JSONText.parse(bytes) else {
            Issue.record("parsed")
            return
        }
        #expect(error.message == "a string is not valid UTF-8")
    }

    @Test func invalidUTF8IsRefusedAroundEscapesToo() {
        for bytes: [UInt8] in [
            [0x22, 0x5C, 0x6E, 0x61, 0xC3, 0x28, 0x22],  // "\na\xC3("
            [0x22, 0xC3, 0x28, 0x5C, 0x6E, 0x22],  // "\xC3(\n"
            [0x22, 0x5C, 0x6E, 0xFF, 0x22],
        ] {
            guard case .failure(let error) = JSONText.parse(bytes) else {
                Issue.record("parsed \(bytes)")
                continue
            }
            #expect(error.message == "a string is not valid UTF-8")
        }
    }

    @Test func escapedStringsMatchFoundationOnRandomText() throws {
        let pieces = ["a", "\"", "\\", "\n", "\t", "\u{1}", "/", "é", "Tiếng", "😀", "<p class=\"x\">", " "]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0..<40, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                .joined()
            let encoded = try JSONEncoder().encode([text])
            #expect(try JSONText.parse(Array(encoded)).get() == .list([.string(text)]))
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        guard case .failure(let error) = JSONText.parse(Array(deep.utf8)) else {
            Issue.record("parsed")
            return
        }
        #expect(error.message == "nested more than 512 levels deep")
        let fine = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect((try? JSONText.parse(Array(fine.utf8)).get()) != nil)
    }

    @Test func trailingContentIsMarked() {
        guard case .failure(let error) = JSONText.parse(Data("{}\n{}".utf8)) else {
            Issue.record("parsed")
            return
        }
        #expect(error.isTrailingContent)
    }

    // MARK: RFC 3339

    @Test(arguments: [
        ("2024-02-29T12:00:00Z", IngestFixture.utc(2024, 2, 29, 12)),
        ("2025-01-01T06:59:59+07:00", IngestFixture.utc(2024, 12, 31, 23, 59, 59)),
        ("1970-01-01T00:00:00Z", Date(timeIntervalSince1970: 0)),
        ("1969-12-31T23:00:00-01:00", Date(timeIntervalSince1970: 0)),
        ("2000-03-01T00:00:00+23:59", IngestFixture.utc(2000, 2, 29, 0, 1)),
        ("2016-12-31T23:59:60Z", IngestFixture.utc(2017, 1, 1)),
    ])
    func rfc3339Instants(text: String, instant: Date) {
        #expect(RFC3339.parse(text) == instant)
    }

    @Test func rfc3339FractionsAreExactEnough() throws {
        let parsed = try #require(RFC3339.parse("2025-03-01T03:00:00.123456789123Z"))
        #expect(abs(parsed.timeIntervalSince(IngestFixture.now) - 0.123456789) < 1e-6)
    }

    @Test(arguments: [
        "2025-03-01", "2025-03-01T10:00:00", "2025-03-01 10:00:00Z", "2025-3-01T10:00:00Z", "2023-02-29T00:00:00Z",
        "2025-04-31T00:00:00Z", "2025-13-01T00:00:00Z", "2025-03-01T24:00:00Z", "2025-03-01T10:60:00Z",
        "2025-03-01T10:00:00.Z", "2025-03-01T10:00:00+7:00", "2025-03-01T10:00:00+0700", "2025-03-01T10:00:00+24:00",
        "2025-03-01T10:00:00Zjunk", "2025-03-01T10:00:00 Z", "", "now",
    ])
    func rfc3339Refusals(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }
}

import Foundation

/// Strict JSON (RFC 8259) read straight into `Value`: objects become `.map`, arrays `.list`, numbers `.number`,
/// strings `.string`, `true`/`false` `.bool` and `null` `.null`.
///
/// Hand-written rather than `JSONSerialization` because ingest must keep booleans apart from numbers (Linux
/// bridges both to `NSNumber`), report where the text breaks, and read about ten times faster.
/// A leading UTF-8 byte order mark is skipped; strings must be valid UTF-8; numbers must be finite doubles;
/// nesting stops at 512 levels; when an object repeats a key, the last one wins.
public enum JSONText {
    /// The one JSON value in `data`, surrounded by optional whitespace.
    public static func parse(_ data: Data) -> Result<Value, JSONSyntaxError> {
        data.withUnsafeBytes { parse($0) }
    }

    /// The one JSON value in `bytes`, surrounded by optional whitespace.
    public static func parse(_ bytes: [UInt8]) -> Result<Value, JSONSyntaxError> {
        bytes.withUnsafeBytes { parse($0) }
    }

    /// The one JSON value in `raw`, surrounded by optional whitespace.
    public static func parse(_ raw: UnsafeRawBufferPointer) -> Result<Value, JSONSyntaxError> {
        raw.withMemoryRebound(to: UInt8.self) { bytes in
            var scanner = JSONScanner(bytes)
            do throws(JSONScanner.Failure) {
                return .success(try scanner.document())
            } catch {
                return .failure(JSONSyntaxError(error, in: bytes))
            }
        }
    }
}

/// Where and why a text is not JSON.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was expected or found, e.g. `expected ',' or '}' in an object, found ']'`.
    public var message: String
    /// 0-based byte offset of the problem.
    public var offset: Int
    /// 1-based line and column (columns count characters, not bytes).
    public var line: Int
    public var column: Int
    /// True when a complete value was followed by more text, as when NDJSON is sent as plain JSON.
    public var isTrailingContent: Bool

    init(_ failure: JSONScanner.Failure, in bytes: UnsafeBufferPointer<UInt8>) {
        message = failure.message
        offset = failure.offset
        isTrailingContent = failure.isTrailingContent
        var line = 1
        var column = 1
        for byte in bytes[..<min(failure.offset, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

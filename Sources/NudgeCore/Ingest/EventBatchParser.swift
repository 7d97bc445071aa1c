import Foundation

/// Why a `POST /v1/events` body was refused; nothing in it may be stored.
public enum EventBatchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body is empty or is not JSON (or NDJSON) at all, or its top level is neither an object nor an array.
    case malformed(String)
    /// Some records are invalid: every problem of every bad record, by record index.
    case invalidRecords([RecordError])

    public var description: String {
        switch self {
        case .malformed(let message): return message
        case .invalidRecords(let errors): return errors.map(\.description).joined(separator: "\n")
        }
    }
}

/// Reads the body of `POST /v1/events` (SPEC §11) into validated events, all or nothing.
///
/// The body is one event object, a JSON array of them, or NDJSON (one object per line, blank lines skipped) when
/// the content type says so. Records are numbered from 0 in the order they appear; every bad record is reported,
/// not just the first.
public enum EventBatchParser {
    /// Content types that mean one JSON object per line.
    public static let lineDelimitedTypes: Set<String> = [
        "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines",
        "application/jsonlines",
    ]

    /// Whether a `Content-Type` header value (parameters such as `charset` ignored) announces NDJSON.
    public static func isLineDelimited(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return lineDelimitedTypes.contains(mediaType.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// The events in `body`, with defaults filled in, or every reason to refuse it.
    public static func parse(_ body: Data, contentType: String?, now: Date) -> Result<[Event], EventBatchError> {
        body.withUnsafeBytes { parse($0, contentType: contentType, now: now) }
    }

    /// The events in `body`, with defaults filled in, or every reason to refuse it.
    public static func parse(_ body: [UInt8], contentType: String?, now: Date) -> Result<[Event], EventBatchError> {
        body.withUnsafeBytes { parse($0, contentType: contentType, now: now) }
    }

    /// The events in `body` (for callers holding a byte buffer), with defaults filled in, or every reason to
    /// refuse it.
    public static func parse(
        _ body: UnsafeRawBufferPointer, contentType: String?, now: Date
    ) -> Result<[Event], EventBatchError> {
        if isBlank(body) { return .failure(.malformed(emptyBody)) }
        let records: Records
        switch isLineDelimited(contentType: contentType) ? lines(of: body) : document(body) {
        case .failure(let error): return .failure(error)
        case .success(let read): records = read
        }
        var events: [Event] = []
        events.reserveCapacity(records.count)
        var errors: [RecordError] = []
        for (index, record) in records.enumerated() {
            switch record {
            case .failure(let error): errors.append(error)
            case .success(let value):
                switch EventRecord.read(value, index: index, now: now) {
                case .success(let event): events.append(event)
                case .failure(let problems): errors += problems
                }
            }
        }
        return errors.isEmpty ? .success(events) : .failure(.invalidRecords(errors))
    }

    /// Each record's JSON, or why its line could not be read.
    private typealias Records = [Result<Value, RecordError>]

    static let emptyBody = "the request body is empty; send an event object, a JSON array of events, or NDJSON"

    /// Plain JSON: one object is one record, an array holds one record per element.
    private static func document(_ body: UnsafeRawBufferPointer) -> Result<Records, EventBatchError> {
        switch JSONText.parse(body) {
        case .failure(let error):
            var message = "the body is not valid JSON: \(error)"
            if error.isTrailingContent {
                message += " (for one event per line, send Content-Type: application/x-ndjson; or wrap the events "
                message += "in a JSON array)"
            }
            return .failure(.malformed(message))
        case .success(.map(let fields)):
            return .success([.success(.map(fields))])
        case .success(.list(let items)):
            return .success(items.map { .success($0) })
        case .success(let other):
            return .failure(.malformed("expected an event object or an array of events, found \(other.jsonKind)"))
        }
    }

    /// NDJSON: one record per non-blank line; a line that is not JSON is that record's error.
    private static func lines(of body: UnsafeRawBufferPointer) -> Result<Records, EventBatchError> {
        var records: Records = []
        var lineStart = 0
        var lineNumber = 0
        while lineStart < body.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < body.count, body[lineEnd] != 0x0A { lineEnd += 1 }
            let line = UnsafeRawBufferPointer(rebasing: body[lineStart..<lineEnd])
            lineStart = lineEnd + 1
            if isBlank(line) { continue }
            switch JSONText.parse(line) {
            case .success(let value): records.append(.success(value))
            case .failure(let error):
                let message = "not valid JSON at line \(lineNumber), column \(error.column): \(error.message)"
                records.append(.failure(RecordError(index: records.count, field: "", error: message)))
            }
        }
        return records.isEmpty ? .failure(.malformed(emptyBody)) : .success(records)
    }

    private static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }
}

import Foundation
import Logging
import NudgeCore

/// Structured log lines on stdout, one per record, as logfmt or JSON (`log_format:`), for journald.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let format: LogFormat
    let now: @Sendable () -> Date

    public init(label: String, format: LogFormat, level: Logger.Level, now: @escaping @Sendable () -> Date = Date.init)
    {
        self.label = label
        self.format = format
        logLevel = level
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = event.metadata ?? [:]
        if !metadata.isEmpty { fields.merge(metadata) { extra, _ in extra } }
        switch format {
        case .logfmt:
            // Written as bytes into one buffer: a busy channel logs a line per message.
            var line: [UInt8] = []
            line.reserveCapacity(256)
            func append(_ text: String) { line.append(contentsOf: text.utf8) }
            append("at=")
            append(LogTime.format(now()))
            append(" level=")
            append(event.level.rawValue)
            append(" msg=")
            Self.appendLogfmtValue(event.message.description, to: &line)
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                line.append(UInt8(ascii: " "))
                append(key)
                line.append(UInt8(ascii: "="))
                Self.appendLogfmtValue(value.description, to: &line)
            }
            line.append(UInt8(ascii: "\n"))
            StandardStream.write(bytes: line)
        case .json:
            var object: [String: Value] = [
                "at": .string(LogTime.format(now())), "level": .string("\(event.level)"),
                "msg": .string("\(event.message)"), "logger": .string(label),
            ]
            for (key, value) in fields { object[key] = .string("\(value)") }
            StandardStream.write(StoredJSON.encode(.map(object)) + "\n")
        }
    }

    /// Appends `logfmtValue(text)` (which is `text` itself, not a copy, when it needs no quotes).
    static func appendLogfmtValue(_ text: String, to line: inout [UInt8]) {
        line.append(contentsOf: logfmtValue(text).utf8)
    }

    static func logfmtValue(_ text: String) -> String {
        // Visible ASCII other than `=` and `"`, by far the usual value, is written as it is.
        if !text.isEmpty, text.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != 61 && $0 != 34 }) { return text }
        // Space, `=`, `"` or a line break (Character.isNewline: U+000A…U+000D, U+0085, U+2028, U+2029).
        let needsQuotes =
            text.isEmpty
            || text.unicodeScalars.contains {
                let value = $0.value
                return value == 32 || value == 61 || value == 34 || (10...13).contains(value) || value == 0x85
                    || value == 0x2028 || value == 0x2029
            }
        guard needsQuotes else { return text }
        var out = ""
        StoredJSON.writeString(text, to: &out)
        return out
    }
}

/// Whole lines to stdout, never interleaved between threads.
enum StandardStream {
    private static let lock = NSLock()
    /// Where the lines written inside `batch(_:)` wait, for the task running it.
    @TaskLocal private static var pending: PendingLines?

    static func write(_ text: String) {
        if let pending {
            pending.bytes.append(contentsOf: text.utf8)
            return
        }
        var text = text
        text.withUTF8 { bytes in
            lock.withLock { writeAll(bytes, to: STDOUT_FILENO) }
        }
    }

    /// `write(_:)` for a line already in UTF-8.
    static func write(bytes line: [UInt8]) {
        if let pending {
            pending.bytes.append(contentsOf: line)
            return
        }
        line.withUnsafeBufferPointer { bytes in
            lock.withLock { writeAll(bytes, to: STDOUT_FILENO) }
        }
    }

    /// Runs `body` and writes the lines it wrote with one write(2) at its end, whole and in order: a dispatcher
    /// logs a line for each outcome of a batch, and a system call for each was a good part of the cost.
    static func batch<Result>(_ body: () throws -> Result) rethrows -> Result {
        let lines = PendingLines()
        defer {
            lines.bytes.withUnsafeBufferPointer { bytes in
                if !bytes.isEmpty { lock.withLock { writeAll(bytes, to: STDOUT_FILENO) } }
            }
        }
        return try $pending.withValue(lines, operation: body)
    }

    /// Lines of one `batch`, used by the task running it only.
    private final class PendingLines: @unchecked Sendable {
        var bytes: [UInt8] = []
    }
}

/// Writes every byte with write(2) (no `Data` copy on the way), going on after a signal; gives up quietly when
/// the stream is gone, as a log line cannot be reported anywhere else.
private func writeAll(_ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32) {
    guard let start = bytes.baseAddress else { return }
    var offset = 0
    while offset < bytes.count {
        let written = write(descriptor, start + offset, bytes.count - offset)
        if written > 0 {
            offset += written
        } else if written < 0, errno == EINTR {
            continue
        } else {
            return
        }
    }
}

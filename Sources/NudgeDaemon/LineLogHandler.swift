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
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        let line: String
        switch format {
        case .logfmt:
            var text = "at=\(LogTime.format(now())) level=\(event.level) msg=\(Self.logfmtValue("\(event.message)"))"
            for key in fields.keys.sorted() { text += " \(key)=\(Self.logfmtValue("\(fields[key]!)"))" }
            line = text
        case .json:
            var object: [String: Value] = [
                "at": .string(LogTime.format(now())), "level": .string("\(event.level)"),
                "msg": .string("\(event.message)"), "logger": .string(label),
            ]
            for (key, value) in fields { object[key] = .string("\(value)") }
            line = StoredJSON.encode(.map(object))
        }
        StandardStream.write(line + "\n")
    }

    static func logfmtValue(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }
        guard needsQuotes else { return text }
        var out = ""
        StoredJSON.writeString(text, to: &out)
        return out
    }
}

/// Whole lines to stdout, never interleaved between threads.
enum StandardStream {
    private static let lock = NSLock()

    static func write(_ text: String) {
        lock.lock()
        FileHandle.standardOutput.write(Data(text.utf8))
        lock.unlock()
    }
}

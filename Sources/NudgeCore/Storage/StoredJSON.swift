import Foundation

/// A lossless JSON form of `Value` for storage: times and durations are tagged (`{"$t": seconds}`,
/// `{"$d": seconds}`) so they come back as times and durations, not strings.
public enum StoredJSON {
    public static func encode(_ value: Value) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    public static func encode(_ fields: [String: Value]) -> String {
        encode(.map(fields))
    }

    public static func encode(strings: [String]) -> String {
        encode(.list(strings.map(Value.string)))
    }

    /// Decodes text written by `encode`; anything unreadable is `null`.
    public static func decode(_ text: String) -> Value {
        var text = text
        let parsed = text.withUTF8 { JSONText.parse(UnsafeRawBufferPointer($0)) }
        guard case .success(let value) = parsed else { return .null }
        return untagged(value)
    }

    /// Reads the storage tags back into times and durations.
    static func untagged(_ value: Value) -> Value {
        switch value {
        case .map(let fields):
            if fields.count == 1, case .number(let seconds)? = fields["$t"] {
                return .time(Date(timeIntervalSince1970: seconds))
            }
            if fields.count == 1, case .number(let seconds)? = fields["$d"] { return .duration(seconds) }
            return .map(fields.mapValues(untagged))
        case .list(let items):
            return .list(items.map(untagged))
        default:
            return value
        }
    }

    public static func decodeMap(_ text: String?) -> [String: Value] {
        guard let text, case .map(let fields) = decode(text) else { return [:] }
        return fields
    }

    public static func decodeStrings(_ text: String?) -> [String] {
        guard let text, case .list(let items) = decode(text) else { return [] }
        return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }

    /// How times and durations are written: tagged for storage, or as people and APIs read them
    /// (RFC 3339 text and seconds).
    public enum TimeStyle: Sendable {
        case tagged, plain
    }

    public static func write(_ value: Value, to out: inout String, times: TimeStyle = .tagged) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n.isFinite ? NumberText.format(n) : "null"
        case .string(let s): writeString(s, to: &out)
        case .time(let t):
            switch times {
            case .tagged: out += "{\"$t\":\(NumberText.format(t.timeIntervalSince1970))}"
            case .plain: writeString(LogTime.format(t), to: &out)
            }
        case .duration(let d):
            switch times {
            case .tagged: out += "{\"$d\":\(NumberText.format(d))}"
            case .plain: out += NumberText.format(d)
            }
        case .list(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, to: &out, times: times)
            }
            out += "]"
        case .map(let fields):
            out += "{"
            for (i, field) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out += "," }
                writeString(field.key, to: &out)
                out += ":"
                write(field.value, to: &out, times: times)
            }
            out += "}"
        }
    }

    /// A JSON string literal; non-ASCII text is written as UTF-8, not escaped.
    public static func writeString(_ s: String, to out: inout String) {
        out += "\""
        // Most text needs no escape at all: appended whole. UTF-8's multi-byte sequences are all at or above 0x80.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

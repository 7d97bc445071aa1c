import Foundation

/// A dispatch log row as a JSON object whose keys are the column names (SPEC §13).
public enum DispatchJSON {
    public static func entry(_ e: DispatchLogEntry) -> Value {
        func optional(_ text: String?) -> Value { text.map(Value.string) ?? .null }
        return .map([
            "seq": .number(Double(e.seq)), "at": .string(LogTime.format(e.at)), "campaign": .string(e.campaign),
            "step": .string(e.step), "variant": optional(e.variant), "customer_id": .string(e.customerID),
            "channel": .string(e.channel.rawValue), "status": .string(e.status.rawValue), "reason": optional(e.reason),
            "attempt": .number(Double(e.attempt)), "message_key": optional(e.messageKey),
            "provider_id": optional(e.providerID),
            "latency_ms": e.latencyMilliseconds.map { .number(Double($0)) } ?? .null, "error": optional(e.error),
        ])
    }

    /// One line of NDJSON with the columns in their SPEC order.
    public static func line(_ e: DispatchLogEntry) -> String {
        let order = [
            "seq", "at", "campaign", "step", "variant", "customer_id", "channel", "status", "reason", "attempt",
            "message_key", "provider_id", "latency_ms", "error",
        ]
        guard case .map(let fields) = entry(e) else { return "{}" }
        var out = "{"
        for (i, key) in order.enumerated() {
            if i > 0 { out += "," }
            StoredJSON.writeString(key, to: &out)
            out += ":"
            StoredJSON.write(fields[key] ?? .null, to: &out)
        }
        return out + "}"
    }
}

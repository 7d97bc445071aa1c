/// One header of an outgoing HTTP request.
public struct HTTPHeader: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// `Name: value`, as libcurl's header list takes it.
    public var line: String { "\(name): \(value)" }

    /// The line with the value hidden: configured values may be secrets.
    public var description: String { "\(name): <…>" }
}

/// The headers the `http` transport sends with each message (SPEC §8, §9):
///
/// 1. `Content-Type: application/json`, unless the channel configures its own `Content-Type`;
/// 2. `Idempotency-Key: <message key>`, so a gateway can drop a message sent twice after a crash;
/// 3. the channel's configured headers (`Authorization: Bearer …`), sorted by name.
///
/// A name must be an HTTP token; a value must not hold CR, LF, NUL or other control characters (a tab is
/// allowed), which would let a value start a header or a request of its own. `Idempotency-Key`,
/// `Content-Length`, `Transfer-Encoding` and `Host` are nudge's or libcurl's to set, not the configuration's.
/// Errors name the header, never its value.
public enum HTTPHeaders {
    /// Names (lower case) the configuration may not set.
    static let reserved: Set<String> = ["idempotency-key", "content-length", "transfer-encoding", "host"]

    /// The headers for the message with idempotency key `key` on a channel with `configured` headers.
    public static func build(configured: [String: Secret], key: String) throws(HTTPHeaderError) -> [HTTPHeader] {
        var problems = problems(in: configured)
        if let problem = valueProblem(key) { problems.append("the message key \(problem)") }
        guard problems.isEmpty else { throw HTTPHeaderError(problems: problems) }

        let names = configured.keys.sorted { ($0.lowercased(), $0) < ($1.lowercased(), $1) }
        var headers: [HTTPHeader] = []
        if !names.contains(where: { $0.lowercased() == "content-type" }) {
            headers.append(HTTPHeader(name: "Content-Type", value: "application/json"))
        }
        headers.append(HTTPHeader(name: "Idempotency-Key", value: key))
        for name in names {
            headers.append(HTTPHeader(name: name, value: configured[name]!.value))
        }
        return headers
    }

    /// What is wrong with a channel's configured headers, one sentence each; empty when nothing is.
    /// For `nudge check` as much as for sending.
    public static func problems(in configured: [String: Secret]) -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        for name in configured.keys.sorted() {
            let lower = name.lowercased()
            if !isToken(name) {
                problems.append(
                    "the header name \(name.debugDescription) is not a valid HTTP header name "
                        + "(letters, digits and !#$%&'*+-.^_`|~)")
                continue
            }
            if reserved.contains(lower) {
                problems.append("the header \(name) is set by nudge or libcurl; remove it from the channel's headers")
            }
            if !seen.insert(lower).inserted {
                problems.append("the header \(name) is configured twice (header names ignore case)")
            }
            if let problem = valueProblem(configured[name]!.value) {
                problems.append("the value of header \(name) \(problem)")
            }
        }
        return problems
    }

    /// Why `value` cannot be a header value, or nil.
    static func valueProblem(_ value: String) -> String? {
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x0D, 0x0A: return "contains a line break (CR or LF)"
            case 0x00: return "contains a NUL character"
            case 0x09: continue
            case 0x01..<0x20, 0x7F: return "contains a control character"
            default: continue
            }
        }
        return nil
    }

    /// RFC 9110 `token`: one or more of letters, digits and ``!#$%&'*+-.^_`|~``.
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9": true
                case "!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~": true
                default: false
                }
            }
    }
}

/// Why the headers for a message cannot be built. Permanent until the configuration changes.
public struct HTTPHeaderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One sentence per problem; none holds a header value.
    public var problems: [String]

    public var description: String { problems.joined(separator: "; ") }

    /// The error as a delivery outcome: failed, not to be retried.
    public var deliveryResult: DeliveryResult { .failed(error: description, permanent: true, retryAfter: nil) }
}

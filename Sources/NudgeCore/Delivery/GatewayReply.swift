/// What an HTTP gateway (Kannel's sendsms, a push service) answered: the input of the outcome decisions.
/// The transport adapter fills it from the HTTP response; nothing here knows how the request was made.
public struct GatewayReply: Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// Response headers by lower-cased name; a repeated header holds its values joined with `, `.
    public var headers: [String: String]
    /// The response body as received (possibly cut by the adapter).
    public var body: [UInt8]

    /// Header names are lower-cased here, whatever the caller passes.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.body = body
        // The transports pass names lower-cased already: those are kept as they are.
        if headers.keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 && !(0x41...0x5A).contains($0) } }) {
            self.headers = headers
            return
        }
        var lowered: [String: String] = [:]
        for (name, value) in headers {
            let key = name.lowercased()
            lowered[key] = lowered[key].map { $0 + ", " + value } ?? value
        }
        self.headers = lowered
    }

    /// A reply whose body is `text` in UTF-8.
    public init(status: Int, headers: [String: String] = [:], text: String) {
        self.init(status: status, headers: headers, body: Array(text.utf8))
    }

    /// The value of header `name` (any case), or nil.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The body as text, trimmed; bytes that are not UTF-8 become U+FFFD.
    public var bodyText: String {
        String(decoding: body, as: UTF8.self).trimmingWhitespace()
    }

    /// The body as one line for an error message: control characters and runs of white space become one space,
    /// and a body longer than `limit` characters is cut with `…`. Empty when the body is.
    public func excerpt(limit: Int = 200) -> String {
        var line = ""
        var pendingSpace = false
        for scalar in String(decoding: body, as: UTF8.self).unicodeScalars {
            let properties = scalar.properties
            if properties.isWhitespace || properties.generalCategory == .control
                || properties.generalCategory == .format
            {
                pendingSpace = !line.isEmpty
                continue
            }
            if pendingSpace { line.unicodeScalars.append(" ") }
            pendingSpace = false
            line.unicodeScalars.append(scalar)
        }
        guard line.count > limit else { return line }
        return String(line.prefix(max(0, limit - 1))).trimmingWhitespace() + "…"
    }
}

/// Why a request got no HTTP answer. Every case is worth retrying: the gateway may be back later.
/// The message is the client's own description (libcurl's error text), free of secrets.
public enum GatewayFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Nothing listens at the address, or the host could not be reached or resolved.
    case connectionFailed(String)
    /// No complete answer within the channel's timeout.
    case timedOut(String)
    /// The TLS handshake failed, or the certificate was not trusted.
    case tls(String)
    /// The connection closed before a complete answer.
    case dropped(String)
    /// Anything else the client reports.
    case other(String)

    /// The client's message.
    public var message: String {
        switch self {
        case .connectionFailed(let m), .timedOut(let m), .tls(let m), .dropped(let m), .other(let m): m
        }
    }

    public var description: String {
        let kind =
            switch self {
            case .connectionFailed: "connection failed"
            case .timedOut: "timed out"
            case .tls: "TLS failed"
            case .dropped: "connection dropped"
            case .other: "transfer failed"
            }
        return message.isEmpty ? kind : "\(kind): \(message)"
    }

    /// The failure as a delivery outcome: retryable, with no delay asked for.
    public var deliveryResult: DeliveryResult { .failed(error: description, permanent: false, retryAfter: nil) }
}

extension String {
    /// The string without leading and trailing white space (Unicode's definition).
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}

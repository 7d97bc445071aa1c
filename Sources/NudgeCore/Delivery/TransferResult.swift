/// How one finished network transfer (an SMTP submission, an HTTP request) ended: the plain facts that the
/// outcome classifiers (`SMTPOutcome`, the HTTP gateways' ones) turn into a `DeliveryResult`. Built by the
/// delivery adapter from what its client library reports; nothing here knows that library.
public enum TransferResult: Sendable, Hashable {
    /// The peer answered. `code` is the HTTP status, or the code of the SMTP server's last reply (a refusal ends
    /// the exchange, so it is the refusing one). `headers` are the HTTP response headers keyed by lowercased
    /// name (a repeated header keeps its last value); empty for SMTP. `body` is the HTTP response body, or for
    /// SMTP the text of the last reply (`250 2.0.0 Ok: queued as 4F2A1`).
    case response(code: Int, headers: [String: String], body: [UInt8])
    /// No answer to judge: the connection could not be made, TLS failed, the exchange broke off or time ran
    /// out. `message` is the transport's own explanation, for the dispatch log.
    case transportError(TransferErrorCategory, message: String)

    /// A response header by name, in any case; nil for a transport error or a missing header.
    public func header(_ name: String) -> String? {
        guard case .response(_, let headers, _) = self else { return nil }
        return headers[name.lowercased()]
    }
}

/// Why a transfer ended without an answer to judge.
public enum TransferErrorCategory: String, Sendable, Hashable, CaseIterable {
    /// The host name did not resolve or nothing accepted the connection.
    case couldNotConnect
    /// The configured time ran out (connecting, or the whole transfer).
    case timeout
    /// TLS could not be set up: a handshake or certificate failure, or STARTTLS required and not offered.
    case tls
    /// The connection broke during the exchange: closed by the peer, reset, or an answer that made no sense.
    case sendReceive
    /// Anything else (a local failure, the delivery loop shutting down).
    case other
}

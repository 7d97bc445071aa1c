extension TransferResult {
    /// The transfer as an HTTP gateway's attempt, the input of `HTTPOutcome` and `KannelOutcome`: an answer
    /// becomes a `GatewayReply` (status, headers, body), no answer the `GatewayFailure` of its kind: could not
    /// connect → `connectionFailed`, timeout → `timedOut`, TLS → `tls`, broken off mid-exchange → `dropped`,
    /// anything else → `other`, each with the transport's own message.
    public var gatewayAttempt: Result<GatewayReply, GatewayFailure> {
        switch self {
        case .response(let code, let headers, let body):
            return .success(GatewayReply(status: code, headers: headers, body: body))
        case .transportError(let category, let message):
            switch category {
            case .couldNotConnect: return .failure(.connectionFailed(message))
            case .timeout: return .failure(.timedOut(message))
            case .tls: return .failure(.tls(message))
            case .sendReceive: return .failure(.dropped(message))
            case .other: return .failure(.other(message))
            }
        }
    }
}

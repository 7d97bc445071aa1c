import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The control API of the recording HTTP sink (`PeerProcess.Kind.httpSink`, `Tests/Peers/http_sink.py`): script
/// its next answers, read back what it received.
public struct HTTPSink: Sendable {
    /// One request the sink received, as it recorded it.
    public struct Request: Sendable {
        /// 1 for the first request, counting every request (faults included).
        public var number: Int
        /// When it arrived (Unix seconds).
        public var time: TimeInterval
        public var method: String
        public var path: String
        /// Headers in the order received.
        public var headers: [(name: String, value: String)]
        /// The body as UTF-8 text (nil when it was not UTF-8).
        public var body: String?
        /// What the sink answered: a status code, or nil when it dropped the connection.
        public var status: Int?

        /// The value of header `name`, in any case.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The body parsed as JSON.
        public var json: Any? {
            body.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
        }
    }

    public let port: Int

    public init(_ peer: PeerProcess) {
        port = peer.port
    }

    /// `http://127.0.0.1:<port>`, the address to post to.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Scripts the sink's next answers, one per request, in order (`{"status": 503, "headers": {"Retry-After":
    /// "2"}}`, `{"drop": true}`, `{"delay": 3}`, `{"status": 200, "body": "…"}`); `default` (same form) answers
    /// once the queue is used up. See `http_sink.py`.
    public func script(_ queue: [[String: any Sendable]], default answer: [String: any Sendable]? = nil) async throws {
        var control: [String: Any] = ["queue": queue]
        if let answer { control["default"] = answer }
        let reply = try await call("POST", "/__sink/faults", body: try JSONSerialization.data(withJSONObject: control))
        guard reply.status == 200 else { throw PeerError("the http sink refused the faults: \(reply.text)") }
    }

    /// Every request received so far, in order.
    public func requests() async throws -> [Request] {
        let reply = try await call("GET", "/__sink/requests", body: nil)
        guard reply.status == 200, let list = try JSONSerialization.jsonObject(with: reply.data) as? [[String: Any]]
        else { throw PeerError("the http sink's requests are unreadable: \(reply.text)") }
        return list.map { record in
            let headers = (record["headers"] as? [[String]] ?? []).compactMap { pair in
                pair.count == 2 ? (name: pair[0], value: pair[1]) : nil
            }
            return Request(
                number: record["n"] as? Int ?? 0, time: record["t"] as? Double ?? 0,
                method: record["method"] as? String ?? "", path: record["path"] as? String ?? "", headers: headers,
                body: record["body"] as? String, status: record["status"] as? Int)
        }
    }

    private func call(_ method: String, _ path: String, body: Data?) async throws -> (
        status: Int, data: Data, text: String
    ) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data, String(decoding: data, as: UTF8.self))
    }
}

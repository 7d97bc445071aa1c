import Foundation
import NudgeCore

/// A secret the daemon needs (the API token, the unsubscribe-link key): the configured one, or one generated on
/// first start into a file of the data folder (mode 0600) and read from there on every later start.
enum StoredSecret {
    struct Resolved {
        var token: String
        /// Where it was read from or written to; nil when it came from the configuration.
        var file: String?
        var generated: Bool
    }

    /// The API token: `api_token`, or `<data_dir>/api-token`.
    static func apiToken(configured: Secret?, dataDirectory: String) throws -> Resolved {
        try resolve(configured: configured, dataDirectory: dataDirectory, fileName: "api-token", what: "the API token")
    }

    /// The key of unsubscribe links: `unsubscribe.secret`, or `<data_dir>/unsubscribe-secret`.
    static func unsubscribeSecret(configured: Secret?, dataDirectory: String) throws -> Resolved {
        try resolve(
            configured: configured, dataDirectory: dataDirectory, fileName: "unsubscribe-secret",
            what: "the unsubscribe secret")
    }

    static func resolve(configured: Secret?, dataDirectory: String, fileName: String, what: String) throws -> Resolved {
        if let configured, !configured.value.isEmpty { return Resolved(token: configured.value, file: nil, generated: false) }
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !token.isEmpty { return Resolved(token: token, file: path, generated: false) }
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let created = FileManager.default.createFile(
            atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        guard created else { throw DaemonError("cannot write \(what) to \(path)") }
        return Resolved(token: token, file: path, generated: true)
    }
}

/// A startup problem, said plainly.
public struct DaemonError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

import Foundation
import NudgeCore

/// The API token: the configured one, or one generated on first start into `<data_dir>/api-token` (mode 0600).
enum APIToken {
    struct Resolved {
        var token: String
        /// Where it was read from or written to; nil when it came from the configuration.
        var file: String?
        var generated: Bool
    }

    static func resolve(configured: Secret?, dataDirectory: String) throws -> Resolved {
        if let configured, !configured.value.isEmpty { return Resolved(token: configured.value, file: nil, generated: false) }
        let path = (dataDirectory as NSString).appendingPathComponent("api-token")
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !token.isEmpty { return Resolved(token: token, file: path, generated: false) }
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let created = FileManager.default.createFile(
            atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        guard created else { throw DaemonError("cannot write the API token to \(path)") }
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

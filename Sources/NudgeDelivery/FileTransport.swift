import Foundation
import NudgeCore

/// The `file` transport (SPEC §8): each message becomes a file in `<directory>/<channel>/`, an `.eml` for email
/// and a `.json` payload for SMS and push, named after the message key. Delivering the same message again
/// replaces its file, so re-delivery after a crash leaves one file per message.
public struct FileDelivery: Sendable {
    public var directory: String
    /// The email `From`, as configured (`Shop <shop@example.vn>`).
    public var emailFrom: String

    public init(directory: String, emailFrom: String) {
        self.directory = directory
        self.emailFrom = emailFrom
    }

    /// Writes the message; returns the path written.
    public func deliver(_ message: OutboxMessage, now: Date) throws -> String {
        let folder = (directory as NSString).appendingPathComponent(message.channel.rawValue)
        let path = (folder as NSString).appendingPathComponent(
            Self.fileName(forKey: message.key, channel: message.channel))
        let data = try contents(of: message, now: now)
        try AtomicFile.createFolder(folder)
        try AtomicFile.write(data, to: path)
        return path
    }

    /// The file's bytes: the email document, or the JSON payload.
    func contents(of message: OutboxMessage, now: Date) throws -> Data {
        switch message.channel {
        case .email:
            let document = EmailDocument.build(
                content: message.content, from: emailFrom, to: message.recipient, messageKey: message.key, date: now,
                isMarketing: message.isMarketing)
            return Data(document.utf8)
        case .sms, .push:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            do {
                return try encoder.encode(MessagePayload(message)) + Data("\n".utf8)
            } catch {
                throw FileDeliveryError("cannot encode message \(message.key): \(error)")
            }
        }
    }

    /// A file name for a message key: its letters, digits, `-` and `_` kept and anything else (`/`, dots,
    /// spaces, non-ASCII) turned into `_`, followed by a digest of the whole key, so that two keys never share a
    /// file and the same key always has the same one.
    public static func fileName(forKey key: String, channel: Channel) -> String {
        let readable = String(
            key.unicodeScalars.prefix(120).map { scalar -> Character in
                let isSafe = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
                return isSafe || scalar == "-" || scalar == "_" ? Character(scalar) : "_"
            })
        let digest = SHA256.hex(key).prefix(16)
        return "\(readable)-\(digest).\(channel == .email ? "eml" : "json")"
    }
}

/// Why the `file` transport could not deliver a message.
public struct FileDeliveryError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

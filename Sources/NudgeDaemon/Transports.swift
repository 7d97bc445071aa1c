import Foundation
import NudgeCore
import NudgeDelivery

/// The `file` transport as a MessageTransport: writing a file either works or fails for a reason worth retrying
/// (a full disk, a permission fixed by the operator).
struct FileMessageTransport: MessageTransport {
    let delivery: FileDelivery

    func deliver(_ message: OutboxMessage, now: Date) async -> DeliveryResult {
        do {
            return .sent(providerID: try delivery.deliver(message, now: now))
        } catch {
            return .failed(error: "\(error)", permanent: false, retryAfter: nil)
        }
    }
}

enum Transports {
    /// One transport per configured channel; `outbox` is the default folder of the file transport.
    static func make(config: Config, outbox: String) throws -> [Channel: any MessageTransport] {
        var transports: [Channel: any MessageTransport] = [:]
        for (channel, settings) in config.channels {
            switch settings.transport {
            case .file(let file):
                transports[channel] = FileMessageTransport(
                    delivery: FileDelivery(directory: file.directory ?? outbox, emailFrom: "nudge <nudge@localhost>"))
            case .smtp, .kannel, .http:
                throw DaemonError(
                    "the \(settings.transport.name) transport of channel '\(channel.rawValue)' is not available in this build; use transport: file")
            }
        }
        return transports
    }
}

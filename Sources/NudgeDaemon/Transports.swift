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
    /// One transport per configured channel; `outbox` is the default folder of the file transport, `curl` the
    /// daemon's one multi loop, shared by every network transport; `receiptSecret` signs the delivery-report
    /// callbacks gateways make to `/v1/receipts/{channel}`; `templates` are the live templates (for the `http`
    /// transport's body template).
    static func make(
        config: Config, outbox: String, curl: CurlMultiLoop, receiptSecret: String,
        templates: @escaping @Sendable () -> TemplateSet
    ) throws -> [Channel: any MessageTransport] {
        var transports: [Channel: any MessageTransport] = [:]
        for (channel, settings) in config.channels {
            switch settings.transport {
            case .file(let file):
                transports[channel] = FileMessageTransport(
                    delivery: FileDelivery(directory: file.directory ?? outbox, emailFrom: "nudge <nudge@localhost>"))
            case .smtp(let smtp):
                transports[channel] = SMTPMessageTransport(
                    settings: smtp, timeout: settings.timeout, concurrency: settings.concurrency, loop: curl)
            case .http(let http):
                transports[channel] = HTTPMessageTransport(
                    settings: http, timeout: settings.timeout, concurrency: settings.concurrency, loop: curl,
                    templates: templates)
            case .kannel(let kannel):
                transports[channel] = KannelMessageTransport(
                    settings: kannel, timeout: settings.timeout, concurrency: settings.concurrency,
                    receipts: ReceiptCallback.kannel(kannel, channel: channel, listen: config.listen, secret: receiptSecret),
                    loop: curl)
            }
        }
        return transports
    }
}

extension Transports {
    /// One line per channel whose TLS certificates are not checked (`tls_verify: false`), for the log and the
    /// startup banner: such a channel is open to anyone on the network path.
    static func insecureTLSWarnings(config: Config) -> [String] {
        Channel.allCases.compactMap { channel in
            let tls: TLSSettings
            switch config.channels[channel]?.transport {
            case .smtp(let smtp)?: tls = smtp.tls
            case .http(let http)?: tls = http.tls
            default: return nil
            }
            guard !tls.verify else { return nil }
            return "TLS CERTIFICATES ARE NOT VERIFIED for channel '\(channel.rawValue)' (tls_verify: false): anyone on "
                + "the network path can read and change its messages; use this only in tests"
        }
    }

    /// Where a network channel delivers, for the startup banner (`smtp://mail.example.vn:587, STARTTLS required`).
    static func destination(of settings: ChannelSettings) -> String? {
        switch settings.transport {
        case .smtp(let smtp):
            let tls = smtp.url.lowercased().hasPrefix("smtps:") ? "TLS" : "STARTTLS \(smtp.startTLS.rawValue)"
            return "\(withoutCredentials(smtp.url)), \(tls)\(smtp.username == nil ? "" : ", AUTH")"
        case .http(let http): return withoutCredentials(http.url)
        case .kannel(let kannel): return withoutCredentials(kannel.url)
        case .file: return nil
        }
    }

    /// A URL with any `user:password@` replaced by `***@`: secrets stay out of logs.
    static func withoutCredentials(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + "***" + String(url[at...])
    }
}

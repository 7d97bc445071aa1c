import Foundation
import NudgeCore

/// A channel's transport that a reload can replace (a new password, URL or sender): a message already being
/// delivered finishes on the transport it started on; every later one uses the new transport.
final class SwappableTransport: MessageTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var current: any MessageTransport

    init(_ transport: any MessageTransport) {
        current = transport
    }

    /// The current transport's; a reload keeps the kind of transport of a channel unless its settings change it.
    var readyAhead: Int { lock.withLock { current.readyAhead } }

    func replace(with transport: any MessageTransport) {
        lock.withLock { current = transport }
    }

    func deliver(_ message: OutboxMessage, now: Date) async -> DeliveryResult {
        let transport = lock.withLock { current }
        return await transport.deliver(message, now: now)
    }

    func start(_ message: OutboxMessage, now: Date, completion: @escaping @Sendable (DeliveryResult) -> Void) {
        let transport = lock.withLock { current }
        transport.start(message, now: now, completion: completion)
    }
}

/// The daemon's channel transports, rebuilt from a reloaded configuration. The channels themselves, their
/// `concurrency` and `rate` are fixed at startup: a change to them is reported and waits for a restart.
struct LiveTransports: Sendable {
    let byChannel: [Channel: SwappableTransport]
    /// Builds the transports of a configuration (`Transports.make` with the daemon's loop and secrets).
    let build: @Sendable (Config) throws -> [Channel: any MessageTransport]

    init(config: Config, build: @escaping @Sendable (Config) throws -> [Channel: any MessageTransport]) throws {
        byChannel = try build(config).mapValues(SwappableTransport.init)
        self.build = build
    }

    var transports: [Channel: any MessageTransport] { byChannel.mapValues { $0 } }

    /// Replaces every channel's transport with one built from `config`; returns what could not change without a
    /// restart, one sentence each. Throws (and changes nothing) when the transports cannot be built.
    func reload(_ config: Config, startup: Config) throws -> [String] {
        let rebuilt = try build(config)
        for (channel, transport) in rebuilt { byChannel[channel]?.replace(with: transport) }
        var later: [String] = []
        for channel in Channel.allCases {
            let before = startup.channels[channel]
            let after = config.channels[channel]
            switch (before, after) {
            case (nil, nil): continue
            case (nil, _?), (_?, nil):
                later.append("channel '\(channel.rawValue)' was added or removed")
            case (let before?, let after?):
                if before.concurrency != after.concurrency || before.rate != after.rate {
                    later.append("the concurrency or rate of channel '\(channel.rawValue)' changed")
                }
            }
        }
        return later
    }
}

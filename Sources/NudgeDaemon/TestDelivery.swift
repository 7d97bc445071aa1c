import Foundation
import NudgeCore
import NudgeDelivery
import NudgeStore

/// One message sent for real through a channel's configured transport and logged as a test (`nudge
/// send-test`): the same transport, settings and secrets as the daemon's, outside its queue.
public enum TestDelivery {
    /// What happened, for the command to print.
    public struct Outcome: Sendable {
        public var result: DeliveryResult
        public var latencyMilliseconds: Int
        /// The dispatch log row written (`reason: test`).
        public var entry: DispatchLogEntry
    }

    /// Sends `message` through the transport `config` gives its channel, then appends a dispatch log row with
    /// reason `test` to the database in `config`'s data folder. `templates` hold an http body template.
    public static func send(
        _ message: OutboxMessage, config: Config, templates: TemplateSet, now: @Sendable () -> Date = { Date() }
    ) async throws -> Outcome {
        try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        let token = try StoredSecret.apiToken(configured: config.apiToken, dataDirectory: config.dataDirectory)
        let outbox = (config.dataDirectory as NSString).appendingPathComponent("outbox")
        let curl = CurlMultiLoop()
        let transports = try Transports.make(
            config: config, outbox: outbox, curl: curl, receiptSecret: token.token, templates: { templates })
        guard let transport = transports[message.channel] else {
            await curl.shutdown()
            throw DaemonError("channel '\(message.channel.rawValue)' has no transport")
        }
        let started = now()
        let result = await transport.deliver(message, now: started)
        let latency = Int((now().timeIntervalSince(started) * 1000).rounded())
        await curl.shutdown()

        var entry = DispatchLogEntry(
            at: now(), campaign: message.campaign, step: message.step, variant: message.variant,
            customerID: message.customerID, channel: message.channel, status: .sent, reason: "test", attempt: 1,
            messageKey: message.key, latencyMilliseconds: latency)
        switch result {
        case .sent(let providerID): entry.providerID = providerID
        case .failed(let error, _, _):
            entry.status = .failed
            entry.error = error
        case .offerExpired(let expiry):
            entry.status = .failed
            entry.error = "the offer expired at \(LogTime.format(expiry))"
        }
        let store = try SQLiteStore(path: (config.dataDirectory as NSString).appendingPathComponent("nudge.sqlite"))
        let logged = entry
        entry.seq = try store.write { try $0.appendLog(logged) }
        return Outcome(result: result, latencyMilliseconds: latency, entry: entry)
    }
}

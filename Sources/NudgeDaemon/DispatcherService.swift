import Foundation
import Logging
import NudgeCore
import NudgeServer
import ServiceLifecycle

/// Delivers queued outbox messages: one `ChannelDispatcher` per channel, so channels never wait for each other.
/// Also the rescuer: messages whose lease ran out (the process died mid-send) go back to the queue.
struct DispatcherService: Service {
    let database: DatabaseQueue
    let transports: [Channel: any MessageTransport]
    let settings: [Channel: ChannelSettings]
    let retry: RetrySettings
    /// Signalled when the scheduler queued messages.
    let wake: WakeSignal
    let logger: Logger
    let now: @Sendable () -> Date

    func run() async throws {
        let channels = transports.keys.sorted().map { channel in
            let options = settings[channel]
            let timeout = options?.timeout ?? 30
            return ChannelDispatcher(
                channel: channel, transport: transports[channel]!, concurrency: max(1, options?.concurrency ?? 4),
                rate: options?.rate, database: database, retry: retry, wake: WakeSignal(), logger: logger, now: now,
                timeout: timeout)
        }
        let stopping = StopFlag()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for dispatcher in channels {
                    group.addTask { await dispatcher.run(isStopping: { stopping.isSet }) }
                }
                group.addTask { await rescue(channels: channels, stopping: stopping) }
            }
        } onGracefulShutdown: {
            stopping.set()
            wake.signal()
            for dispatcher in channels { dispatcher.wake.signal() }
        }
    }

    /// Passes the scheduler's signals on to every channel and returns expired leases to the queue.
    private func rescue(channels: [ChannelDispatcher], stopping: StopFlag) async {
        while !stopping.isSet, !Task.isCancelled {
            var nextLeaseEnd: Date?
            do {
                let rescued = try await database.write { [now] tx in try tx.releaseExpiredLeases(now: now()) }
                for message in rescued {
                    logger.warning(
                        "message returned to the queue after its lease ran out",
                        metadata: ["message.key": "\(message.key)"])
                }
                nextLeaseEnd = try await database.read { try $0.earliestLeaseEnd() }
            } catch {
                logger.error("returning expired leases failed; retrying in 1s", metadata: ["error": "\(error)"])
                nextLeaseEnd = now() + 1
            }
            for dispatcher in channels { dispatcher.wake.signal() }
            await wake.wait(seconds: nextLeaseEnd.map { $0.timeIntervalSince(now()) + 0.001 } ?? 3600)
        }
    }
}

/// Set once, when the service is asked to stop.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

import Foundation
import Logging
import NudgeCore
import NudgeServer
import NudgeStore
import NudgeTesting
import Testing

@testable import NudgeDaemon

/// A transport whose deliveries wait until the test lets them go; it remembers how many ran at once.
private final class GatedTransport: MessageTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var open: Bool
    private(set) var inFlight = 0
    private(set) var mostAtOnce = 0
    private(set) var delivered: [String] = []
    private(set) var startTimes: [Date] = []

    init(open: Bool) { self.open = open }

    func deliver(_ message: OutboxMessage, now: Date) async -> DeliveryResult {
        let mustWait = lock.withLock {
            inFlight += 1
            mostAtOnce = max(mostAtOnce, inFlight)
            startTimes.append(Date())
            return !open
        }
        if mustWait { await withCheckedContinuation { continuation in lock.withLock { waiting.append(continuation) } } }
        lock.withLock {
            inFlight -= 1
            delivered.append(message.key)
        }
        return .sent(providerID: nil)
    }

    func release() {
        let released = lock.withLock {
            open = true
            defer { waiting.removeAll() }
            return waiting
        }
        released.forEach { $0.resume() }
    }

    var snapshot: (inFlight: Int, mostAtOnce: Int, delivered: Int, starts: [Date]) {
        lock.withLock { (inFlight, mostAtOnce, delivered.count, startTimes) }
    }
}

private struct Harness {
    let database: DatabaseQueue
    let directory: URL

    init() throws {
        directory = try ScratchDirectory.make("dispatch")
        database = DatabaseQueue(store: try SQLiteStore(path: directory.appendingPathComponent("nudge.sqlite").path))
    }

    func enqueue(_ count: Int, channel: Channel) async throws {
        let now = Date()
        try await database.write { tx in
            try tx.saveCustomer(Customer(id: "c1", email: "lan@example.vn", phone: "+84901234567", createdAt: now))
            for index in 0..<count {
                _ = try tx.enqueue(
                    OutboxMessage(
                        key: "campaign/step/c1/\(channel.rawValue)-\(index)", campaign: "campaign", step: "step",
                        customerID: "c1", channel: channel, recipient: Recipient(addresses: ["lan@example.vn"]),
                        content: MessageContent(subject: "Chào", text: "Chào chị Lan"), nextAttemptAt: now,
                        createdAt: now))
            }
        }
    }

    /// One message carrying an offer that expires at `expiry`.
    func enqueueOffer(expiring expiry: Date, channel: Channel) async throws {
        let now = Date()
        try await database.write { tx in
            try tx.saveCustomer(Customer(id: "c1", phone: "+84901234567", createdAt: now))
            _ = try tx.enqueue(
                OutboxMessage(
                    key: "upgrade/offer/c1/1", campaign: "upgrade", step: "offer", customerID: "c1", channel: channel,
                    recipient: Recipient(addresses: ["+84901234567"]),
                    content: MessageContent(text: "Mã NANGCAP20, hết hạn sau 48 giờ", offerExpiresAt: expiry),
                    nextAttemptAt: now, createdAt: now))
        }
    }

    func log() async throws -> [DispatchLogEntry] {
        try await database.read { try $0.dispatchLog(after: 0, filter: DispatchLogFilter(), limit: 100_000) }
    }

    func count(_ status: DispatchStatus) async throws -> Int {
        try await database.read { try $0.dispatchLog(after: 0, filter: DispatchLogFilter(), limit: 100_000) }
            .filter { $0.status == status }.count
    }

    func dispatcher(
        _ channel: Channel, _ transport: any MessageTransport, concurrency: Int, rate: Rate? = nil,
        retry: RetrySettings = RetrySettings(maxAttempts: 3, first: 30, max: 3600), timeout: TimeInterval = 5
    ) -> ChannelDispatcher {
        ChannelDispatcher(
            channel: channel, transport: transport, concurrency: concurrency, rate: rate, database: database,
            retry: retry, wake: WakeSignal(),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, now: { Date() }, timeout: timeout)
    }
}

/// A gateway that answers every message with a temporary failure.
private struct FailingTransport: MessageTransport {
    func deliver(_ message: OutboxMessage, now: Date) async -> DeliveryResult {
        .failed(error: "503 Service Unavailable", permanent: false, retryAfter: nil)
    }
}

/// A transport that answers through `start`'s completion: a third of the messages before `start` returns, the
/// others later from other threads, one of those two failed for good.
private struct CallbackTransport: MessageTransport {
    func deliver(_ message: OutboxMessage, now: Date) async -> DeliveryResult {
        await deliverByStarting(message, now: now)
    }

    func start(_ message: OutboxMessage, now: Date, completion: @escaping @Sendable (DeliveryResult) -> Void) {
        let index = Int(message.key.split(separator: "-").last ?? "") ?? 0
        switch index % 3 {
        case 0: completion(.sent(providerID: "at-once"))
        case 1: DispatchQueue.global().async { completion(.sent(providerID: "later")) }
        default:
            let refused = DeliveryResult.failed(error: "550 no such user", permanent: true, retryAfter: nil)
            DispatchQueue.global().async { completion(refused) }
        }
    }

    var readyAhead = 6
}

/// Polls `condition` until it holds or `seconds` pass.
private func eventually(within seconds: TimeInterval = 30, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date() + seconds
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

@Suite("Channel dispatcher")
struct ChannelDispatcherTests {
    @Test func neverMoreInFlightThanTheChannelsConcurrencyAndEveryOutcomeIsLogged() async throws {
        let harness = try Harness()
        try await harness.enqueue(40, channel: .email)
        let transport = GatedTransport(open: false)
        let stop = StopFlag()
        let dispatcher = harness.dispatcher(.email, transport, concurrency: 5)
        let running = Task { await dispatcher.run(isStopping: { stop.isSet }) }

        #expect(try await eventually { transport.snapshot.inFlight == 5 })
        #expect(transport.snapshot.mostAtOnce == 5)
        transport.release()
        #expect(try await eventually { try await harness.count(.sent) == 40 })
        #expect(transport.snapshot.mostAtOnce == 5)
        stop.set()
        dispatcher.wake.signal()
        await running.value
        #expect(try await harness.database.read { try $0.earliestMessageDue() } == nil)
    }

    /// A transport answering one attempt twice would make the dispatcher count less than nothing in flight and
    /// never stop: the time limit turns that into a failure.
    @Test(.timeLimit(.minutes(1)))
    func outcomesHandedOverAtOnceOrFromOtherThreadsAreEachRecordedOnce() async throws {
        let harness = try Harness()
        try await harness.enqueue(300, channel: .email)
        let stop = StopFlag()
        let dispatcher = harness.dispatcher(.email, CallbackTransport(), concurrency: 4)
        let running = Task { await dispatcher.run(isStopping: { stop.isSet }) }

        #expect(try await eventually { try await harness.log().count == 300 })
        stop.set()
        dispatcher.wake.signal()
        await running.value
        let log = try await harness.log()
        #expect(log.count == 300)
        #expect(Set(log.compactMap(\.messageKey)).count == 300)
        #expect(log.filter { $0.status == .sent }.count == 200)
        #expect(log.filter { $0.providerID == "at-once" }.count == 100)
        #expect(log.filter { $0.status == .failed && $0.error == "550 no such user" }.count == 100)
        #expect(try await harness.database.read { try $0.earliestMessageDue() } == nil)
    }

    @Test func aHungGatewayHoldsUpOnlyItsOwnChannel() async throws {
        let harness = try Harness()
        try await harness.enqueue(10, channel: .sms)
        try await harness.enqueue(30, channel: .email)
        let hung = GatedTransport(open: false)
        let healthy = GatedTransport(open: true)
        let stop = StopFlag()
        let sms = harness.dispatcher(.sms, hung, concurrency: 2)
        let email = harness.dispatcher(.email, healthy, concurrency: 4)
        let runs = [
            Task { await sms.run(isStopping: { stop.isSet }) }, Task { await email.run(isStopping: { stop.isSet }) },
        ]

        #expect(try await eventually { try await harness.count(.sent) == 30 })
        #expect(hung.snapshot.inFlight == 2)
        #expect(hung.snapshot.delivered == 0)

        // Stopping lets the hung attempts finish and be recorded; messages never started go back to the queue.
        stop.set()
        sms.wake.signal()
        email.wake.signal()
        hung.release()
        for run in runs { await run.value }
        #expect(try await harness.count(.sent) == 32)
        let queued = try await harness.database.write { tx in
            try tx.claimMessages(channel: .sms, now: Date() + 1, leaseUntil: Date() + 60, limit: 100)
        }
        #expect(queued.count == 8)
        #expect(queued.allSatisfy { $0.attempts == 0 })
    }

    /// An offer that has ended, and one with half a second left (a message started then could reach the gateway
    /// after the offer ended), relative to when the dispatcher starts.
    @Test(arguments: [-1.0, 0.5])
    func aMessageWhoseOfferHasExpiredOrIsAboutToIsNeverHandedToTheGateway(secondsLeft: Double) async throws {
        let harness = try Harness()
        let expiry = Date() + secondsLeft
        try await harness.enqueueOffer(expiring: expiry, channel: .sms)
        let transport = GatedTransport(open: true)
        let stop = StopFlag()
        let dispatcher = harness.dispatcher(.sms, transport, concurrency: 2)
        let running = Task { await dispatcher.run(isStopping: { stop.isSet }) }

        #expect(try await eventually { try await harness.count(.suppressed) == 1 })
        stop.set()
        dispatcher.wake.signal()
        await running.value
        #expect(transport.snapshot.delivered == 0)
        let entry = try #require(try await harness.log().first)
        #expect(entry.reason == "expired")
        #expect(entry.attempt == 0)
        #expect(entry.error == "the offer expires at \(LogTime.format(expiry)): too late to send the message")
        let message = try await harness.database.read { try $0.message(key: "upgrade/offer/c1/1") }
        #expect(message?.state == .failed)
        #expect(try await harness.count(.sent) == 0)
    }

    @Test func aRetryThatWouldComeAfterTheOfferExpiresEndsTheMessageAtOnce() async throws {
        let harness = try Harness()
        // The first retry would come two to four hours after the failure; the offer ends within one.
        try await harness.enqueueOffer(expiring: Date() + 3_600, channel: .sms)
        let stop = StopFlag()
        let dispatcher = harness.dispatcher(
            .sms, FailingTransport(), concurrency: 2, retry: RetrySettings(maxAttempts: 3, first: 14_400, max: 86_400))
        let running = Task { await dispatcher.run(isStopping: { stop.isSet }) }

        #expect(try await eventually { try await harness.count(.suppressed) == 1 })
        stop.set()
        dispatcher.wake.signal()
        await running.value
        let log = try await harness.log()
        #expect(log.map(\.status) == [.suppressed])
        #expect(log.first?.reason == "expired")
        #expect(log.first?.attempt == 1)
        #expect(log.first?.error == "503 Service Unavailable")
        let message = try await harness.database.read { try $0.message(key: "upgrade/offer/c1/1") }
        #expect(message?.state == .failed)
        #expect(try await harness.database.read { try $0.earliestMessageDue() } == nil)
    }

    @Test func aClaimedMessageKeepsItsLeaseWhileEveryAttemptAheadOfItRunsToItsTimeout() throws {
        let harness = try Harness()
        // SMTP's layout: 16 connections with three more messages ready for each, claims of 128 made when 64 are
        // left to start. The last message of a claim can wait behind 64 in flight, those 64 and 127 of its own
        // claim: 16 on its connection, each up to the 30 s timeout, before it runs.
        let dispatcher = harness.dispatcher(.email, CallbackTransport(readyAhead: 48), concurrency: 16, timeout: 30)
        #expect(dispatcher.lease >= 17 * 30)
        let slow = harness.dispatcher(
            .sms, CallbackTransport(readyAhead: 0), concurrency: 1, rate: Rate(count: 10, per: 60), timeout: 30)
        // A claim of 10 at 10/m: a minute of tokens, then one attempt.
        #expect(slow.lease >= 60 + 30)
    }

    @Test func aChannelWithARateClaimsNoMoreThanItStartsInAMinute() async throws {
        let harness = try Harness()
        try await harness.enqueue(40, channel: .sms)
        let stop = StopFlag()
        let dispatcher = harness.dispatcher(
            .sms, GatedTransport(open: true), concurrency: 4, rate: Rate(count: 10, per: 60))
        let running = Task { await dispatcher.run(isStopping: { stop.isSet }) }

        #expect(try await eventually { try await harness.count(.sent) == 1 })
        let states = try await harness.database.read { tx in
            try (0..<40).map { try tx.message(key: "campaign/step/c1/sms-\($0)")?.state }
        }
        #expect(states.filter { $0 == .queued }.count == 30)
        stop.set()
        dispatcher.wake.signal()
        await running.value
    }

    @Test func startsNoFasterThanTheChannelsRate() async throws {
        let harness = try Harness()
        try await harness.enqueue(14, channel: .push)
        let transport = GatedTransport(open: true)
        let stop = StopFlag()
        let dispatcher = harness.dispatcher(.push, transport, concurrency: 8, rate: Rate(count: 10, per: 1))
        let began = Date()
        let running = Task { await dispatcher.run(isStopping: { stop.isSet }) }

        #expect(try await eventually { try await harness.count(.sent) == 14 })
        stop.set()
        dispatcher.wake.signal()
        await running.value
        // A burst of 10, then one every 100 ms: the 14th token exists 0.4 s after the first was taken, which was
        // after `began`. (Starts can only be later than their tokens, never earlier.)
        let starts = transport.snapshot.starts.sorted()
        #expect(starts.count == 14)
        #expect(starts[13].timeIntervalSince(began) >= 0.39)
    }
}

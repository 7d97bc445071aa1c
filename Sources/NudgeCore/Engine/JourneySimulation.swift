import Foundation

/// The journey run forward on a virtual clock (`nudge simulate`): at each moment something falls due it makes the
/// decisions the daemon would make then — stage changes that need only time, dated promotions, due steps — and
/// takes every queued message as delivered the moment it is due, through no gateway. It writes to the store it is
/// given (enrollments move on, messages count against caps), so it is given a copy of the data.
public struct JourneySimulation: Sendable {
    public var engine: JourneyEngine
    /// Rows handled per query, as the daemon's services do.
    public var batchSize: Int

    public init(engine: JourneyEngine, batchSize: Int = 500) {
        self.engine = engine
        self.batchSize = batchSize
    }

    /// The provider id of a simulated delivery.
    public static let providerID = "simulated"

    /// Runs from `start` until `end` and returns the dispatch log rows written on the way, in order.
    public func run(on store: any Store, from start: Date, to end: Date) throws -> [DispatchLogEntry] {
        let firstSeq = try store.read { try $0.lastDispatchSeq() }
        var moment = start
        while moment <= end {
            try store.write { tx in try advance(tx, to: moment) }
            guard let next = try store.read({ try nextMoment(after: moment, in: $0) }) else { break }
            moment = next
        }
        return try store.read { try $0.dispatchLog(after: firstSeq, filter: DispatchLogFilter(), limit: Int.max) }
    }

    /// Everything due at `moment`, in the order the daemon's services meet it: stage sweep and dated promotions,
    /// then due steps, then delivery.
    private func advance(_ tx: any StoreTransaction, to moment: Date) throws {
        while try engine.sweepStages(in: tx, now: moment, limit: batchSize).checked == batchSize {}
        while try engine.runSchedules(in: tx, now: moment, limit: batchSize).more {}
        while try engine.runDueSteps(in: tx, now: moment, limit: batchSize).count == batchSize {}
        for channel in Channel.allCases {
            while try deliver(channel, in: tx, at: moment) == batchSize {}
        }
    }

    /// Takes a channel's due messages as sent; returns how many there were.
    private func deliver(_ channel: Channel, in tx: any StoreTransaction, at moment: Date) throws -> Int {
        let due = try tx.claimMessages(channel: channel, now: moment, leaseUntil: moment + 60, limit: batchSize)
        for message in due {
            let attempt = message.attempts + 1
            _ = try tx.finishAttempt(messageID: message.id, state: .sent, attempts: attempt, nextAttemptAt: nil)
            try tx.appendLog(
                DispatchLogEntry(
                    at: moment, campaign: message.campaign, step: message.step, variant: message.variant,
                    customerID: message.customerID, channel: message.channel, status: .sent, attempt: attempt,
                    messageKey: message.key, providerID: Self.providerID))
        }
        return due.count
    }

    /// The next moment anything is due: a step, a message, a customer's stage check or a promotion's start.
    /// Always later than `moment`, so the clock only moves forward.
    private func nextMoment(after moment: Date, in store: any StoreReader) throws -> Date? {
        let candidates = [
            try store.earliestEnrollmentDue(), try store.earliestMessageDue(), try store.earliestStageCheck(),
            engine.nextScheduleStart(after: moment),
        ]
        return candidates.compactMap { $0 }.min().map { max($0, moment + 1) }
    }
}

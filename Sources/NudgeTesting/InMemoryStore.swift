import Foundation
import NudgeCore

/// The Store in memory, for unit tests of the core. It passes the same conformance suite as SQLiteStore:
/// a write that throws leaves nothing behind.
public final class InMemoryStore: Store, @unchecked Sendable {
    private let lock = NSLock()
    private var state = MemoryState()

    public init() {}

    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try transaction { try body($0) }
    }

    public func writeEach<T>(_ bodies: [(any StoreTransaction) throws -> T]) -> [Result<T, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return WriteGroup.run(
            bodies.map { body in { try body($0) } }, transaction: { try transaction($0) },
            check: { (tx: MemoryTransaction) in try tx.state.checkForeignKeys() })
    }

    /// Commits what `body` did when it returns and every row names an existing customer.
    private func transaction<T>(_ body: (MemoryTransaction) throws -> T) throws -> T {
        let transaction = MemoryTransaction(state)
        let result = try body(transaction)
        try transaction.state.checkForeignKeys()
        state = transaction.state
        return result
    }

    public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(MemoryTransaction(state))
    }
}

struct MemoryState {
    var customers: [String: Customer] = [:]
    var products: [String: Product] = [:]
    var events: [Event] = []
    var eventIDs: Set<String> = []
    var stageHistory: [StageChange] = []
    var enrollments: [Int64: Enrollment] = [:]
    var nextEnrollmentID: Int64 = 1
    var outbox: [Int64: OutboxMessage] = [:]
    var outboxKeys: [String: Int64] = [:]
    var nextMessageID: Int64 = 1
    var log: [DispatchLogEntry] = []
    var scheduleRuns: [String: ScheduleRun] = [:]
    var coPurchases = MemoryCoPurchases()
}

extension MemoryState {
    /// Like SQLite's deferred foreign keys: everything that names a customer needs that customer at commit.
    func checkForeignKeys() throws {
        let referenced = events.map(\.customerID) + stageHistory.map(\.customerID)
            + enrollments.values.map(\.customerID) + outbox.values.map(\.customerID)
        if referenced.contains(where: { customers[$0] == nil }) { throw MemoryStoreError.foreignKey("customer") }
    }
}

final class MemoryTransaction: StoreTransaction {
    var state: MemoryState

    init(_ state: MemoryState) {
        self.state = state
    }

    func customer(_ id: String) throws -> Customer? { state.customers[id] }
    func product(_ sku: String) throws -> Product? { state.products[sku] }
    func products(skus: [String]) throws -> [Product] { skus.compactMap { state.products[$0] } }

    func stageHistory(customerID: String) throws -> [StageChange] {
        state.stageHistory.filter { $0.customerID == customerID }
    }

    func enrollments(customerID: String) throws -> [Enrollment] {
        state.enrollments.values.filter { $0.customerID == customerID }.sorted { $0.id < $1.id }
    }

    func enrollments(campaign: String, since: Date?) throws -> [Enrollment] {
        state.enrollments.values.filter { enrollment in
            enrollment.campaign == campaign && since.map { enrollment.enrolledAt >= $0 } ?? true
        }.sorted { $0.id < $1.id }.map { enrollment in
            var withoutTrigger = enrollment
            withoutTrigger.triggerEvent = nil
            return withoutTrigger
        }
    }

    func enrolledCampaigns() throws -> [String] {
        Set(state.enrollments.values.map(\.campaign)).sorted()
    }

    func forEachEvent(
        ofCustomersIn campaign: String, types: [String], through: Date, _ body: (Event) throws -> Void
    ) throws {
        let enrolled = Set(state.enrollments.values.filter { $0.campaign == campaign }.map(\.customerID))
        try state.events.enumerated()
            .filter { enrolled.contains($0.element.customerID) && $0.element.timestamp <= through && types.contains($0.element.type) }
            .sorted { ($0.element.customerID, $0.element.timestamp, $0.offset) < ($1.element.customerID, $1.element.timestamp, $1.offset) }
            .forEach { try body($0.element) }
    }

    func recommendedSKUs(campaign: String) throws -> [String: [String]] {
        var found: [String: [String]] = [:]
        for message in state.outbox.values where message.campaign == campaign && !message.content.recommendedSKUs.isEmpty {
            found[message.key] = message.content.recommendedSKUs
        }
        return found
    }

    func latestEnrollment(campaign: String, customerID: String) throws -> Enrollment? {
        try enrollments(customerID: customerID).last { $0.campaign == campaign }
    }

    func earliestEnrollmentDue() throws -> Date? {
        state.enrollments.values.filter { $0.state == .active }.compactMap(\.nextDueAt).min()
    }

    func earliestLeaseEnd() throws -> Date? {
        state.outbox.values.filter { $0.state == .sending }.compactMap(\.leaseUntil).min()
    }

    func earliestMessageDue(channel: Channel) throws -> Date? {
        state.outbox.values.filter { $0.state == .queued && $0.channel == channel }.map(\.nextAttemptAt).min()
    }

    func queuedMessageCount(channel: Channel) throws -> Int {
        state.outbox.values.filter { $0.state == .queued && $0.channel == channel }.count
    }

    func earliestMessageDue() throws -> Date? {
        let queued = state.outbox.values.filter { $0.state == .queued }.map(\.nextAttemptAt)
        let leased = state.outbox.values.filter { $0.state == .sending }.compactMap(\.leaseUntil)
        return (queued + leased).min()
    }

    func message(key: String) throws -> OutboxMessage? {
        state.outboxKeys[key].flatMap { state.outbox[$0] }
    }

    func customersDueForStageCheck(at now: Date, limit: Int) throws -> [String] {
        Array(
            state.customers.values.compactMap { customer in customer.facts.stageCheckAt.map { (customer.id, $0) } }
                .filter { $0.1 <= now }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0))
    }

    func customerIDs(after: String, limit: Int) throws -> [String] {
        Array(state.customers.keys.filter { $0 > after }.sorted().prefix(limit))
    }

    func scheduleRun(campaign: String) throws -> ScheduleRun? {
        state.scheduleRuns[campaign]
    }

    func saveScheduleRun(_ run: ScheduleRun) throws {
        state.scheduleRuns[run.campaign] = run
    }

    func earliestStageCheck() throws -> Date? {
        state.customers.values.compactMap(\.facts.stageCheckAt).min()
    }

    func recentMessages(customerID: String, since: Date) throws -> [RecentMessage] {
        state.outbox.values
            .filter {
                $0.customerID == customerID && $0.createdAt >= since && [.queued, .sending, .sent].contains($0.state)
            }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            .map { RecentMessage(campaign: $0.campaign, step: $0.step, channel: $0.channel, createdAt: $0.createdAt) }
    }

    func dispatchLog(after seq: Int64, filter: DispatchLogFilter, limit: Int) throws -> [DispatchLogEntry] {
        Array(
            state.log.filter { entry in
                entry.seq > seq && (filter.campaign.map { $0 == entry.campaign } ?? true)
                    && (filter.channel.map { $0 == entry.channel } ?? true)
                    && (filter.status.map { $0 == entry.status } ?? true)
                    && (filter.customerID.map { $0 == entry.customerID } ?? true)
                    && (filter.since.map { entry.at >= $0 } ?? true)
            }.prefix(limit))
    }

    func recentDispatches(customerID: String, limit: Int) throws -> [DispatchLogEntry] {
        Array(state.log.filter { $0.customerID == customerID }.reversed().prefix(limit))
    }

    func lastDispatches(filter: DispatchLogFilter, limit: Int) throws -> [DispatchLogEntry] {
        Array(try dispatchLog(after: 0, filter: filter, limit: Int.max).suffix(limit))
    }

    func lastDispatchSeq() throws -> Int64 { state.log.last?.seq ?? 0 }

    func count(of table: StoreTable) throws -> Int {
        switch table {
        case .customers: state.customers.count
        case .products: state.products.count
        case .events: state.events.count
        case .enrollments: state.enrollments.count
        case .outbox: state.outbox.count
        case .dispatchLog: state.log.count
        }
    }

    func saveCustomer(_ customer: Customer, previous: Customer?) throws {
        var stored = customer
        if let existing = state.customers[customer.id] { stored.createdAt = existing.createdAt }
        state.customers[customer.id] = stored
    }

    func saveProduct(_ product: Product) throws { state.products[product.sku] = product }

    func insertEvent(_ encoded: EncodedEvent) throws -> Bool {
        let event = encoded.event
        if let id = event.id {
            guard !state.eventIDs.contains(id) else { return false }
            state.eventIDs.insert(id)
        }
        state.events.append(event)
        return true
    }

    func appendStageChange(_ change: StageChange) throws {
        state.stageHistory.append(change)
    }

    func insertEnrollment(_ enrollment: Enrollment) throws -> Int64 {
        var stored = enrollment
        stored.id = state.nextEnrollmentID
        state.nextEnrollmentID += 1
        state.enrollments[stored.id] = stored
        return stored.id
    }

    func updateEnrollment(_ enrollment: Enrollment) throws {
        guard state.enrollments[enrollment.id] != nil else { return }
        state.enrollments[enrollment.id] = enrollment
    }

    func dueEnrollments(at now: Date, limit: Int) throws -> [Enrollment] {
        Array(
            state.enrollments.values.filter { $0.state == .active && ($0.nextDueAt.map { $0 <= now } ?? false) }
                .sorted { ($0.nextDueAt!, $0.id) < ($1.nextDueAt!, $1.id) }.prefix(limit))
    }

    func enqueue(_ message: OutboxMessage) throws -> Int64? {
        guard state.outboxKeys[message.key] == nil else { return nil }
        var stored = message
        stored.id = state.nextMessageID
        state.nextMessageID += 1
        state.outbox[stored.id] = stored
        state.outboxKeys[stored.key] = stored.id
        return stored.id
    }

    func claimMessages(channel: Channel, now: Date, leaseUntil: Date, limit: Int) throws -> [OutboxMessage] {
        let due = state.outbox.values.filter { $0.state == .queued && $0.channel == channel && $0.nextAttemptAt <= now }
            .sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }.prefix(limit)
        return due.map { message in
            var claimed = message
            claimed.state = .sending
            claimed.leaseUntil = leaseUntil
            state.outbox[claimed.id] = claimed
            return claimed
        }
    }

    func finishAttempt(messageID: Int64, state newState: OutboxMessage.State, attempts: Int, nextAttemptAt: Date?)
        throws -> Bool
    {
        guard var message = state.outbox[messageID], message.state == .sending else { return false }
        message.state = newState
        message.attempts = attempts
        if let nextAttemptAt { message.nextAttemptAt = nextAttemptAt }
        message.leaseUntil = nil
        state.outbox[messageID] = message
        return true
    }

    func releaseExpiredLeases(now: Date) throws -> [OutboxMessage] {
        let expired = state.outbox.values.filter { $0.state == .sending && ($0.leaseUntil.map { $0 < now } ?? false) }
        return expired.sorted { $0.id < $1.id }.map { message in
            var released = message
            released.state = .queued
            released.leaseUntil = nil
            state.outbox[released.id] = released
            return released
        }
    }

    func releaseAllLeases() throws -> [OutboxMessage] {
        state.outbox.values.filter { $0.state == .sending }.sorted { $0.id < $1.id }.map { message in
            var released = message
            released.state = .queued
            released.leaseUntil = nil
            state.outbox[released.id] = released
            return released
        }
    }

    func appendLog(_ entry: DispatchLogEntry) throws -> Int64 {
        var stored = entry
        stored.seq = (state.log.last?.seq ?? 0) + 1
        // The log keeps times to the nearest millisecond, like the SQLite store.
        stored.at = Date(timeIntervalSince1970: (entry.at.timeIntervalSince1970 * 1000).rounded() / 1000)
        state.log.append(stored)
        return stored.seq
    }
}

enum MemoryStoreError: Error {
    case foreignKey(String)
}

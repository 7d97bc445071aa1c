import Foundation

/// Where nudge keeps customers, products, events, enrollments, the outbox and the dispatch log.
///
/// Every write happens inside `write`, one transaction that commits when the closure returns and rolls
/// back when it throws, or `writeEach`, several such writes sharing one transaction. Implementations serialise
/// writers; callers never hold a transaction across an await.
public protocol Store: ReadableStore {
    func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T

    /// Runs the bodies in order in one transaction, each committing or failing as if it were the only one: the
    /// results are theirs (see `WriteGroup`). A body may run more than once, and must do nothing but read and write
    /// through its transaction.
    ///
    /// A commit writes every page its transaction changed: a page that several bodies change is written once.
    func writeEach<T>(_ bodies: [(any StoreTransaction) throws -> T]) -> [Result<T, any Error>]
}

/// A database that can be read: a `Store`, or a read-only connection beside the writer (reports, `nudge tail`).
public protocol ReadableStore: AnyObject, Sendable {
    func read<T>(_ body: (any StoreReader) throws -> T) throws -> T
}

/// Which dispatch log rows to read.
public struct DispatchLogFilter: Sendable, Hashable {
    public var campaign: String?
    public var channel: Channel?
    public var status: DispatchStatus?
    public var customerID: String?
    public var since: Date?

    public init(
        campaign: String? = nil, channel: Channel? = nil, status: DispatchStatus? = nil, customerID: String? = nil,
        since: Date? = nil
    ) {
        self.campaign = campaign
        self.channel = channel
        self.status = status
        self.customerID = customerID
        self.since = since
    }
}

/// Reads, inside or outside a write transaction.
public protocol StoreReader {
    func customer(_ id: String) throws -> Customer?
    func product(_ sku: String) throws -> Product?
    func products(skus: [String]) throws -> [Product]
    func stageHistory(customerID: String) throws -> [StageChange]
    /// Every enrollment of a customer, oldest first.
    func enrollments(customerID: String) throws -> [Enrollment]
    /// The most recent enrollment of a customer in a campaign.
    func latestEnrollment(campaign: String, customerID: String) throws -> Enrollment?
    /// A campaign's enrollments that started at or after `since` (all when nil), oldest first, without their
    /// trigger events: what reports count.
    func enrollments(campaign: String, since: Date?) throws -> [Enrollment]
    /// Every campaign that has enrollments, in name order (reports cover campaigns whose file is gone, too).
    func enrolledCampaigns() throws -> [String]
    /// Calls `body` with each event of the given types up to `through` (inclusive) of every customer ever enrolled
    /// in `campaign`, by customer id, then in time order (then in the order stored), one at a time: a report reads
    /// them all and keeps only what it needs.
    func forEachEvent(
        ofCustomersIn campaign: String, types: [String], through: Date, _ body: (Event) throws -> Void) throws
    /// The SKUs recommended in each of a campaign's messages that recommended any, by message key.
    func recommendedSKUs(campaign: String) throws -> [String: [String]]
    /// The earliest `next_due_at` of an active enrollment.
    func earliestEnrollmentDue() throws -> Date?
    /// The earliest `next_attempt_at` of a queued message, or lease end of a message being sent.
    func earliestMessageDue() throws -> Date?
    /// When the first lease of a message being sent ends.
    func earliestLeaseEnd() throws -> Date?
    /// The earliest `next_attempt_at` of a channel's queued messages.
    func earliestMessageDue(channel: Channel) throws -> Date?
    /// How many of a channel's messages are queued (waiting for a first or next attempt), for `/metrics`.
    func queuedMessageCount(channel: Channel) throws -> Int
    func message(key: String) throws -> OutboxMessage?
    /// A customer's messages created at or after `since` that were not refused or given up (queued, being sent
    /// or sent), oldest first: what frequency caps count.
    func recentMessages(customerID: String, since: Date) throws -> [RecentMessage]
    /// Customers whose stage may have changed by time alone at `now` (`stageCheckAt` reached), earliest first.
    func customersDueForStageCheck(at now: Date, limit: Int) throws -> [String]
    /// The earliest `stageCheckAt` of any customer.
    func earliestStageCheck() throws -> Date?
    /// Customer ids greater than `after`, in order (the empty string starts at the first).
    func customerIDs(after: String, limit: Int) throws -> [String]
    /// How far a schedule trigger has got, or nil before it first fired.
    func scheduleRun(campaign: String) throws -> ScheduleRun?
    /// Rows with `seq` greater than `after`, in `seq` order.
    func dispatchLog(after seq: Int64, filter: DispatchLogFilter, limit: Int) throws -> [DispatchLogEntry]
    /// The last `limit` rows for one customer, newest first.
    func recentDispatches(customerID: String, limit: Int) throws -> [DispatchLogEntry]
    /// The last `limit` rows that match, in `seq` order.
    func lastDispatches(filter: DispatchLogFilter, limit: Int) throws -> [DispatchLogEntry]
    /// The highest `seq` in the dispatch log, 0 when it is empty.
    func lastDispatchSeq() throws -> Int64
    func count(of table: StoreTable) throws -> Int

    // MARK: recommendations

    /// For each SKU in `skus`, the active products most often bought by the customers who bought it (see
    /// `CoPurchaseDelta` for what is counted): at most `limit` per source, those bought by the most customers first
    /// (then by SKU), at most `scanning`. With `categories`, only those categories, found among the source's
    /// `scanning` most co-purchased SKUs (a bound on the work of a lookup that few pairs match).
    ///
    /// Each pair kept is admitted to `cutoff`; pairs of a source bought by fewer customers than
    /// `cutoff.leastCustomers(sourceCustomers:)` then asks for are left out, as they cannot change what the caller
    /// offers.
    func coPurchases(
        of skus: [String], categories: [String], limit: Int, scanning: Int, cutoff: inout CoPurchaseCutoff
    ) throws -> [CoPurchase]
    /// How many customers have bought anything: the base of lift.
    func purchasingCustomers() throws -> Int
    /// Active products in `categories`, those bought by the most customers first (then by SKU), at most `limit`.
    func popularProducts(in categories: [String], limit: Int) throws -> [Product]
}

/// Tables whose size is worth reporting.
public enum StoreTable: String, Sendable, CaseIterable {
    case customers, products, events, enrollments, outbox, dispatchLog = "dispatch_log"
}

/// Writes, inside one transaction.
public protocol StoreTransaction: StoreReader {
    /// Inserts or replaces a customer's profile, facts and stage. `previous` is the customer as read in this
    /// transaction (nil when new or unknown): a store may skip writing a customer equal to it.
    func saveCustomer(_ customer: Customer, previous: Customer?) throws
    func saveProduct(_ product: Product) throws
    /// Stores an event; false (and nothing stored) when an event with the same `id` exists.
    func insertEvent(_ event: EncodedEvent) throws -> Bool
    func appendStageChange(_ change: StageChange) throws
    /// Stores a new enrollment and returns its id.
    func insertEnrollment(_ enrollment: Enrollment) throws -> Int64
    func updateEnrollment(_ enrollment: Enrollment) throws
    /// Active enrollments due at or before `now`, earliest first.
    func dueEnrollments(at now: Date, limit: Int) throws -> [Enrollment]
    /// Adds a message to the outbox; nil when a message with the same key exists (nothing changes).
    func enqueue(_ message: OutboxMessage) throws -> Int64?
    /// Claims queued messages of a channel due at or before `now`: they become `sending` until `leaseUntil`.
    func claimMessages(channel: Channel, now: Date, leaseUntil: Date, limit: Int) throws -> [OutboxMessage]
    /// Records the result of a delivery attempt, only if the message is still `sending`; false otherwise.
    func finishAttempt(
        messageID: Int64, state: OutboxMessage.State, attempts: Int, nextAttemptAt: Date?
    ) throws -> Bool
    /// Records the results of several delivery attempts, each as `finishAttempt` would; returns, in order,
    /// whether each was recorded.
    func finishAttempts(_ attempts: [FinishedAttempt]) throws -> [Bool]
    /// Returns messages whose lease ended before `now` to the queue; returns them.
    func releaseExpiredLeases(now: Date) throws -> [OutboxMessage]
    /// Returns every message being sent to the queue, whatever its lease, and returns them. Only for a process that
    /// knows no other holds leases on this store: the one daemon on its database, at start, after the previous
    /// process died mid-send.
    func releaseAllLeases() throws -> [OutboxMessage]
    /// Appends a row to the dispatch log and returns its `seq`.
    @discardableResult func appendLog(_ entry: DispatchLogEntry) throws -> Int64
    /// Appends rows to the dispatch log in order and returns their `seq`s, in the same order.
    @discardableResult func appendLogs(_ entries: [DispatchLogEntry]) throws -> [Int64]
    /// Records how far a schedule trigger has got.
    func saveScheduleRun(_ run: ScheduleRun) throws
    /// Adds one purchase's contribution to the co-purchase statistics, in the transaction that stores it.
    func addCoPurchases(_ counts: CoPurchaseCounts) throws
}

extension StoreReader {
    /// `coPurchases(of:categories:limit:scanning:cutoff:)` without a cutoff, by default over each source's whole
    /// list.
    public func coPurchases(
        of skus: [String], categories: [String], limit: Int, scanning: Int = .max
    ) throws -> [CoPurchase] {
        var cutoff = CoPurchaseCutoff.none
        return try coPurchases(of: skus, categories: categories, limit: limit, scanning: scanning, cutoff: &cutoff)
    }
}

extension StoreTransaction {
    /// Inserts or replaces every part of a customer.
    public func saveCustomer(_ customer: Customer) throws {
        try saveCustomer(customer, previous: nil)
    }

    /// Stores an event; false (and nothing stored) when an event with the same `id` exists.
    public func insertEvent(_ event: Event) throws -> Bool {
        try insertEvent(EncodedEvent(event))
    }

    /// One message at a time; a store that can update several at once more cheaply does so.
    public func finishAttempts(_ attempts: [FinishedAttempt]) throws -> [Bool] {
        try attempts.map {
            try finishAttempt(
                messageID: $0.messageID, state: $0.state, attempts: $0.attempts, nextAttemptAt: $0.nextAttemptAt)
        }
    }

    /// One row at a time; a store that can write several rows at once more cheaply does so.
    @discardableResult public func appendLogs(_ entries: [DispatchLogEntry]) throws -> [Int64] {
        try entries.map { try appendLog($0) }
    }
}

extension StoreReader {
    /// `forEachEvent(ofCustomersIn:types:through:_:)` as a list.
    public func events(ofCustomersIn campaign: String, types: [String], through: Date) throws -> [Event] {
        var events: [Event] = []
        try forEachEvent(ofCustomersIn: campaign, types: types, through: through) { events.append($0) }
        return events
    }
}

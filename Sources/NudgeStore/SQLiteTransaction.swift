import Foundation
import NudgeCore

/// Every SQL statement nudge runs, over one connection inside a transaction (the outbox's in SQLiteOutbox.swift).
struct SQLiteTransaction: StoreTransaction {
    let db: SQLiteConnection
    /// The writer's customers and products, when it keeps them (see `KeptRecords`).
    let kept: KeptRecords?

    init(_ db: SQLiteConnection, kept: KeptRecords? = nil) {
        self.db = db
        self.kept = kept
    }

    // MARK: customers

    /// A customer's row: profile, stage and facts.
    private static let customerColumns = """
        id, email, phone, push_tokens, timezone, locale, attributes, consent, created_at, updated_at, stage,
        stage_entered_at, purchase_count, total_spent, first_purchase_at, last_purchase_at, signup_at, trial_ends_at,
        plan, usage, owned_skus, owned_categories, complaints, unsubscribed, unsubscribed_all, stage_check_at
        """

    func customer(_ id: String) throws -> Customer? {
        if let customer = kept?.customers.row(id) { return customer }
        let found = try db.statement("SELECT \(Self.customerColumns) FROM customers WHERE id = ?1").first(
            [.text(id)], Self.readCustomer)
        if let found { kept?.customers.keep(found, key: id) }
        return found
    }

    private static func readCustomer(_ row: Statement) -> Customer {
        var facts = CustomerFacts()
        facts.purchaseCount = Int(row.int(12))
        facts.totalSpent = row.double(13)
        facts.firstPurchaseAt = row.optionalDate(14)
        facts.lastPurchaseAt = row.optionalDate(15)
        facts.signupAt = row.optionalDate(16)
        facts.trialEndsAt = row.optionalDate(17)
        facts.plan = row.optionalText(18)
        for (metric, value) in StoredJSON.decodeMap(row.text(19)) {
            if case .number(let used) = value["used"], case .number(let limit) = value["limit"] {
                facts.usage[metric] = CustomerFacts.Usage(used: used, limit: limit)
            }
        }
        facts.ownedSKUs = StoredJSON.decodeStrings(row.text(20))
        facts.ownedCategories = StoredJSON.decodeStrings(row.text(21))
        facts.complaints = Int(row.int(22))
        facts.unsubscribed = Set(StoredJSON.decodeStrings(row.text(23)).compactMap(Channel.init(rawValue:)))
        facts.unsubscribedFromAll = row.int(24) != 0
        facts.stageCheckAt = row.optionalDate(25)
        var consent: [Channel: Bool] = [:]
        for (key, value) in StoredJSON.decodeMap(row.text(7)) {
            if let channel = Channel(rawValue: key), case .bool(let given) = value { consent[channel] = given }
        }
        return Customer(
            id: row.text(0), email: row.optionalText(1), phone: row.optionalText(2),
            pushTokens: StoredJSON.decodeStrings(row.text(3)), timezone: row.optionalText(4),
            locale: row.optionalText(5), attributes: StoredJSON.decodeMap(row.text(6)), consent: consent,
            createdAt: row.date(8), updatedAt: row.date(9), facts: facts, stage: row.optionalText(10),
            stageEnteredAt: row.optionalDate(11))
    }

    /// Writes the customer's row, unless `previous` (the customer as stored) is the same; `created_at` stays as
    /// first written, in the row and in the kept customer.
    ///
    /// A customer read in this transaction exists: its row is updated. Any other is inserted, and updated only if
    /// its row turns out to exist (a caller that did not read it first), which then costs a read of `created_at`.
    /// (An upsert `RETURNING created_at` did the same in one statement, but made every save about 7 % slower.)
    func saveCustomer(_ customer: Customer, previous: Customer?) throws {
        var stored = customer.asStored
        if let previous, previous.id == customer.id {
            if previous != customer {
                // The row read gave `previous`, and keeps its `created_at`; a row gone since is inserted whole.
                if try update(customer) { stored.createdAt = previous.createdAt } else { _ = try insert(customer) }
            }
        } else if try !insert(customer) {
            _ = try update(customer)
            if let createdAt = try db.statement("SELECT created_at FROM customers WHERE id = ?1").first(
                [.text(customer.id)], { $0.date(0) })
            {
                stored.createdAt = createdAt
            }
        }
        kept?.customers.keep(stored, key: customer.id)
    }

    /// Inserts the customer's row; false (and nothing written) when one with the same id exists.
    private func insert(_ customer: Customer) throws -> Bool {
        try db.statement(
            """
            INSERT INTO customers (\(Self.customerColumns))
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
                ?22, ?23, ?24, ?25, ?26)
            ON CONFLICT (id) DO NOTHING
            """
        ).run(Self.customerValues(customer))
        return db.changes == 1
    }

    /// Updates everything of the customer's row but `created_at` (`?9`, bound and unused); false when there is no
    /// such row.
    private func update(_ customer: Customer) throws -> Bool {
        try db.statement(
            """
            UPDATE customers SET email = ?2, phone = ?3, push_tokens = ?4, timezone = ?5, locale = ?6,
                attributes = ?7, consent = ?8, updated_at = ?10, stage = ?11, stage_entered_at = ?12,
                purchase_count = ?13, total_spent = ?14, first_purchase_at = ?15, last_purchase_at = ?16,
                signup_at = ?17, trial_ends_at = ?18, plan = ?19, usage = ?20, owned_skus = ?21,
                owned_categories = ?22, complaints = ?23, unsubscribed = ?24, unsubscribed_all = ?25,
                stage_check_at = ?26
            WHERE id = ?1
            """
        ).run(Self.customerValues(customer))
        return db.changes == 1
    }

    /// The customer's columns, in `customerColumns` order.
    private static func customerValues(_ customer: Customer) -> [SQLValue] {
        let consent = Value.map(
            Dictionary(uniqueKeysWithValues: customer.consent.map { ($0.key.rawValue, Value.bool($0.value)) }))
        let facts = customer.facts
        let usage = Value.map(
            facts.usage.mapValues { Value.map(["used": .number($0.used), "limit": .number($0.limit)]) })
        return [
            .text(customer.id), .from(customer.email), .from(customer.phone),
            .text(StoredJSON.encode(strings: customer.pushTokens)), .from(customer.timezone),
            .from(customer.locale), .text(StoredJSON.encode(customer.attributes)), .text(StoredJSON.encode(consent)),
            .from(customer.createdAt), .from(customer.updatedAt), .from(customer.stage),
            .from(customer.stageEnteredAt), .integer(Int64(facts.purchaseCount)), .real(facts.totalSpent),
            .from(facts.firstPurchaseAt), .from(facts.lastPurchaseAt), .from(facts.signupAt),
            .from(facts.trialEndsAt), .from(facts.plan), .text(StoredJSON.encode(usage)),
            .text(StoredJSON.encode(strings: facts.ownedSKUs)),
            .text(StoredJSON.encode(strings: facts.ownedCategories)), .integer(Int64(facts.complaints)),
            .text(StoredJSON.encode(strings: facts.unsubscribed.map(\.rawValue).sorted())),
            .from(facts.unsubscribedFromAll), .from(facts.stageCheckAt),
        ]
    }

    func customersDueForStageCheck(at now: Date, limit: Int) throws -> [String] {
        try db.statement(
            """
            SELECT id FROM customers WHERE stage_check_at IS NOT NULL AND stage_check_at <= ?1
            ORDER BY stage_check_at LIMIT ?2
            """
        ).rows([.from(now), .integer(Int64(limit))]) { $0.text(0) }
    }

    func customerIDs(after: String, limit: Int) throws -> [String] {
        try db.statement("SELECT id FROM customers WHERE id > ?1 ORDER BY id LIMIT ?2").rows(
            [.text(after), .integer(Int64(limit))]
        ) { $0.text(0) }
    }

    func scheduleRun(campaign: String) throws -> ScheduleRun? {
        try db.statement("SELECT campaign, cursor, done FROM schedule_runs WHERE campaign = ?1").first([.text(campaign)]) {
            ScheduleRun(campaign: $0.text(0), cursor: $0.text(1), done: $0.int(2) != 0)
        }
    }

    func saveScheduleRun(_ run: ScheduleRun) throws {
        try db.statement(
            """
            INSERT INTO schedule_runs (campaign, cursor, done) VALUES (?1, ?2, ?3)
            ON CONFLICT (campaign) DO UPDATE SET cursor = ?2, done = ?3
            """
        ).run([.text(run.campaign), .text(run.cursor), .from(run.done)])
    }

    func earliestStageCheck() throws -> Date? {
        // The condition lets SQLite read the first entry of the partial index instead of every customer.
        try db.statement("SELECT MIN(stage_check_at) FROM customers WHERE stage_check_at IS NOT NULL")
            .first([]) { $0.optionalDate(0) } ?? nil
    }

    // MARK: products

    static let productColumns = "sku, name, category, price, cost, currency, url, image_url, active"

    static func readProduct(_ row: Statement) -> Product {
        Product(
            sku: row.text(0), name: row.text(1), category: row.optionalText(2), price: row.double(3),
            cost: row.optionalDouble(4), currency: row.text(5), url: row.optionalText(6),
            imageURL: row.optionalText(7), active: row.int(8) != 0)
    }

    func product(_ sku: String) throws -> Product? {
        if let product = kept?.products.row(sku) { return product }
        let found = try db.statement("SELECT \(Self.productColumns) FROM products WHERE sku = ?1").first(
            [.text(sku)], Self.readProduct)
        if let found { kept?.products.keep(found, key: sku) }
        return found
    }

    func products(skus: [String]) throws -> [Product] {
        try skus.compactMap { try product($0) }
    }

    func saveProduct(_ product: Product) throws {
        try db.statement(
            "INSERT OR REPLACE INTO products (\(Self.productColumns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ).run([
            .text(product.sku), .text(product.name), .from(product.category), .real(product.price),
            .from(product.cost), .text(product.currency), .from(product.url), .from(product.imageURL),
            .from(product.active),
        ])
        kept?.products.keep(product, key: product.sku)
    }

    // MARK: events and stages

    func insertEvent(_ encoded: EncodedEvent) throws -> Bool {
        let event = encoded.event
        try db.statement(
            "INSERT OR IGNORE INTO events (id, type, customer_id, timestamp, properties) VALUES (?1, ?2, ?3, ?4, ?5)"
        ).run([
            .from(event.id), .text(event.type), .text(event.customerID), .from(event.timestamp),
            .text(encoded.propertiesJSON),
        ])
        return db.changes == 1
    }

    func forEachEvent(
        ofCustomersIn campaign: String, types: [String], through: Date, _ body: (Event) throws -> Void
    ) throws {
        guard !types.isEmpty else { return }
        let placeholders = (0..<types.count).map { "?\($0 + 3)" }.joined(separator: ", ")
        try db.statement(
            text: """
            SELECT customer_id, id, type, timestamp, properties FROM events
            WHERE customer_id IN (SELECT customer_id FROM enrollments WHERE campaign = ?1) AND timestamp <= ?2
                AND type IN (\(placeholders))
            ORDER BY customer_id, timestamp, seq
            """
        ).scan([.text(campaign), .from(through)] + types.map { .text($0) }) { row in
            try body(
                Event(
                    id: row.optionalText(1), type: row.text(2), customerID: row.text(0), timestamp: row.date(3),
                    properties: StoredJSON.decodeMap(row.text(4))))
            return true
        }
    }

    func appendStageChange(_ change: StageChange) throws {
        try db.statement("INSERT INTO stage_history (customer_id, from_stage, to_stage, at) VALUES (?1, ?2, ?3, ?4)")
            .run([.text(change.customerID), .from(change.from), .text(change.to), .from(change.at)])
    }

    func stageHistory(customerID: String) throws -> [StageChange] {
        try db.statement("SELECT customer_id, from_stage, to_stage, at FROM stage_history WHERE customer_id = ?1 ORDER BY seq")
            .rows([.text(customerID)]) {
                StageChange(customerID: $0.text(0), from: $0.optionalText(1), to: $0.text(2), at: $0.date(3))
            }
    }

    // MARK: enrollments

    private static let enrollmentColumns = """
        id, campaign, customer_id, arm, variant, enrolled_at, triggered_at, trigger_event, next_step, next_due_at,
        state, end_reason
        """

    private static func readEnrollment(_ row: Statement) -> Enrollment {
        Enrollment(
            id: row.int(0), campaign: row.text(1), customerID: row.text(2), arm: Arm(rawValue: row.text(3)) ?? .treatment,
            variant: row.optionalText(4), enrolledAt: row.date(5), triggeredAt: row.date(6),
            triggerEvent: row.optionalText(7).flatMap(StoredEvent.decode), nextStep: row.optionalText(8),
            nextDueAt: row.optionalDate(9), state: Enrollment.State(rawValue: row.text(10)) ?? .active,
            endReason: row.optionalText(11))
    }

    func enrollments(customerID: String) throws -> [Enrollment] {
        try db.statement("SELECT \(Self.enrollmentColumns) FROM enrollments WHERE customer_id = ?1 ORDER BY id")
            .rows([.text(customerID)], Self.readEnrollment)
    }

    func latestEnrollment(campaign: String, customerID: String) throws -> Enrollment? {
        try db.statement(
            """
            SELECT \(Self.enrollmentColumns) FROM enrollments WHERE customer_id = ?1 AND campaign = ?2
            ORDER BY id DESC LIMIT 1
            """
        ).first([.text(customerID), .text(campaign)], Self.readEnrollment)
    }

    func enrollments(campaign: String, since: Date?) throws -> [Enrollment] {
        try db.statement(
            """
            SELECT id, campaign, customer_id, arm, variant, enrolled_at, triggered_at, NULL, next_step, next_due_at,
                state, end_reason
            FROM enrollments WHERE campaign = ?1 AND (?2 IS NULL OR enrolled_at >= ?2) ORDER BY id
            """
        ).rows([.text(campaign), .from(since)], Self.readEnrollment)
    }

    func enrolledCampaigns() throws -> [String] {
        try db.statement("SELECT DISTINCT campaign FROM enrollments ORDER BY campaign").rows([]) { $0.text(0) }
    }

    func insertEnrollment(_ enrollment: Enrollment) throws -> Int64 {
        try db.statement(
            """
            INSERT INTO enrollments (campaign, customer_id, arm, variant, enrolled_at, triggered_at, trigger_event,
                next_step, next_due_at, state, end_reason)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """
        ).run(enrollmentValues(enrollment))
        return db.lastInsertRowID
    }

    func updateEnrollment(_ enrollment: Enrollment) throws {
        try db.statement(
            """
            UPDATE enrollments SET campaign = ?1, customer_id = ?2, arm = ?3, variant = ?4, enrolled_at = ?5,
                triggered_at = ?6, trigger_event = ?7, next_step = ?8, next_due_at = ?9, state = ?10, end_reason = ?11
            WHERE id = ?12
            """
        ).run(enrollmentValues(enrollment) + [.integer(enrollment.id)])
    }

    private func enrollmentValues(_ e: Enrollment) -> [SQLValue] {
        [
            .text(e.campaign), .text(e.customerID), .text(e.arm.rawValue), .from(e.variant), .from(e.enrolledAt),
            .from(e.triggeredAt), .from(e.triggerEvent.map(StoredEvent.encode)), .from(e.nextStep),
            .from(e.nextDueAt), .text(e.state.rawValue), .from(e.endReason),
        ]
    }

    func dueEnrollments(at now: Date, limit: Int) throws -> [Enrollment] {
        try db.statement(
            """
            SELECT \(Self.enrollmentColumns) FROM enrollments
            WHERE state = 'active' AND next_due_at IS NOT NULL AND next_due_at <= ?1
            ORDER BY next_due_at, id LIMIT ?2
            """
        ).rows([.from(now), .integer(Int64(limit))], Self.readEnrollment)
    }

    func earliestEnrollmentDue() throws -> Date? {
        try db.statement(
            "SELECT MIN(next_due_at) FROM enrollments WHERE state = 'active' AND next_due_at IS NOT NULL"
        ).first { $0.optionalDate(0) } ?? nil
    }

    // MARK: dispatch log

    private static let logColumns = """
        seq, at, campaign, step, variant, customer_id, channel, status, reason, attempt, message_key, provider_id,
        latency_ms, error
        """

    private static func readLog(_ row: Statement) -> DispatchLogEntry {
        DispatchLogEntry(
            seq: row.int(0), at: LogTime.parse(row.text(1)) ?? Date(timeIntervalSince1970: 0), campaign: row.text(2),
            step: row.text(3), variant: row.optionalText(4), customerID: row.text(5),
            channel: Channel(rawValue: row.text(6)) ?? .email, status: DispatchStatus(rawValue: row.text(7)) ?? .queued,
            reason: row.optionalText(8), attempt: Int(row.int(9)), messageKey: row.optionalText(10),
            providerID: row.optionalText(11), latencyMilliseconds: row.optionalInt(12).map { Int($0) },
            error: row.optionalText(13))
    }

    func appendLog(_ entry: DispatchLogEntry) throws -> Int64 {
        try appendLogs([entry])[0]
    }

    /// Written in statements of several rows (fewer statements to run for a dispatcher's batch of outcomes), of a
    /// few fixed sizes so that each size is prepared once. One statement's rows get consecutive `seq`s, the last
    /// one SQLite's last inserted row id: the log has one writer, this transaction.
    func appendLogs(_ entries: [DispatchLogEntry]) throws -> [Int64] {
        var seqs: [Int64] = []
        seqs.reserveCapacity(entries.count)
        var rest = entries[...]
        while !rest.isEmpty {
            let size = Self.logStatementSizes.first { $0 <= rest.count }!
            let rows = rest.prefix(size)
            rest = rest.dropFirst(size)
            var values: [SQLValue] = []
            values.reserveCapacity(size * Self.logValuesPerRow)
            for entry in rows {
                values += [
                    .text(LogTime.format(entry.at)), .text(entry.campaign), .text(entry.step), .from(entry.variant),
                    .text(entry.customerID), .text(entry.channel.rawValue), .text(entry.status.rawValue),
                    .from(entry.reason), .integer(Int64(entry.attempt)), .from(entry.messageKey), .from(entry.providerID),
                    .from(entry.latencyMilliseconds), .from(entry.error),
                ]
            }
            try db.statement(text: Self.insertLogs[size]!).run(values)
            let last = db.lastInsertRowID
            seqs += (0..<Int64(size)).map { last - Int64(size) + 1 + $0 }
        }
        return seqs
    }

    private static let logStatementSizes = [32, 8, 1]
    private static let logValuesPerRow = 13

    /// The INSERT of each size, by size.
    private static let insertLogs = Dictionary(
        uniqueKeysWithValues: logStatementSizes.map { count in
            let row = "(" + Array(repeating: "?", count: logValuesPerRow).joined(separator: ", ") + ")"
            let sql = """
                INSERT INTO dispatch_log (at, campaign, step, variant, customer_id, channel, status, reason, attempt,
                    message_key, provider_id, latency_ms, error)
                VALUES \(Array(repeating: row, count: count).joined(separator: ", "))
                """
            return (count, sql)
        })

    func dispatchLog(after seq: Int64, filter: DispatchLogFilter, limit: Int) throws -> [DispatchLogEntry] {
        try db.statement(
            """
            SELECT \(Self.logColumns) FROM dispatch_log
            WHERE seq > ?1 AND (?2 IS NULL OR campaign = ?2) AND (?3 IS NULL OR channel = ?3)
                AND (?4 IS NULL OR status = ?4) AND (?5 IS NULL OR customer_id = ?5) AND (?6 IS NULL OR at >= ?6)
            ORDER BY seq LIMIT ?7
            """
        ).rows(
            [
                .integer(seq), .from(filter.campaign), .from(filter.channel?.rawValue), .from(filter.status?.rawValue),
                .from(filter.customerID), .from(filter.since.map(LogTime.format)), .integer(Int64(limit)),
            ], Self.readLog)
    }

    func recentDispatches(customerID: String, limit: Int) throws -> [DispatchLogEntry] {
        try db.statement(
            "SELECT \(Self.logColumns) FROM dispatch_log WHERE customer_id = ?1 ORDER BY seq DESC LIMIT ?2"
        ).rows([.text(customerID), .integer(Int64(limit))], Self.readLog)
    }

    func lastDispatches(filter: DispatchLogFilter, limit: Int) throws -> [DispatchLogEntry] {
        try db.statement(
            """
            SELECT \(Self.logColumns) FROM dispatch_log
            WHERE (?1 IS NULL OR campaign = ?1) AND (?2 IS NULL OR channel = ?2) AND (?3 IS NULL OR status = ?3)
                AND (?4 IS NULL OR customer_id = ?4) AND (?5 IS NULL OR at >= ?5)
            ORDER BY seq DESC LIMIT ?6
            """
        ).rows(
            [
                .from(filter.campaign), .from(filter.channel?.rawValue), .from(filter.status?.rawValue),
                .from(filter.customerID), .from(filter.since.map(LogTime.format)), .integer(Int64(limit)),
            ], Self.readLog
        ).reversed()
    }

    func lastDispatchSeq() throws -> Int64 {
        try db.statement("SELECT COALESCE(MAX(seq), 0) FROM dispatch_log").first { $0.int(0) } ?? 0
    }

    func count(of table: StoreTable) throws -> Int {
        try db.statement(text: "SELECT COUNT(*) FROM \(table.rawValue)").first { Int($0.int(0)) } ?? 0
    }
}

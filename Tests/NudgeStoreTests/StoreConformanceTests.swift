import Foundation
import NudgeCore
import NudgeStore
import NudgeTesting
import Testing

/// One suite, two stores: the SQLite store and the in-memory twin must behave the same.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, memory

    var testDescription: String { rawValue }

    func make() throws -> any Store {
        switch self {
        case .memory: return InMemoryStore()
        case .sqlite:
            let directory = try ScratchDirectory.make("store")
            return try SQLiteStore(path: directory.appendingPathComponent("nudge.sqlite").path)
        }
    }

    /// What `store` holds, read through a connection of its own: for SQLite, the rows themselves rather than the
    /// customers the writer keeps.
    func afresh(_ store: any Store) throws -> any ReadableStore {
        switch self {
        case .memory: return store
        case .sqlite: return try SQLiteReader(path: (store as! SQLiteStore).path)
        }
    }
}

let t0 = Date(timeIntervalSince1970: 1_795_000_000)

private func sampleCustomer(_ id: String = "c1") -> Customer {
    var facts = CustomerFacts()
    facts.purchaseCount = 2
    facts.totalSpent = 1_250_000
    facts.firstPurchaseAt = t0 - 86_400
    facts.lastPurchaseAt = t0
    facts.plan = "pro"
    facts.usage = ["seats": .init(used: 9, limit: 10)]
    facts.ownedSKUs = ["PHONE-1", "CASE-01"]
    facts.ownedCategories = ["phone", "case"]
    facts.unsubscribed = [.sms]
    return Customer(
        id: id, email: "lan@example.vn", phone: "+84901234567", pushTokens: ["tok"], timezone: "Asia/Ho_Chi_Minh",
        locale: "vi-VN", attributes: ["name": .string("Nguyễn Thị Lan"), "vip": .bool(true), "age": .number(31)],
        consent: [.email: true, .sms: false], createdAt: t0, facts: facts, stage: "active", stageEnteredAt: t0)
}

private func sampleMessage(key: String, customer: String = "c1", at: Date = t0) -> OutboxMessage {
    OutboxMessage(
        key: key, campaign: "phone-accessories", step: "accessories-email", variant: "a", customerID: customer,
        channel: .email, recipient: Recipient(addresses: ["lan@example.vn"], name: "Lan"),
        content: MessageContent(subject: "Giảm giá", html: "<p>Chào</p>", text: "Chào", recommendedSKUs: ["CASE-01"]),
        nextAttemptAt: at, createdAt: at)
}

@Suite("Store conformance")
struct StoreConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func customersRoundTripWithFactsAndVietnameseText(kind: StoreKind) throws {
        let store = try kind.make()
        let customer = sampleCustomer()
        try store.write { try $0.saveCustomer(customer) }
        let read = try store.read { try $0.customer("c1") }
        #expect(read == customer)
        #expect(try kind.afresh(store).read { try $0.customer("c1") } == customer)
        #expect(try store.read { try $0.customer("nobody") } == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func aSaveAgainstTheStoredCustomerKeepsEveryChangedPart(kind: StoreKind) throws {
        let store = try kind.make()
        let original = sampleCustomer()
        try store.write { try $0.saveCustomer(original) }

        var factsOnly = original
        factsOnly.facts.purchaseCount += 1
        factsOnly.facts.ownedSKUs.append("HEADPHONES-2")
        try store.write { try $0.saveCustomer(factsOnly, previous: original) }
        #expect(try store.read { try $0.customer("c1") } == factsOnly)
        #expect(try kind.afresh(store).read { try $0.customer("c1") } == factsOnly)

        var stageOnly = factsOnly
        stageOnly.stage = "loyal"
        stageOnly.stageEnteredAt = t0 + 60
        try store.write { try $0.saveCustomer(stageOnly, previous: factsOnly) }
        #expect(try store.read { try $0.customer("c1") } == stageOnly)
        #expect(try kind.afresh(store).read { try $0.customer("c1") } == stageOnly)

        var both = stageOnly
        both.email = "lan.nguyen@example.vn"
        both.attributes["vip"] = .bool(false)
        both.facts.totalSpent += 490_000
        try store.write { try $0.saveCustomer(both, previous: stageOnly) }
        #expect(try store.read { try $0.customer("c1") } == both)
        #expect(try kind.afresh(store).read { try $0.customer("c1") } == both)
    }

    /// A save that names a previous customer whose row is not there (a caller that never read it) still writes.
    @Test(arguments: StoreKind.allCases)
    func aSaveAgainstACustomerNeverStoredStillWritesIt(kind: StoreKind) throws {
        let store = try kind.make()
        let original = sampleCustomer()
        var changed = original
        changed.facts.purchaseCount += 1
        try store.write { try $0.saveCustomer(changed, previous: original) }
        #expect(try store.read { try $0.customer("c1") } == changed)
        #expect(try kind.afresh(store).read { try $0.customer("c1") } == changed)
    }

    /// A save never changes when the customer was first created, whether or not it says what was stored before;
    /// everything else is the save's.
    @Test(arguments: StoreKind.allCases)
    func aSaveKeepsWhenTheCustomerWasCreated(kind: StoreKind) throws {
        let store = try kind.make()
        let original = sampleCustomer()
        try store.write { try $0.saveCustomer(original) }

        var later = original
        later.createdAt = t0 + 3600
        later.email = "lan.nguyen@example.vn"
        try store.write { try $0.saveCustomer(later) }
        var expected = later
        expected.createdAt = original.createdAt
        #expect(try store.read { try $0.customer("c1") } == expected)
        #expect(try kind.afresh(store).read { try $0.customer("c1") } == expected)

        var again = expected
        again.createdAt = t0 + 7200
        again.facts.purchaseCount += 1
        try store.write { try $0.saveCustomer(again, previous: expected) }
        expected.facts.purchaseCount += 1
        #expect(try store.read { try $0.customer("c1") } == expected)
        #expect(try kind.afresh(store).read { try $0.customer("c1") } == expected)
    }

    @Test(arguments: StoreKind.allCases)
    func aWriteThatThrowsLeavesNothing(kind: StoreKind) throws {
        let store = try kind.make()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.write { tx in
                try tx.saveCustomer(sampleCustomer())
                throw Boom()
            }
        }
        #expect(try store.read { try $0.customer("c1") } == nil)
        #expect(try store.read { try $0.count(of: .customers) } == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func eventsWithTheSameIDAreStoredOnce(kind: StoreKind) throws {
        let store = try kind.make()
        let event = Event(
            id: "e1", type: "purchase", customerID: "c1", timestamp: t0,
            properties: ["total": .number(10), "items": .list([.map(["sku": .string("A")])])])
        let results = try store.write { tx in
            try tx.saveCustomer(sampleCustomer())
            return [try tx.insertEvent(event), try tx.insertEvent(event)]
        }
        #expect(results == [true, false])
        var anonymous = event
        anonymous.id = nil
        #expect(try store.write { [try $0.insertEvent(anonymous), try $0.insertEvent(anonymous)] } == [true, true])
        #expect(try store.read { try $0.count(of: .events) } == 3)
    }

    @Test(arguments: StoreKind.allCases)
    func eventsNeedTheirCustomer(kind: StoreKind) throws {
        let store = try kind.make()
        let event = Event(id: nil, type: "signup", customerID: "ghost", timestamp: t0, properties: [:])
        #expect(throws: (any Error).self) { try store.write { try $0.insertEvent(event) } }
    }

    @Test(arguments: StoreKind.allCases)
    func foreignKeysAreCheckedAtCommit(kind: StoreKind) throws {
        let store = try kind.make()
        let event = Event(id: nil, type: "signup", customerID: "c1", timestamp: t0, properties: [:])
        try store.write { tx in
            #expect(try tx.insertEvent(event))
            try tx.saveCustomer(sampleCustomer())
        }
        #expect(try store.read { try $0.count(of: .events) } == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func productsRoundTrip(kind: StoreKind) throws {
        let store = try kind.make()
        let product = Product(
            sku: "CASE-01", name: "Ốp lưng", category: "case", price: 250_000, cost: 100_000, url: "https://x/c",
            imageURL: nil, active: true)
        try store.write { try $0.saveProduct(product) }
        #expect(try store.read { try $0.product("CASE-01") } == product)
        #expect(try store.read { try $0.products(skus: ["NONE", "CASE-01"]) } == [product])
    }

    @Test(arguments: StoreKind.allCases)
    func enrollmentsKeepTheirTriggerEventAndComeDueInOrder(kind: StoreKind) throws {
        let store = try kind.make()
        let trigger = Event(
            id: "e1", type: "trial_started", customerID: "c1", timestamp: t0,
            properties: ["ends_at": .time(t0 + 86_400), "plan": .string("pro")])
        let ids = try store.write { tx -> [Int64] in
            try tx.saveCustomer(sampleCustomer())
            let later = Enrollment(
                campaign: "b", customerID: "c1", arm: .treatment, enrolledAt: t0, triggeredAt: t0, nextStep: "s1",
                nextDueAt: t0 + 200)
            let sooner = Enrollment(
                campaign: "a", customerID: "c1", arm: .holdout, variant: "b", enrolledAt: t0, triggeredAt: t0,
                triggerEvent: trigger, nextStep: "s1", nextDueAt: t0 + 100)
            let done = Enrollment(
                campaign: "c", customerID: "c1", arm: .treatment, enrolledAt: t0, triggeredAt: t0, nextStep: nil,
                nextDueAt: t0, state: .completed)
            return [try tx.insertEnrollment(later), try tx.insertEnrollment(sooner), try tx.insertEnrollment(done)]
        }
        #expect(Set(ids).count == 3)
        #expect(try store.read { try $0.earliestEnrollmentDue() } == t0 + 100)
        let due = try store.write { try $0.dueEnrollments(at: t0 + 150, limit: 10) }
        #expect(due.map(\.campaign) == ["a"])
        #expect(due.first?.triggerEvent == trigger)
        #expect(try store.write { try $0.dueEnrollments(at: t0 + 1000, limit: 10) }.map(\.campaign) == ["a", "b"])

        var updated = due[0]
        updated.state = .completed
        updated.nextDueAt = nil
        try store.write { try $0.updateEnrollment(updated) }
        #expect(try store.read { try $0.earliestEnrollmentDue() } == t0 + 200)
        #expect(try store.read { try $0.latestEnrollment(campaign: "a", customerID: "c1") } == updated)
        #expect(try store.read { try $0.enrollments(customerID: "c1") }.map(\.campaign) == ["b", "a", "c"])
    }

    @Test(arguments: StoreKind.allCases)
    func outboxKeysAreUniqueAndClaimsLeaseOnce(kind: StoreKind) throws {
        let store = try kind.make()
        try store.write { tx in
            try tx.saveCustomer(sampleCustomer())
            #expect(try tx.enqueue(sampleMessage(key: "k1")) != nil)
            #expect(try tx.enqueue(sampleMessage(key: "k1")) == nil)
            #expect(try tx.enqueue(sampleMessage(key: "k2", at: t0 + 60)) != nil)
        }
        #expect(try store.read { try $0.earliestMessageDue() } == t0)
        #expect(try store.read { try $0.earliestMessageDue(channel: .email) } == t0)
        #expect(try store.read { try $0.earliestMessageDue(channel: .sms) } == nil)
        #expect(try store.read { try $0.queuedMessageCount(channel: .email) } == 2)
        #expect(try store.read { try $0.queuedMessageCount(channel: .sms) } == 0)
        let first = try store.write { try $0.claimMessages(channel: .email, now: t0, leaseUntil: t0 + 30, limit: 10) }
        #expect(first.map(\.key) == ["k1"])
        #expect(first.first?.state == .sending)
        #expect(first.first?.content.subject == "Giảm giá")
        #expect(try store.write { try $0.claimMessages(channel: .email, now: t0, leaseUntil: t0 + 30, limit: 10) }.isEmpty)
        #expect(try store.write { try $0.claimMessages(channel: .sms, now: t0 + 100, leaseUntil: t0 + 130, limit: 10) }.isEmpty)

        #expect(try store.write { try $0.finishAttempt(messageID: first[0].id, state: .sent, attempts: 1, nextAttemptAt: nil) })
        // A second result for the same attempt is refused: the message is no longer being sent.
        #expect(!(try store.write { try $0.finishAttempt(messageID: first[0].id, state: .failed, attempts: 2, nextAttemptAt: nil) }))
        #expect(try store.read { try $0.message(key: "k1") }?.state == .sent)
        #expect(try store.read { try $0.earliestMessageDue() } == t0 + 60)
        #expect(try store.read { try $0.earliestMessageDue(channel: .email) } == t0 + 60)
        #expect(try store.read { try $0.queuedMessageCount(channel: .email) } == 1, "sent messages are not queued")
    }

    @Test(arguments: StoreKind.allCases)
    func attemptsFinishedTogetherEachGetTheirOwnEffect(kind: StoreKind) throws {
        let store = try kind.make()
        try store.write { tx in
            try tx.saveCustomer(sampleCustomer())
            for key in ["k1", "k2", "k3", "k4", "k5"] { _ = try tx.enqueue(sampleMessage(key: key)) }
        }
        let claimed = try store.write { try $0.claimMessages(channel: .email, now: t0, leaseUntil: t0 + 30, limit: 10) }
        #expect(claimed.map(\.key) == ["k1", "k2", "k3", "k4", "k5"])
        let id = Dictionary(uniqueKeysWithValues: claimed.map { ($0.key, $0.id) })
        // k4 was finished before: its second result is refused, as `finishAttempt` refuses it.
        #expect(try store.write { try $0.finishAttempt(messageID: id["k4"]!, state: .sent, attempts: 1, nextAttemptAt: nil) })
        let recorded = try store.write { tx in
            try tx.finishAttempts([
                FinishedAttempt(messageID: id["k1"]!, state: .sent, attempts: 1),
                FinishedAttempt(messageID: id["k2"]!, state: .queued, attempts: 1, nextAttemptAt: t0 + 90),
                FinishedAttempt(messageID: id["k4"]!, state: .failed, attempts: 2),
                FinishedAttempt(messageID: id["k3"]!, state: .sent, attempts: 1),
                FinishedAttempt(messageID: id["k5"]!, state: .dead, attempts: 1),
                // Listed again: the first effect ended its `sending` state.
                FinishedAttempt(messageID: id["k1"]!, state: .failed, attempts: 2),
            ])
        }
        #expect(recorded == [true, true, false, true, true, false])
        #expect(try store.write { try $0.finishAttempts([]) }.isEmpty)
        let stored = try store.read { tx in try ["k1", "k2", "k3", "k4", "k5"].map { try tx.message(key: $0)! } }
        #expect(stored.map(\.state) == [.sent, .queued, .sent, .sent, .dead])
        #expect(stored.map(\.attempts) == [1, 1, 1, 1, 1])
        #expect(stored.map(\.nextAttemptAt) == [t0, t0 + 90, t0, t0, t0])
        #expect(stored.allSatisfy { $0.leaseUntil == nil })
        #expect(try store.read { try $0.earliestMessageDue(channel: .email) } == t0 + 90)
    }

    @Test(arguments: StoreKind.allCases)
    func expiredLeasesReturnToTheQueue(kind: StoreKind) throws {
        let store = try kind.make()
        try store.write { tx in
            try tx.saveCustomer(sampleCustomer())
            _ = try tx.enqueue(sampleMessage(key: "k1"))
        }
        let claimed = try store.write { try $0.claimMessages(channel: .email, now: t0, leaseUntil: t0 + 30, limit: 1) }
        #expect(try store.read { try $0.earliestMessageDue() } == t0 + 30)
        #expect(try store.read { try $0.earliestMessageDue(channel: .email) } == nil)
        #expect(try store.read { try $0.earliestLeaseEnd() } == t0 + 30)
        #expect(try store.write { try $0.releaseExpiredLeases(now: t0 + 29) }.isEmpty)
        let released = try store.write { try $0.releaseExpiredLeases(now: t0 + 31) }
        #expect(released.map(\.key) == ["k1"])
        #expect(!(try store.write { try $0.finishAttempt(messageID: claimed[0].id, state: .sent, attempts: 1, nextAttemptAt: nil) }))
        let again = try store.write { try $0.claimMessages(channel: .email, now: t0 + 31, leaseUntil: t0 + 60, limit: 1) }
        #expect(again.map(\.key) == ["k1"])
    }

    @Test(arguments: StoreKind.allCases)
    func releasingAllLeasesQueuesEveryMessageBeingSentAndNothingElse(kind: StoreKind) throws {
        let store = try kind.make()
        try store.write { tx in
            try tx.saveCustomer(sampleCustomer())
            for key in ["k1", "k2", "k3", "k4"] { _ = try tx.enqueue(sampleMessage(key: key)) }
        }
        let claimed = try store.write { try $0.claimMessages(channel: .email, now: t0, leaseUntil: t0 + 3600, limit: 3) }
        #expect(claimed.map(\.key) == ["k1", "k2", "k3"])
        #expect(try store.write { try $0.finishAttempt(messageID: claimed[0].id, state: .sent, attempts: 1, nextAttemptAt: nil) })

        // Leases far from their end are released too: the process that held them is gone.
        let released = try store.write { try $0.releaseAllLeases() }
        #expect(released.map(\.key) == ["k2", "k3"])
        #expect(released.allSatisfy { $0.state == .queued && $0.leaseUntil == nil && $0.attempts == 0 })
        #expect(try store.read { try $0.message(key: "k1") }?.state == .sent)
        #expect(try store.read { try $0.message(key: "k2") }?.state == .queued)
        #expect(try store.read { try $0.message(key: "k2") }?.nextAttemptAt == t0)
        #expect(try store.read { try $0.earliestLeaseEnd() } == nil)
        // A late result of the dead process's attempt is refused; the message goes out again.
        #expect(!(try store.write { try $0.finishAttempt(messageID: claimed[1].id, state: .sent, attempts: 1, nextAttemptAt: nil) }))
        let again = try store.write { try $0.claimMessages(channel: .email, now: t0, leaseUntil: t0 + 60, limit: 10) }
        #expect(again.map(\.key) == ["k2", "k3", "k4"])
        #expect(try store.write { try $0.releaseAllLeases() }.count == 3)
        #expect(try store.write { try $0.releaseAllLeases() }.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func theDispatchLogIsReadBySeqWithFilters(kind: StoreKind) throws {
        let store = try kind.make()
        let seqs = try store.write { tx in
            try (0..<6).map { i in
                try tx.appendLog(
                    DispatchLogEntry(
                        at: t0 + Double(i) + 0.25, campaign: i % 2 == 0 ? "a" : "b", step: "s", customerID: "c\(i % 3)",
                        channel: i < 3 ? .email : .sms, status: i == 5 ? .sent : .queued, reason: nil, attempt: i,
                        messageKey: "k\(i)", latencyMilliseconds: i == 5 ? 12 : nil, error: i == 4 ? "boom" : nil))
            }
        }
        #expect(seqs == seqs.sorted() && Set(seqs).count == 6)
        let all = try store.read { try $0.dispatchLog(after: 0, filter: DispatchLogFilter(), limit: 100) }
        #expect(all.map(\.seq) == seqs)
        #expect(all[0].at == t0 + 0.25)
        #expect(all[4].error == "boom" && all[5].latencyMilliseconds == 12)
        let afterThird = try store.read { try $0.dispatchLog(after: seqs[2], filter: DispatchLogFilter(), limit: 2) }
        #expect(afterThird.map(\.seq) == [seqs[3], seqs[4]])
        let filtered = try store.read {
            try $0.dispatchLog(after: 0, filter: DispatchLogFilter(campaign: "a", channel: .sms), limit: 100)
        }
        #expect(filtered.map(\.messageKey) == ["k4"])
        let since = try store.read { try $0.dispatchLog(after: 0, filter: DispatchLogFilter(since: t0 + 4), limit: 100) }
        #expect(since.map(\.messageKey) == ["k4", "k5"])
        #expect(try store.read { try $0.recentDispatches(customerID: "c0", limit: 1) }.map(\.messageKey) == ["k3"])
    }

    @Test(arguments: StoreKind.allCases)
    func rowsAppendedTogetherKeepTheirOrderAndSeqs(kind: StoreKind) throws {
        let store = try kind.make()
        func entry(_ i: Int) -> DispatchLogEntry {
            DispatchLogEntry(
                at: t0 + Double(i), campaign: "c", step: i % 2 == 0 ? "s" : "Bước \(i)", variant: i % 3 == 0 ? "B" : nil,
                customerID: "khách-\(i)", channel: .sms, status: i % 5 == 0 ? .retrying : .sent, attempt: i % 4 + 1,
                messageKey: "k\(i)", providerID: i % 2 == 0 ? "p\(i)" : nil, latencyMilliseconds: i,
                error: i % 5 == 0 ? "HTTP 503" : nil)
        }
        let first = try store.write { try $0.appendLog(entry(0)) }
        // 45 rows: more than any one statement of the SQLite store writes.
        let batch = try store.write { try $0.appendLogs((1...45).map(entry)) }
        let empty = try store.write { try $0.appendLogs([]) }
        let last = try store.write { try $0.appendLog(entry(46)) }
        #expect(empty.isEmpty)
        let seqs = [first] + batch + [last]
        #expect(seqs == seqs.sorted() && Set(seqs).count == 47)
        let stored = try store.read { try $0.dispatchLog(after: 0, filter: DispatchLogFilter(), limit: 100) }
        #expect(stored.map(\.seq) == seqs)
        var expected = (0...46).map(entry)
        for index in expected.indices { expected[index].seq = seqs[index] }
        #expect(stored == expected)
    }

    @Test(arguments: StoreKind.allCases)
    func stageHistoryIsKeptInOrder(kind: StoreKind) throws {
        let store = try kind.make()
        try store.write { tx in
            try tx.saveCustomer(sampleCustomer())
            try tx.appendStageChange(StageChange(customerID: "c1", from: nil, to: "prospect", at: t0))
            try tx.appendStageChange(StageChange(customerID: "c1", from: "prospect", to: "new_customer", at: t0 + 5))
        }
        #expect(try store.read { try $0.stageHistory(customerID: "c1") }.map(\.to) == ["prospect", "new_customer"])
        #expect(throws: (any Error).self) {
            try store.write { try $0.appendStageChange(StageChange(customerID: "ghost", from: nil, to: "x", at: t0)) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recentMessagesAreTheCustomersCountedOnesOldestFirst(kind: StoreKind) throws {
        let store = try kind.make()
        try store.write { tx in
            try tx.saveCustomer(sampleCustomer("c1"))
            try tx.saveCustomer(sampleCustomer("c2"))
            for (index, at) in [t0 - 3 * 86_400, t0 - 3600, t0 - 60, t0].enumerated() {
                _ = try tx.enqueue(sampleMessage(key: "k\(index)", at: at))
            }
            _ = try tx.enqueue(sampleMessage(key: "other", customer: "c2", at: t0))
        }
        // A refused message (failed for good) is not counted; a retried one still is.
        try store.write { tx in
            let claimed = try tx.claimMessages(channel: .email, now: t0, leaseUntil: t0 + 60, limit: 10)
            for message in claimed where message.key == "k2" {
                _ = try tx.finishAttempt(messageID: message.id, state: .failed, attempts: 1, nextAttemptAt: nil)
            }
            for message in claimed where message.key == "k3" {
                _ = try tx.finishAttempt(messageID: message.id, state: .queued, attempts: 1, nextAttemptAt: t0 + 30)
            }
        }
        let recent = try store.read { try $0.recentMessages(customerID: "c1", since: t0 - 86_400) }
        #expect(recent.map(\.createdAt) == [t0 - 3600, t0])
        #expect(recent.allSatisfy { $0.campaign == "phone-accessories" && $0.step == "accessories-email" && $0.channel == .email })
        #expect(try store.read { try $0.recentMessages(customerID: "c1", since: t0 - 7 * 86_400) }.count == 3)
        #expect(try store.read { try $0.recentMessages(customerID: "nobody", since: .distantPast) }.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func stageChecksAreFoundByTheirTime(kind: StoreKind) throws {
        let store = try kind.make()
        try store.write { tx in
            for (id, at) in [("late", t0 + 300), ("early", t0 + 100), ("none", nil), ("mid", t0 + 200)] {
                var customer = sampleCustomer(id)
                customer.facts.stageCheckAt = at
                try tx.saveCustomer(customer)
            }
        }
        #expect(try store.read { try $0.earliestStageCheck() } == t0 + 100)
        #expect(try store.read { try $0.customersDueForStageCheck(at: t0 + 200, limit: 10) } == ["early", "mid"])
        #expect(try store.read { try $0.customersDueForStageCheck(at: t0 + 1000, limit: 2) } == ["early", "mid"])
        #expect(try store.read { try $0.customersDueForStageCheck(at: t0, limit: 10) }.isEmpty)
        #expect(try store.read { try $0.customer("mid") }?.facts.stageCheckAt == t0 + 200)
    }

    @Test(arguments: StoreKind.allCases)
    func customersPageByIDAndScheduleRunsRoundTrip(kind: StoreKind) throws {
        let store = try kind.make()
        try store.write { tx in
            for id in ["c3", "c1", "khách-2", "c2"] { try tx.saveCustomer(sampleCustomer(id)) }
        }
        #expect(try store.read { try $0.customerIDs(after: "", limit: 2) } == ["c1", "c2"])
        #expect(try store.read { try $0.customerIDs(after: "c2", limit: 10) } == ["c3", "khách-2"])
        #expect(try store.read { try $0.customerIDs(after: "khách-2", limit: 10) }.isEmpty)

        #expect(try store.read { try $0.scheduleRun(campaign: "black-friday") } == nil)
        try store.write { try $0.saveScheduleRun(ScheduleRun(campaign: "black-friday", cursor: "c2")) }
        try store.write { try $0.saveScheduleRun(ScheduleRun(campaign: "black-friday", cursor: "c3", done: true)) }
        #expect(
            try store.read { try $0.scheduleRun(campaign: "black-friday") }
                == ScheduleRun(campaign: "black-friday", cursor: "c3", done: true))
    }

    @Test(arguments: StoreKind.allCases)
    func reportsReadACampaignsEnrollmentsAndACustomersEventsByType(kind: StoreKind) throws {
        let store = try kind.make()
        func enrollment(_ campaign: String, _ customer: String, at: Date, arm: Arm = .treatment) -> Enrollment {
            Enrollment(
                campaign: campaign, customerID: customer, arm: arm, enrolledAt: at, triggeredAt: at,
                triggerEvent: Event(id: nil, type: "purchase", customerID: customer, timestamp: at, properties: [:]),
                nextStep: nil, nextDueAt: nil, state: .completed)
        }
        let purchase = Event(
            id: "o-2", type: "purchase", customerID: "c1", timestamp: t0 + 20,
            properties: ["items": .list([.map(["sku": .string("CASE-01"), "price": .number(250_000)])]),
                "note": .string("Giao hàng nhanh")])
        try store.write { tx in
            try tx.saveCustomer(sampleCustomer("c1"))
            try tx.saveCustomer(sampleCustomer("c2"))
            _ = try tx.insertEnrollment(enrollment("win-back", "c1", at: t0))
            _ = try tx.insertEnrollment(enrollment("phone-accessories", "c1", at: t0 + 10, arm: .holdout))
            _ = try tx.insertEnrollment(enrollment("phone-accessories", "c2", at: t0 + 5))
            _ = try tx.insertEnrollment(enrollment("phone-accessories", "c2", at: t0 + 30))
            _ = try tx.insertEvent(purchase)
            _ = try tx.insertEvent(Event(id: nil, type: "page_view", customerID: "c1", timestamp: t0 + 5, properties: [:]))
            _ = try tx.insertEvent(Event(id: "o-1", type: "purchase", customerID: "c1", timestamp: t0, properties: [:]))
            _ = try tx.insertEvent(Event(id: "o-3", type: "purchase", customerID: "c1", timestamp: t0 + 40, properties: [:]))
            _ = try tx.insertEvent(Event(id: "o-9", type: "purchase", customerID: "c2", timestamp: t0, properties: [:]))
        }
        #expect(try store.read { try $0.enrolledCampaigns() } == ["phone-accessories", "win-back"])
        let all = try store.read { try $0.enrollments(campaign: "phone-accessories", since: nil) }
        #expect(all.map(\.customerID) == ["c1", "c2", "c2"])
        #expect(all.map(\.arm) == [.holdout, .treatment, .treatment])
        #expect(all.allSatisfy { $0.triggerEvent == nil })
        let recent = try store.read { try $0.enrollments(campaign: "phone-accessories", since: t0 + 10) }
        #expect(recent.map(\.enrolledAt) == [t0 + 10, t0 + 30])

        // c1 and c2 are enrolled in phone-accessories: their events by customer, then time; c1's o-3 is too late.
        let events = try store.read {
            try $0.events(ofCustomersIn: "phone-accessories", types: ["purchase"], through: t0 + 20)
        }
        #expect(events.map(\.id) == ["o-1", "o-2", "o-9"])
        #expect(events[1] == purchase)
        let both = try store.read {
            try $0.events(ofCustomersIn: "phone-accessories", types: ["purchase", "page_view"], through: t0 + 99)
        }
        #expect(both.map(\.type) == ["purchase", "page_view", "purchase", "purchase", "purchase"])
        #expect(both.map(\.customerID) == ["c1", "c1", "c1", "c1", "c2"])
        // Only c1 is in win-back.
        #expect(try store.read { try $0.events(ofCustomersIn: "win-back", types: ["purchase"], through: t0 + 99) }.count == 3)
        #expect(try store.read { try $0.events(ofCustomersIn: "phone-accessories", types: [], through: t0 + 99) }.isEmpty)

        // Messages that recommended something, by key; the trigger events are not read back.
        try store.write { tx in
            for (key, skus) in [("phone-accessories/email/c2/3", ["CASE-01", "Ốp-2"]), ("phone-accessories/sms/c2/3", [])] {
                _ = try tx.enqueue(
                    OutboxMessage(
                        key: key, campaign: "phone-accessories", step: "email", customerID: "c2", channel: .email,
                        recipient: Recipient(addresses: ["x@example.vn"]), content: MessageContent(text: "x", recommendedSKUs: skus),
                        nextAttemptAt: t0, createdAt: t0))
            }
        }
        #expect(
            try store.read { try $0.recommendedSKUs(campaign: "phone-accessories") }
                == ["phone-accessories/email/c2/3": ["CASE-01", "Ốp-2"]])
        #expect(try store.read { try $0.recommendedSKUs(campaign: "win-back") }.isEmpty)
    }
}

@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test func reopeningIsHarmlessAndAnotherConnectionReads() throws {
        let path = try ScratchDirectory.make("store").appendingPathComponent("nudge.sqlite").path
        let store = try SQLiteStore(path: path)
        let seq = try store.write {
            try $0.appendLog(DispatchLogEntry(at: t0, campaign: "a", step: "s", customerID: "c", channel: .email, status: .queued))
        }
        #expect(seq == 1)
        // Reopening runs the migrations again without harm, and a reader in another connection sees the row.
        _ = try SQLiteStore(path: path)
        let reader = try SQLiteReader(path: path)
        #expect(try reader.read { try $0.dispatchLog(after: 0, filter: DispatchLogFilter(), limit: 10) }.count == 1)
    }

    @Test func aMissingDatabaseIsAClearError() {
        #expect(throws: SQLiteError.self) { try SQLiteReader(path: "/nonexistent/nudge.sqlite") }
    }
}

@Suite("Store conformance: latest rows")
struct StoreLatestRowsTests {
    @Test(arguments: StoreKind.allCases)
    func theLastRowsComeInSeqOrder(kind: StoreKind) throws {
        let store = try kind.make()
        #expect(try store.read { try $0.lastDispatchSeq() } == 0)
        try store.write { tx in
            for i in 0..<5 {
                try tx.appendLog(
                    DispatchLogEntry(
                        at: t0 + Double(i), campaign: "a", step: "s", customerID: "c", channel: i == 4 ? .sms : .email,
                        status: .queued, messageKey: "k\(i)"))
            }
        }
        let last = try store.read { try $0.lastDispatches(filter: DispatchLogFilter(channel: .email), limit: 2) }
        #expect(last.map(\.messageKey) == ["k2", "k3"])
        #expect(try store.read { try $0.lastDispatchSeq() } == 5)
    }
}

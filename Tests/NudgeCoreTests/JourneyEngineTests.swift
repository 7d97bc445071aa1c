import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// The engine over the in-memory store with a manual clock: events → enrollments → due steps → outbox.
@Suite struct JourneyEngineTests {
    static let stages = """
        stages:
          - name: new_customer
            when: customer.purchase_count >= 1 and since(customer.first_purchase_at) <= 30d
          - name: active
            when: customer.purchase_count >= 1
          - name: prospect
            when: true
        """

    static let campaign = """
        campaign: thanks
        name: Cảm ơn
        kind: cross_sell
        trigger:
          event: purchase
          where: event.total >= 100
        audience:
          stages: [new_customer]
        reentry: never
        holdout: %HOLDOUT%
        exit:
          - event: purchase
            where: event.items.exists(i, i.category == "case")
        steps:
          - id: hello
            channel: email
            after: 1d
            before: 3d
            at: "10:00"
            template: hello
          - id: later
            channel: email
            after: 5d
            template: hello
        """

    static let template = """
        ---
        subject: "Chào {{customer.attributes.name}}"
        ---
        <p>Cảm ơn bạn đã mua {{event.total}}</p>
        """

    /// 2026-03-02 03:00 UTC = 10:00 in Ho Chi Minh City.
    static let t0 = Date(timeIntervalSince1970: 1_772_420_400)

    func engine(holdout: String = "0%", quiet: QuietHours? = nil) throws -> JourneyEngine {
        var config = Config.defaults
        config.quietHours = quiet
        let files = CampaignFiles(
            stages: SourceFile(path: "c/stages.yml", text: Self.stages),
            campaigns: [
                SourceFile(
                    path: "c/thanks.yml", text: Self.campaign.replacingOccurrences(of: "%HOLDOUT%", with: holdout))
            ],
            templates: [SourceFile(path: "t/hello.email.mustache", text: Self.template)], partials: [])
        let (set, diagnostics) = CampaignSetLoader.load(files, config: config)
        guard let set else {
            Issue.record("campaign set did not load: \(diagnostics.sorted.map(\.description))")
            throw CancellationError()
        }
        return JourneyEngine(campaigns: set, policy: JourneyPolicy(config: config), defaultLocale: "vi-VN")
    }

    func purchase(_ id: String, customer: String = "c1", at: Date, total: Double = 500, category: String = "phone")
        -> Event
    {
        Event(
            id: id, type: "purchase", customerID: customer, timestamp: at,
            properties: [
                "total": .number(total),
                "items": .list([
                    .map([
                        "sku": .string("S-\(category)"), "category": .string(category), "price": .number(total),
                        "quantity": .number(1),
                    ])
                ]),
            ])
    }

    func seed(_ store: InMemoryStore, id: String = "c1", email: String? = "lan@example.vn") throws {
        try store.write {
            try $0.saveCustomer(
                Customer(id: id, email: email, attributes: ["name": .string("Lan")], createdAt: Self.t0 - 86_400 * 10))
        }
    }

    @Test func aPurchaseEnrollsAndTheStepIsQueuedAtItsLocalTime() throws {
        let engine = try engine()
        let store = InMemoryStore()
        let clock = ManualClock(Self.t0)
        try seed(store)
        let summary = try store.write { try engine.ingest([purchase("o1", at: Self.t0)], into: $0, now: clock.now) }
        #expect(summary.stored == 1 && summary.enrollments == 1 && summary.stageChanges == 1)

        // Due one day later at 10:00 local: nothing before.
        clock.advance(by: 86_400 - 1)
        #expect(try store.write { try engine.runDueSteps(in: $0, now: clock.now, limit: 10) }.isEmpty)
        clock.advance(by: 1)
        let results = try store.write { try engine.runDueSteps(in: $0, now: clock.now, limit: 10) }
        #expect(results.map(\.outcome) == [.queued(messageKey: "thanks/hello/c1/1")])
        let message = try store.read { try $0.message(key: "thanks/hello/c1/1") }
        #expect(message?.content.subject == "Chào Lan")
        #expect(message?.content.html?.contains("Cảm ơn bạn đã mua 500") == true)
        #expect(message?.recipient.addresses == ["lan@example.vn"])

        // The next step is scheduled from the trigger time.
        let enrollment = try store.read { try $0.enrollments(customerID: "c1") }.first
        #expect(enrollment?.nextStep == "later")
        #expect(enrollment?.nextDueAt == Self.t0 + 5 * 86_400)
        let log = try store.read { try $0.dispatchLog(after: 0, filter: DispatchLogFilter(), limit: 10) }
        #expect(log.map(\.status) == [.queued])
    }

    @Test func aPurchaseThatDoesNotMatchEnrollsNobody() throws {
        let engine = try engine()
        let store = InMemoryStore()
        try seed(store)
        let summary = try store.write {
            try engine.ingest([purchase("o1", at: Self.t0, total: 10)], into: $0, now: Self.t0)
        }
        #expect(summary.enrollments == 0)
        #expect(try store.read { try $0.enrollments(customerID: "c1") }.isEmpty)
    }

    @Test func duplicatesAreIgnoredAndCustomersAreCreatedOnFirstSight() throws {
        let engine = try engine()
        let store = InMemoryStore()
        let event = purchase("o1", customer: "new", at: Self.t0)
        let first = try store.write { try engine.ingest([event, event], into: $0, now: Self.t0) }
        #expect(first.stored == 1 && first.duplicates == 1 && first.enrollments == 1)
        let customer = try store.read { try $0.customer("new") }
        #expect(customer?.facts.purchaseCount == 1)
        #expect(customer?.stage == "new_customer")
        #expect(try store.read { try $0.stageHistory(customerID: "new") }.map(\.to) == ["new_customer"])
    }

    @Test func reentryNeverEnrollsOnce() throws {
        let engine = try engine()
        let store = InMemoryStore()
        try seed(store)
        try store.write { _ = try engine.ingest([purchase("o1", at: Self.t0)], into: $0, now: Self.t0) }
        let again = try store.write {
            try engine.ingest([purchase("o2", at: Self.t0 + 60)], into: $0, now: Self.t0 + 60)
        }
        #expect(again.enrollments == 0)
    }

    @Test func holdoutStepsAreLoggedAndNeverRendered() throws {
        let engine = try engine(holdout: "50%")
        let store = InMemoryStore()
        let customer = (1...1000).map { "h\($0)" }.first {
            Assignment.arm(campaign: "thanks", customerID: $0, holdout: 0.5) == .holdout
        }!
        try seed(store, id: customer)
        try store.write {
            _ = try engine.ingest([purchase("o1", customer: customer, at: Self.t0)], into: $0, now: Self.t0)
        }
        let results = try store.write { try engine.runDueSteps(in: $0, now: Self.t0 + 86_400, limit: 10) }
        #expect(results.map(\.outcome) == [.suppressed(.holdout)])
        #expect(try store.read { try $0.count(of: .outbox) } == 0)
        #expect(results.first?.log?.reason == "holdout")
    }

    @Test func quietHoursDeferAndTheLogSaysSo() throws {
        // 09:00–11:00 local is quiet: the 10:00 step waits until 11:00.
        let engine = try engine(quiet: QuietHours(parsing: "09:00-11:00"))
        let store = InMemoryStore()
        try seed(store)
        try store.write { _ = try engine.ingest([purchase("o1", at: Self.t0)], into: $0, now: Self.t0) }
        let due = Self.t0 + 86_400
        let deferred = try store.write { try engine.runDueSteps(in: $0, now: due, limit: 10) }
        #expect(deferred.map(\.outcome) == [.deferred(until: due + 3600, reason: .quietHours)])
        let sent = try store.write { try engine.runDueSteps(in: $0, now: due + 3600, limit: 10) }
        #expect(sent.map(\.outcome) == [.queued(messageKey: "thanks/hello/c1/1")])
        let log = try store.read { try $0.dispatchLog(after: 0, filter: DispatchLogFilter(), limit: 10) }
        #expect(log.map(\.status) == [.deferred, .queued])
        #expect(log.first?.reason == "quiet_hours")
    }

    @Test func aMissedWindowIsLoggedAndTheNextStepFollows() throws {
        let engine = try engine()
        let store = InMemoryStore()
        try seed(store)
        // A purchase backfilled 4 days late: the 1d–3d window has passed.
        let late = Self.t0 + 4 * 86_400
        try store.write { _ = try engine.ingest([purchase("o1", at: Self.t0)], into: $0, now: late) }
        let results = try store.write { try engine.runDueSteps(in: $0, now: late, limit: 10) }
        #expect(results.map(\.outcome) == [.suppressed(.windowMissed)])
        #expect(try store.read { try $0.enrollments(customerID: "c1") }.first?.nextStep == "later")
    }

    @Test func anExitEventEndsTheEnrollment() throws {
        let engine = try engine()
        let store = InMemoryStore()
        try seed(store)
        try store.write { _ = try engine.ingest([purchase("o1", at: Self.t0)], into: $0, now: Self.t0) }
        let summary = try store.write {
            try engine.ingest(
                [purchase("o2", at: Self.t0 + 60, total: 50, category: "case")], into: $0, now: Self.t0 + 60)
        }
        #expect(summary.exits == 1)
        let enrollment = try store.read { try $0.enrollments(customerID: "c1") }.first
        #expect(enrollment?.state == .exited)
        #expect(try store.write { try engine.runDueSteps(in: $0, now: Self.t0 + 86_400, limit: 10) }.isEmpty)
        // The step it was waiting for is on record, with why it will never come.
        let log = try store.read { try $0.dispatchLog(after: 0, filter: DispatchLogFilter(), limit: 10) }
        #expect(log.map { "\($0.step) \($0.status.rawValue) \($0.reason ?? "")" } == ["hello suppressed exited"])
        #expect(log.first?.at == Self.t0 + 60 && log.first?.channel == .email && log.first?.customerID == "c1")
    }

    @Test func aCustomerWithoutAnAddressIsSuppressed() throws {
        let engine = try engine()
        let store = InMemoryStore()
        try seed(store, email: nil)
        try store.write { _ = try engine.ingest([purchase("o1", at: Self.t0)], into: $0, now: Self.t0) }
        let results = try store.write { try engine.runDueSteps(in: $0, now: Self.t0 + 86_400, limit: 10) }
        #expect(results.map(\.outcome) == [.suppressed(.invalidAddress)])
    }

    @Test func marketingCarriesASignedUnsubscribeLinkAndNoticesDoNot() throws {
        for (kind, expectLink) in [("cross_sell", true), ("notice", false)] {
            var engine = try engine()
            engine.unsubscribeLinks = UnsubscribeLinks(base: "https://shop.example/u", secret: "secret-0123456789abcdef")
            for index in engine.campaigns.campaigns.indices {
                engine.campaigns.campaigns[index].kind = kind == "notice" ? .notice : .crossSell
            }
            let store = InMemoryStore()
            try seed(store)
            _ = try store.write { try engine.ingest([purchase("o1", at: Self.t0)], into: $0, now: Self.t0) }
            _ = try store.write { try engine.runDueSteps(in: $0, now: Self.t0 + 86_400, limit: 10) }
            let message = try #require(try store.read { try $0.message(key: "thanks/hello/c1/1") })
            #expect(message.isMarketing == expectLink)
            if expectLink {
                let url = try #require(message.content.unsubscribeURL)
                #expect(url.hasPrefix("https://shop.example/u/"))
                let token = String(url.dropFirst("https://shop.example/u/".count))
                let found = try #require(UnsubscribeToken.verify(token, secret: "secret-0123456789abcdef"))
                #expect(found.customerID == "c1" && found.channel == .email)
            } else {
                #expect(message.content.unsubscribeURL == nil)
            }
        }
    }
}

import Foundation
import NudgeTesting
import Testing

@testable import NudgeCore

/// Reports over a hand-made campaign history: who was measured from when, which goal events count (the windows at
/// their edges), last-touch attribution across steps, and the retail figures of the orders attributed.
@Suite("Report attribution")
struct ReportAttributionTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let day: TimeInterval = 86_400
    static let emailDue = t0 + 21 * day
    static let smsDue = t0 + 28 * day
    static let emailSent = emailDue + 60
    static let smsSent = smsDue + 60

    static func campaign(goal: Goal? = Goal(event: "purchase", conditions: ConditionSet(), within: 14 * day)) -> Campaign {
        var email = JourneyFixtures.step(id: "email", after: 21 * day)
        email.variants = [Variant(id: "a", weight: 50, template: nil), Variant(id: "b", weight: 50, template: nil)]
        var campaign = JourneyFixtures.campaign(
            id: "phone-accessories", kind: .crossSell, holdout: 0.2,
            steps: [email, JourneyFixtures.step(id: "sms", channel: .sms, after: 28 * day)])
        campaign.goal = goal
        return campaign
    }

    static func purchase(_ id: String, _ customer: String, at: Date, _ lines: [Baskets.Line], total: Double? = nil)
        -> Event
    {
        var event = Baskets.purchase(id, customer: customer, at: at, lines)
        if let total { event.properties["total"] = .number(total) }
        return event
    }

    /// c1, c2, c4, c6 treated (variants a, b, a, a); c3, c5 held out. Enrollment ids follow that order from 1.
    ///
    /// - c1: email sent and delivered, sms sent; buys at the email's send time (too early), a day later (email), and
    ///   exactly 14 days after the sms (sms, the window's last moment).
    /// - c2: email sent, then reported undelivered; buys 1 ms after its window closes.
    /// - c3 (holdout): both steps logged `suppressed holdout`; buys two days after the sms step was due.
    /// - c4: no consent, so nothing sent: measured from that decision; buys four days later.
    /// - c5 (holdout): exited before its step (not measured); buys anyway.
    /// - c6: email queued, not yet sent (not measured); buys.
    static func store(now: Date = t0 + 100 * day) throws -> InMemoryStore {
        let store = InMemoryStore()
        let engine = Baskets.engineWithoutCampaigns()
        let arms: [(String, Arm, String?)] = [
            ("c1", .treatment, "a"), ("c2", .treatment, "b"), ("c3", .holdout, nil), ("c4", .treatment, "a"),
            ("c5", .holdout, nil), ("c6", .treatment, "a"),
        ]
        try store.write { tx in
            try tx.saveProduct(
                Product(sku: "HP-1", name: "Tai nghe", category: "headphones", price: 500_000, cost: 300_000, active: true))
            for (id, _, _) in arms { try tx.saveCustomer(JourneyFixtures.customer(id: id)) }
            // Histories: c1 bought a phone, c3 a case, c4 a phone, before the campaign.
            _ = try engine.ingest(
                [
                    purchase("p1", "c1", at: t0, [.init("PHONE-1", "phone", price: 9_000_000)]),
                    purchase("p3", "c3", at: t0, [.init("CASE-09", "case", price: 150_000)]),
                    purchase("p4", "c4", at: t0, [.init("PHONE-1", "phone", price: 9_000_000)]),
                ], into: tx, now: t0)
            for (id, arm, variant) in arms {
                _ = try tx.insertEnrollment(
                    Enrollment(
                        campaign: "phone-accessories", customerID: id, arm: arm, variant: variant, enrolledAt: t0,
                        triggeredAt: t0, nextStep: nil, nextDueAt: nil, state: .completed))
            }
            func message(_ step: String, _ customer: String, _ enrollment: Int64, skus: [String]) throws -> String {
                let key = OutboxMessage.key(campaign: "phone-accessories", step: step, customerID: customer, enrollment: enrollment)
                _ = try tx.enqueue(
                    OutboxMessage(
                        key: key, campaign: "phone-accessories", step: step, customerID: customer, channel: .email,
                        recipient: Recipient(addresses: ["x@example.vn"]), content: MessageContent(text: "x", recommendedSKUs: skus),
                        state: .sent, nextAttemptAt: emailDue, createdAt: emailDue))
                return key
            }
            func log(_ at: Date, _ step: String, _ customer: String, _ status: DispatchStatus, reason: String? = nil, key: String? = nil) throws {
                try tx.appendLog(
                    DispatchLogEntry(
                        at: at, campaign: "phone-accessories", step: step,
                        variant: arms.first { $0.0 == customer }?.2, customerID: customer,
                        channel: step == "sms" ? .sms : .email, status: status, reason: reason, messageKey: key))
            }
            let c1Email = try message("email", "c1", 1, skus: ["CASE-01", "CASE-02"])
            let c1SMS = try message("sms", "c1", 1, skus: [])
            let c2Email = try message("email", "c2", 2, skus: ["CASE-01"])
            let c6Email = try message("email", "c6", 6, skus: ["CASE-01"])
            try log(emailDue, "email", "c1", .queued, key: c1Email)
            try log(emailSent, "email", "c1", .sent, key: c1Email)
            try log(emailSent + 60, "email", "c1", .delivered, key: c1Email)
            try log(smsDue, "sms", "c1", .queued, key: c1SMS)
            try log(smsSent, "sms", "c1", .sent, key: c1SMS)
            try log(emailDue, "email", "c2", .queued, key: c2Email)
            try log(emailSent, "email", "c2", .sent, key: c2Email)
            try log(emailSent + 3600, "email", "c2", .failed, reason: "undelivered", key: c2Email)
            try log(emailDue, "email", "c3", .suppressed, reason: "holdout")
            try log(smsDue, "sms", "c3", .suppressed, reason: "holdout")
            try log(emailDue, "email", "c4", .deferred, reason: "quiet_hours")
            try log(emailDue + 3600, "email", "c4", .suppressed, reason: "no_consent")
            try log(emailDue, "email", "c5", .suppressed, reason: "exited")
            try log(emailDue, "email", "c6", .queued, key: c6Email)

            _ = try engine.ingest(
                [
                    purchase("c1-early", "c1", at: emailSent, [.init("CASE-01", "case", price: 200_000, cost: 80_000)]),
                    // Two cases (quantity 2) from the email's recommendations: a new category for c1.
                    {
                        var event = purchase(
                            "c1-email", "c1", at: emailSent + day, [.init("CASE-01", "case", price: 200_000, cost: 80_000)],
                            total: 400_000)
                        event.properties["items"] = .list([
                            .map([
                                "sku": .string("CASE-01"), "category": .string("case"), "price": .number(200_000),
                                "cost": .number(80_000), "quantity": .number(2),
                            ])
                        ])
                        return event
                    }(),
                    // Headphones, cost from the catalog, at the last moment of the sms's window.
                    purchase("c1-sms", "c1", at: smsSent + 14 * day, [.init("HP-1", "headphones", price: 500_000)]),
                    purchase("c2-late", "c2", at: emailSent + 14 * day + 0.001, [.init("CASE-01", "case", price: 200_000)]),
                    // A case with no cost anywhere; c3 has bought a case before.
                    purchase("c3-buy", "c3", at: smsDue + 2 * day, [.init("CASE-02", "case", price: 100_000)]),
                    purchase(
                        "c4-buy", "c4", at: emailDue + 4 * day,
                        [.init("PHONE-2", "phone", price: 9_000_000, cost: 8_000_000)], total: 9_000_000),
                    purchase("c5-buy", "c5", at: emailDue + day, [.init("CASE-01", "case", price: 200_000)]),
                    purchase("c6-buy", "c6", at: emailDue + day, [.init("CASE-01", "case", price: 200_000)]),
                ], into: tx, now: now)
        }
        return store
    }

    static func report(
        campaign: Campaign? = campaign(), since: Date? = nil, now: Date = t0 + 100 * day, store: InMemoryStore? = nil
    ) throws -> CampaignReport {
        let store = try store ?? Self.store()
        var set = Baskets.engineWithoutCampaigns().campaigns
        set.campaigns = campaign.map { [$0] } ?? []
        let report = try store.read {
            try ReportReader.report(campaigns: set, only: "phone-accessories", since: since, now: now, in: $0)
        }
        return try #require(report?.campaigns.first)
    }

    @Test func anUnknownCampaignHasNoReportAndEveryKnownOneIsListed() throws {
        let store = try Self.store()
        var set = Baskets.engineWithoutCampaigns().campaigns
        set.campaigns = [Self.campaign(), JourneyFixtures.campaign(id: "win-back")]
        let unknown = try store.read {
            try ReportReader.report(campaigns: set, only: "no-such-campaign", since: nil, now: Self.t0, in: $0)
        }
        #expect(unknown == nil)
        // Loaded (win-back, no enrollments) or enrolled: both listed, in id order.
        let all = try store.read { try ReportReader.report(campaigns: set, since: nil, now: Self.t0, in: $0) }
        #expect(all?.campaigns.map(\.campaign) == ["phone-accessories", "win-back"])
        #expect(all?.campaigns.last?.total.enrolled == ArmCounts())
    }

    @Test func armsAreMeasuredFromTheMomentTheyWereReached() throws {
        let total = try Self.report().total
        #expect(total.enrolled == ArmCounts(treatment: 4, holdout: 2))
        // c6's message is still queued, c5 exited: neither is measured.
        #expect(total.treatment.customers == 3)
        #expect(total.holdout.customers == 1)
        #expect(total.sent == 3)
        #expect(total.delivered == 1)
        #expect(total.failed == 1)
        #expect(total.suppressed == ["holdout": 2, "no_consent": 1, "exited": 1])
    }

    @Test func goalEventsCountInsideTheirWindowOnlyAndGoToTheLastTouch() throws {
        let report = try Self.report()
        let total = report.total
        // c1 (twice) and c4 convert; c1's purchase at the send time and c2's 1 ms late do not count.
        #expect(total.treatment.conversions == 2)
        #expect(total.treatment.orders == 3)
        #expect(total.holdout.conversions == 1)
        #expect(total.holdout.orders == 1)

        let email = try #require(report.steps.first { $0.step == "email" }).figures
        let sms = try #require(report.steps.first { $0.step == "sms" }).figures
        #expect(report.steps.map(\.step) == ["email", "sms"])
        #expect(report.steps.map(\.channel) == [.email, .sms])
        #expect(email.treatment.customers == 3)
        #expect(email.treatment.conversions == 2)
        #expect(email.treatment.orders == 2)
        #expect(email.holdout.customers == 1)
        #expect(email.holdout.conversions == 0)
        #expect(sms.treatment.customers == 1)
        #expect(sms.treatment.conversions == 1)
        #expect(sms.holdout.conversions == 1)
        #expect(email.enrolled == nil)
    }

    @Test func revenueMarginBasketsAndCrossSell() throws {
        let total = try Self.report().total
        let t = total.treatment
        #expect(t.revenue == 400_000 + 500_000 + 9_000_000)
        // (200,000 − 80,000) × 2 + (500,000 − 300,000 from the catalog) + (9,000,000 − 8,000,000).
        #expect(t.margin == 240_000 + 200_000 + 1_000_000)
        #expect(t.units == 4)
        #expect(t.itemsWithoutCost == 0)
        #expect(t.averageOrderValue == 3_300_000)
        #expect(t.unitsPerTransaction == 4.0 / 3)
        #expect(t.revenuePerCustomer == 3_300_000)
        // c1 bought cases and headphones after a phone; c4 bought another phone.
        #expect(t.crossSellCustomers == 1)
        #expect(t.crossSellRate == 1.0 / 3)
        #expect(total.recommendedItemOrders == 1)

        let h = total.holdout
        #expect(h.revenue == 100_000)
        #expect(h.margin == 0)
        #expect(h.itemsWithoutCost == 1)
        #expect(h.crossSellCustomers == 0)
        #expect(h.conversionRate == 1)
    }

    @Test func variantsAreComparedWithTheWholeHoldout() throws {
        let report = try Self.report()
        #expect(report.variants.map(\.variant) == ["a", "b"])
        let a = report.variants[0].figures
        let b = report.variants[1].figures
        #expect(a.enrolled == ArmCounts(treatment: 3, holdout: 2))
        #expect(a.treatment.customers == 2)
        #expect(a.treatment.conversions == 2)
        #expect(a.holdout == report.total.holdout)
        #expect(b.enrolled == ArmCounts(treatment: 1, holdout: 2))
        #expect(b.treatment.customers == 1)
        #expect(b.treatment.conversions == 0)
        #expect(b.sent == 1)
        #expect(b.failed == 1)
        #expect(b.suppressed.isEmpty)
        #expect(b.lift?.absoluteLift == -1)
    }

    @Test func warningsForSmallArmsMissingGoalsAndOpenWindows() throws {
        let report = try Self.report()
        #expect(report.warnings.count == 2)
        #expect(report.warnings.contains { $0.contains("only 3 customers measured in the treatment arm") })
        #expect(report.warnings.contains { $0.contains("only 1 customers measured in the holdout arm") })
        #expect(report.openWindows == 0)

        // 36 days in: c1's and c3's windows (from the sms step, day 28) are open; c2's and c4's (day 21) closed.
        let early = try Self.report(now: Self.t0 + 36 * Self.day)
        #expect(early.openWindows == 2)
        #expect(early.warnings.contains("2 customers are still inside their goal window: conversions may still come"))

        let noGoal = try Self.report(campaign: Self.campaign(goal: nil))
        #expect(noGoal.total.treatment.conversions == 0)
        #expect(noGoal.total.treatment.customers == 3)
        #expect(noGoal.warnings.first == "the campaign has no goal: conversions are not counted")

        let unloaded = try Self.report(campaign: nil)
        #expect(unloaded.name == nil)
        #expect(unloaded.total.sent == 3)
        #expect(unloaded.warnings.first?.contains("no longer loaded") == true)
    }

    @Test func aGoalConditionNarrowsWhatCounts() throws {
        let condition = try Condition.compile("event.total >= 1000000", scope: .campaign).get()
        let report = try Self.report(
            campaign: Self.campaign(goal: Goal(event: "purchase", conditions: ConditionSet([condition]), within: 14 * Self.day)))
        // Only c4's phone clears the bar.
        #expect(report.total.treatment.conversions == 1)
        #expect(report.total.treatment.revenue == 9_000_000)
        #expect(report.total.holdout.conversions == 0)
    }

    @Test func sinceCountsOnlyLaterEnrollments() throws {
        let later = try Self.report(since: Self.t0 + 1)
        #expect(later.total.enrolled == ArmCounts())
        #expect(later.total.sent == 0)
        #expect(later.steps.map(\.figures.sent) == [0, 0])
        let all = try Self.report(since: Self.t0)
        #expect(all.total.enrolled == ArmCounts(treatment: 4, holdout: 2))
    }

    @Test func aRowBelongsToTheEnrollmentItsKeyNamesOrTheLatestStartedBeforeIt() throws {
        // c3 re-enters on day 50; its new enrollment's step is held out on day 71, and it buys on day 72.
        let store = try Self.store()
        try store.write { tx in
            let id = try tx.insertEnrollment(
                Enrollment(
                    campaign: "phone-accessories", customerID: "c3", arm: .holdout, enrolledAt: Self.t0 + 50 * Self.day,
                    triggeredAt: Self.t0 + 50 * Self.day, nextStep: nil, nextDueAt: nil, state: .completed))
            #expect(id == 7)
            try tx.appendLog(
                DispatchLogEntry(
                    at: Self.t0 + 71 * Self.day, campaign: "phone-accessories", step: "email", customerID: "c3",
                    channel: .email, status: .suppressed, reason: "holdout"))
            _ = try Baskets.engineWithoutCampaigns().ingest(
                [Self.purchase("c3-again", "c3", at: Self.t0 + 72 * Self.day, [.init("HP-1", "headphones", price: 500_000)])],
                into: tx, now: Self.t0 + 72 * Self.day)
        }
        let report = try Self.report(store: store)
        #expect(report.total.enrolled == ArmCounts(treatment: 4, holdout: 3))
        #expect(report.total.holdout.customers == 2)
        #expect(report.total.holdout.conversions == 2)
        #expect(report.total.holdout.orders == 2)
        #expect(report.total.holdout.crossSellCustomers == 1)
        let since = try Self.report(since: Self.t0 + 40 * Self.day, store: store)
        #expect(since.total.enrolled == ArmCounts(treatment: 0, holdout: 1))
        #expect(since.total.holdout.customers == 1)
        #expect(since.total.holdout.conversions == 1)
        #expect(since.total.suppressed == ["holdout": 1])
    }

    @Test func theJSONKeepsEveryFigureInAFixedOrder() throws {
        let report = CampaignsReport(since: nil, campaigns: [try Self.report()])
        let text = ReportJSON.text(report)
        #expect(text == ReportJSON.text(CampaignsReport(since: nil, campaigns: [try Self.report()])))
        #expect(text.hasSuffix("\n"))
        guard case .map(let root) = StoredJSON.decode(text),
            case .list(let campaigns)? = root["campaigns"], case .map(let campaign)? = campaigns.first,
            case .map(let total)? = campaign["total"], case .map(let treatment)? = total["treatment"],
            case .map(let lift)? = total["lift"]
        else {
            Issue.record("unexpected JSON: \(text)")
            return
        }
        #expect(treatment["conversions"] == .number(2))
        #expect(treatment["revenue"] == .number(9_900_000))
        #expect(treatment["aov"] == .number(3_300_000))
        #expect(total["suppressed"] == .map(["holdout": .number(2), "no_consent": .number(1), "exited": .number(1)]))
        #expect(lift["absolute"] == .number(2.0 / 3 - 1))
        #expect(lift["significant"] == .bool(false))
        #expect(campaign["goal"] == .map(["event": .string("purchase"), "within": .string("2w")]))
        #expect(root["since"] == .null)
    }
}

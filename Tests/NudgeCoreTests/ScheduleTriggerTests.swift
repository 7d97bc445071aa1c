import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// Dated promotions: a `schedule` trigger enrolls every customer in the audience once, at the wall-clock time
/// in their own zone with `local: true`, in batches that survive restarts.
@Suite struct ScheduleTriggerTests {
    static func engine(at: String = "2026-03-05T09:00", local: Bool = true, before: String = "1d") throws
        -> JourneyEngine
    {
        var config = Config.defaults
        config.limits = FrequencyLimits(perCustomer: [], perChannel: [:])
        let campaign = SourceFile(
            path: "c/promo.yml",
            text: """
                campaign: promo
                name: Khuyến mãi
                kind: promotion
                trigger:
                  schedule: {at: "\(at)", local: \(local)}
                  where: customer.attributes.country == "VN"
                holdout: 0%
                steps:
                  - {id: announce, channel: email, after: 0m, before: \(before), template: hello}
                """)
        let files = CampaignFiles(
            stages: SourceFile(path: "c/stages.yml", text: "stages:\n  - name: any\n    when: true\n"),
            campaigns: [campaign],
            templates: [SourceFile(path: "t/hello.email.mustache", text: "---\nsubject: Chào\n---\n<p>Chào</p>\n")],
            partials: [])
        let (set, diagnostics) = CampaignSetLoader.load(files, config: config)
        return JourneyEngine(
            campaigns: try #require(set, "\(diagnostics.sorted.map(\.description))"),
            policy: JourneyPolicy(config: config), defaultLocale: "vi-VN")
    }

    static func seed(_ store: InMemoryStore) throws {
        try store.write { tx in
            for (id, zone, country) in [
                ("a-hanoi", "Asia/Ho_Chi_Minh", "VN"), ("b-newyork", "America/New_York", "VN"),
                ("c-nozone", nil, "VN"), ("d-abroad", "Europe/Berlin", "DE"),
            ] {
                try tx.saveCustomer(
                    Customer(
                        id: id, email: "\(id)@example.vn", timezone: zone, attributes: ["country": .string(country)],
                        createdAt: Date(timeIntervalSince1970: 1_700_000_000)))
            }
        }
    }

    func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func everyoneInTheAudienceOnceAtTheirOwnNineOClock() throws {
        let engine = try Self.engine()
        let store = InMemoryStore()
        try Self.seed(store)
        // 09:00 first comes in UTC+14, at 19:00 UTC the day before.
        #expect(engine.nextScheduleStart(after: utc("2026-03-01T00:00:00Z")) == utc("2026-03-04T19:00:00Z"))
        let early = try store.write { try engine.runSchedules(in: $0, now: utc("2026-03-04T18:59:59Z"), limit: 2) }
        #expect(early == ScheduleSummary())

        let start = utc("2026-03-04T19:00:00Z")
        let first = try store.write { try engine.runSchedules(in: $0, now: start, limit: 2) }
        #expect(first.enrollments == 2 && first.more)
        let second = try store.write { try engine.runSchedules(in: $0, now: start, limit: 2) }
        #expect(second.enrollments == 1 && second.more)  // a full batch: there may be more
        let third = try store.write { try engine.runSchedules(in: $0, now: start, limit: 2) }
        #expect(third.enrollments == 0 && !third.more)
        #expect(try store.read { try $0.scheduleRun(campaign: "promo") }?.done == true)
        #expect(try store.write { try engine.runSchedules(in: $0, now: start + 60, limit: 2) } == ScheduleSummary())

        func enrollment(_ id: String) throws -> Enrollment? { try store.read { try $0.enrollments(customerID: id) }.first }
        #expect(try enrollment("a-hanoi")?.nextDueAt == utc("2026-03-05T02:00:00Z"))
        #expect(try enrollment("b-newyork")?.nextDueAt == utc("2026-03-05T14:00:00Z"))
        #expect(try enrollment("c-nozone")?.nextDueAt == utc("2026-03-05T02:00:00Z"))  // the configured zone
        #expect(try enrollment("d-abroad") == nil)

        // Starting over (a lost run record) still enrolls nobody twice.
        try store.write { try $0.saveScheduleRun(ScheduleRun(campaign: "promo")) }
        #expect(try store.write { try engine.runSchedules(in: $0, now: start + 120, limit: 10) }.enrollments == 0)
    }

    @Test func aPromotionWhoseWindowHasPassedEnrollsNobody() throws {
        let engine = try Self.engine(at: "2026-03-05T09:00", local: false, before: "1d")
        let store = InMemoryStore()
        try Self.seed(store)
        let late = try store.write { try engine.runSchedules(in: $0, now: utc("2026-03-08T00:00:00Z"), limit: 10) }
        #expect(late.enrollments == 0)
        #expect(try store.read { try $0.scheduleRun(campaign: "promo") }?.done == true)
        #expect(engine.nextScheduleStart(after: utc("2026-03-08T00:00:00Z")) == nil)
    }
}

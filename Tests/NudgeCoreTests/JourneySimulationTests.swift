import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// The simulation on the in-memory store: the steps a purchase sets off, at their local times, counted per day.
@Suite struct JourneySimulationTests {
    let fixture = JourneyEngineTests()

    @Test func aPurchaseIsFollowedStepByStepAtTheTimesTheSchedulerWouldUse() throws {
        let engine = try fixture.engine()
        let store = InMemoryStore()
        try fixture.seed(store)
        let t0 = JourneyEngineTests.t0
        _ = try store.write { try engine.ingest([fixture.purchase("o1", at: t0)], into: $0, now: t0) }

        let entries = try JourneySimulation(engine: engine).run(on: store, from: t0, to: t0 + 10 * 86_400)
        // `hello` one day later at 10:00 local (03:00 UTC), `later` five days after the purchase.
        #expect(entries.map { "\($0.step) \($0.status.rawValue)" } == ["hello queued", "hello sent", "later queued", "later sent"])
        #expect(entries.filter { $0.status == .sent }.map(\.at) == [t0 + 86_400, t0 + 5 * 86_400])
        #expect(entries.filter { $0.status == .sent }.allSatisfy { $0.providerID == JourneySimulation.providerID })
        #expect(try store.read { try $0.message(key: "thanks/hello/c1/1") }?.state == .sent)

        let summary = SimulationSummary(entries, zone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!)
        #expect(summary.days.map(\.date) == ["2026-03-03", "2026-03-07"])
        #expect(summary.total.sent == ["email": 2])
        #expect(summary.campaigns.map(\.campaign) == ["thanks"])
    }

    @Test func holdoutAndQuietHoursAreCountedByReasonAndNothingRunsPastTheEnd() throws {
        let engine = try fixture.engine(
            holdout: "50%", quiet: QuietHours(start: TimeOfDay(hour: 9, minute: 0), end: TimeOfDay(hour: 11, minute: 0)))
        let store = InMemoryStore()
        let t0 = JourneyEngineTests.t0
        let ids = (1...40).map { "c\($0)" }
        for id in ids { try fixture.seed(store, id: id) }
        _ = try store.write { tx in
            try engine.ingest(ids.map { fixture.purchase("o-\($0)", customer: $0, at: t0) }, into: tx, now: t0)
        }
        let entries = try JourneySimulation(engine: engine, batchSize: 7).run(on: store, from: t0, to: t0 + 2 * 86_400)
        let summary = SimulationSummary(entries, zone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!)
        let holdout = ids.filter { Assignment.arm(campaign: "thanks", customerID: $0, holdout: 0.5) == .holdout }
        #expect(!holdout.isEmpty && holdout.count < ids.count)
        // `hello` is due at 10:00, inside quiet hours: deferred to 11:00 and sent then, for the treatment arm.
        #expect(summary.total.suppressed == ["holdout": holdout.count])
        #expect(summary.total.deferred == ["quiet_hours": ids.count - holdout.count])
        #expect(summary.total.sent == ["email": ids.count - holdout.count])
        #expect(entries.allSatisfy { $0.at <= t0 + 2 * 86_400 })
        #expect(entries.filter { $0.status == .sent }.allSatisfy { $0.at == t0 + 86_400 + 3_600 })
    }
}

import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// `recommend:` in a step, through the engine: the example baskets (`Baskets.example`) are the history, a new
/// customer's purchase triggers the step, and the queued message carries what it recommends.
@Suite struct RecommendationComposeTests {
    static let t0 = Date(timeIntervalSince1970: 1_772_420_400)

    static func campaign(_ recommend: String) -> String {
        """
        campaign: accessories
        name: Phụ kiện
        kind: cross_sell
        trigger:
          event: purchase
        reentry: always
        holdout: 0%
        steps:
          - id: email
            channel: email
            after: 1d
            template: offer
            recommend:
        \(recommend.split(separator: "\n").map { "      \($0)" }.joined(separator: "\n"))
        """
    }

    func engine(_ recommend: String) throws -> JourneyEngine {
        let files = CampaignFiles(
            stages: nil,
            campaigns: [SourceFile(path: "c/accessories.yml", text: Self.campaign(recommend))],
            templates: [
                SourceFile(
                    path: "t/offer.email.mustache",
                    text: "---\nsubject: Gợi ý\n---\n<p>{{#recommendations}}{{sku}};{{/recommendations}}</p>\n")
            ], partials: [])
        let (set, diagnostics) = CampaignSetLoader.load(files, config: .defaults)
        guard let set else {
            Issue.record("campaign set did not load: \(diagnostics.sorted.map(\.description))")
            throw CancellationError()
        }
        return JourneyEngine(campaigns: set, policy: JourneyPolicy(config: .defaults), defaultLocale: "vi-VN")
    }

    /// The history, then `lan` buys `lines`; runs the step a day later and returns its outcome and message.
    func run(_ recommend: String, buying lines: [Baskets.Line], extra: [Product] = []) throws -> (
        JourneyEngine.StepOutcome?, OutboxMessage?
    ) {
        let engine = try engine(recommend)
        let store = InMemoryStore()
        try store.write { tx in
            for product in extra { try tx.saveProduct(product) }
            try tx.saveCustomer(Customer(id: "lan", email: "lan@example.vn", createdAt: Self.t0))
        }
        let history = Baskets.engineWithoutCampaigns()
        _ = try store.write { try history.ingest(Baskets.example(at: Self.t0 - 86_400 * 30), into: $0, now: Self.t0) }
        let purchase = Baskets.purchase("lan-1", customer: "lan", at: Self.t0, lines)
        _ = try store.write { try engine.ingest([purchase], into: $0, now: Self.t0) }
        let results = try store.write { try engine.runDueSteps(in: $0, now: Self.t0 + 86_400, limit: 10) }
        let outcome = results.first?.outcome
        guard case .queued(let key)? = outcome else { return (outcome, nil) }
        return (outcome, try store.read { try $0.message(key: key) })
    }

    @Test func alsoBoughtOffersWhatBuyersOfTheTriggerItemBoughtAndKeepsItWithTheMessage() throws {
        let (_, message) = try run(
            "strategy: also_bought\nlimit: 3\nmin_margin: 15%", buying: [.init("PHONE", "phone", price: 9_000_000)])
        let sent = try #require(message)
        #expect(sent.content.recommendedSKUs == ["GLASS", "CASE"])
        #expect(sent.content.html?.contains("GLASS;CASE;") == true)
    }

    @Test func thresholdsApplyToTheTriggerItemsStatistics() throws {
        // GLASS has lift 5/3 after PHONE, CASE 10/9.
        let (_, message) = try run(
            "strategy: also_bought\nmin_lift: 1.2", buying: [.init("PHONE", "phone", price: 9_000_000)])
        #expect(message?.content.recommendedSKUs == ["GLASS"])
    }

    @Test func nothingRelevantWithRequireSkipsTheStep() throws {
        let (outcome, message) = try run(
            "strategy: also_bought\nmin_confidence: 0.9\nrequire: true",
            buying: [.init("PHONE", "phone", price: 9_000_000)])
        #expect(outcome == .suppressed(.noRelevantOffer))
        #expect(message == nil)
    }

    @Test func nothingRelevantWithoutRequireSendsWithoutRecommendations() throws {
        let (_, message) = try run(
            "strategy: also_bought\nmin_confidence: 0.9", buying: [.init("PHONE", "phone", price: 9_000_000)])
        #expect(message?.content.recommendedSKUs == [])
    }

    @Test func theMarginFloorDropsCostlessItemsAndTheFallbackStepsIn() throws {
        // After CASE: PHONE (2/3), CHARGER (no cost), GLASS. With a floor and only chargers allowed, the fallback.
        let (_, message) = try run(
            "strategy: also_bought\ncategories: [charger, cable]\nmin_margin: 10%\nfallback: [CABLE]",
            buying: [.init("CASE", "case", price: 200_000)],
            extra: [Product(sku: "CABLE", name: "Cáp", category: "cable", price: 90_000, cost: 30_000)])
        #expect(message?.content.recommendedSKUs == ["CABLE"])
    }

    @Test func sameCategoryOffersTheCategorysBestSellersNotOwned() throws {
        let extra = [
            Product(sku: "CASE-B", name: "Ốp B", category: "case", price: 150_000, cost: 50_000),
            Product(sku: "CASE-A", name: "Ốp A", category: "case", price: 150_000, cost: 50_000),
            Product(sku: "CASE-X", name: "Ốp X", category: "case", price: 150_000, cost: 50_000, active: false),
        ]
        let (_, message) = try run(
            "strategy: same_category", buying: [.init("CASE-B", "case", price: 150_000)], extra: extra)
        // CASE was bought by 3 customers, CASE-A by none; CASE-B is owned and CASE-X inactive.
        #expect(message?.content.recommendedSKUs == ["CASE", "CASE-A"])
    }
}

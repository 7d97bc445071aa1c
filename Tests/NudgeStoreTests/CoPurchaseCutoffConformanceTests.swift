import Foundation
import NudgeStore
import NudgeTesting
import Testing

@testable import NudgeCore

/// A co-purchase lookup that stops where `CoPurchaseCutoff` says changes nothing a checkout page shows, on both
/// stores.
@Suite("Store conformance: co-purchase cutoff")
struct CoPurchaseCutoffConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func aSourceIsReadOnlyAsFarAsTheCutoffAsks(kind: StoreKind) throws {
        let store = try kind.make()
        let engine = Baskets.engineWithoutCampaigns()
        _ = try store.write { try engine.ingest(Baskets.example(at: t0), into: $0, now: t0) }
        func lookup(_ cutoff: CoPurchaseCutoff) throws -> [String] {
            var cutoff = cutoff
            return try store.read {
                try $0.coPurchases(of: ["PHONE", "CASE"], categories: [], limit: 10, scanning: 300, cutoff: &cutoff)
            }.map { "\($0.source)>\($0.product.sku)" }
        }
        #expect(
            try lookup(.none) == ["PHONE>CASE", "PHONE>GLASS", "CASE>PHONE", "CASE>CHARGER", "CASE>GLASS"])
        // One product wanted: PHONE>CASE (2 of PHONE's 3 customers) sets the bar at 2/3, which GLASS meets from
        // PHONE and PHONE meets from CASE; CHARGER and GLASS, 1 of CASE's 3, cannot.
        #expect(try lookup(CoPurchaseCutoff(count: 1, excluding: [])) == ["PHONE>CASE", "PHONE>GLASS", "CASE>PHONE"])
        // What the customer owns never sets the bar.
        #expect(
            try lookup(CoPurchaseCutoff(count: 1, excluding: ["CASE", "GLASS", "PHONE"])) == [
                "PHONE>CASE", "PHONE>GLASS", "CASE>PHONE", "CASE>CHARGER", "CASE>GLASS",
            ])
    }

    /// Random purchase histories: every customer's checkout answer, with and without a category, is the one a full
    /// read of the same lookups gives.
    @Test(arguments: StoreKind.allCases)
    func checkoutAnswersAreTheSameAsWithoutACutoff(kind: StoreKind) throws {
        let store = try kind.make()
        var random = SplitMix64(seed: 20_261_123)
        let skus = (0..<40).map { "SKU-\($0)" }
        let engine = Baskets.engineWithoutCampaigns()
        var events: [Event] = []
        for customer in 0..<80 {
            for order in 0..<Int.random(in: 1...4, using: &random) {
                // A long tail: low numbers are bought far more often.
                let lines = (0..<Int.random(in: 1...3, using: &random)).map { _ -> Baskets.Line in
                    let index = Int(Double(skus.count) * pow(Double.random(in: 0..<1, using: &random), 2))
                    return Baskets.Line(skus[index], "cat-\(index % 4)")
                }
                events.append(
                    Baskets.purchase(
                        "o\(customer)-\(order)", customer: "c\(customer)", at: t0 + Double(order) * 86_400, lines))
            }
        }
        _ = try store.write { try engine.ingest(events, into: $0, now: t0) }
        try store.write { tx in
            for sku in ["SKU-1", "SKU-7", "SKU-12"] {
                var product = try #require(try tx.product(sku))
                product.active = false
                try tx.saveProduct(product)
            }
        }

        var answers = 0
        for id in 0..<80 {
            let customer = try #require(try store.read { try $0.customer("c\(id)") })
            for categories in [[], ["cat-1"], ["cat-2", "cat-3"]] {
                for limit in [1, 3, 5] {
                    let answer = try store.read {
                        try CheckoutRecommendations.recommend(
                            for: customer, categories: categories, limit: limit, in: $0)
                    }
                    #expect(answer == (try fullRead(customer, categories: categories, limit: limit, in: store)))
                    answers += answer.isEmpty ? 0 : 1
                }
            }
        }
        #expect(answers > 400)
    }

    /// The checkout answer from the same lookups as `CheckoutRecommendations`, with nothing cut.
    func fullRead(_ customer: Customer, categories: [String], limit: Int, in store: any Store) throws
        -> [RankedProduct]
    {
        let rule = Recommendation(
            strategy: .alsoBought, limit: limit, categories: categories, skus: [], minConfidence: nil, minLift: nil,
            minMargin: nil, maxPrice: nil, fallback: [], require: false)
        let candidates = try store.read {
            try RecommendationSource.alsoBought(
                sources: Array(customer.facts.ownedSKUs.suffix(RecommendationSource.ownedSources)),
                categories: categories,
                depth: RecommendationSource.lookupDepth(for: rule, owned: customer.facts.ownedSKUs.count),
                cutoff: .none, in: $0)
        }
        return RecommendationPicker.pick(
            rule, candidates: candidates, fallback: [], customer: customer, triggerTotal: nil)
    }
}

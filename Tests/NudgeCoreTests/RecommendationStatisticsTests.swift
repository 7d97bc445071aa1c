import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// Support, confidence and lift on hand-made baskets (`Baskets.example`), every figure counted by hand.
@Suite struct RecommendationStatisticsTests {
    static let t0 = Date(timeIntervalSince1970: 1_772_420_400)

    func exampleStore() throws -> InMemoryStore {
        let store = InMemoryStore()
        let engine = Baskets.engineWithoutCampaigns()
        for event in Baskets.example(at: Self.t0) {
            _ = try store.write { try engine.ingest([event], into: $0, now: Self.t0) }
        }
        return store
    }

    @Test func aFirstPurchasePairsItsItemsAndCountsANewCustomer() {
        let delta = CoPurchaseDelta(owned: [], bought: ["A", "B", "A", "C"])
        #expect(delta.newSKUs == ["A", "B", "C"])
        #expect(delta.isFirstPurchase)
        #expect(delta.pairs == [SKUPair("A", "B"), SKUPair("A", "C"), SKUPair("B", "C")])
    }

    @Test func aLaterPurchasePairsNewItemsWithEverythingOwnedBefore() {
        let delta = CoPurchaseDelta(owned: ["A", "B"], bought: ["B", "C", "D"])
        #expect(delta.newSKUs == ["C", "D"])
        #expect(!delta.isFirstPurchase)
        #expect(
            delta.pairs == [
                SKUPair("C", "D"), SKUPair("C", "A"), SKUPair("C", "B"), SKUPair("D", "A"), SKUPair("D", "B"),
            ])
    }

    @Test func buyingOnlyWhatYouOwnChangesNothing() {
        let delta = CoPurchaseDelta(owned: ["A", "B"], bought: ["A"])
        #expect(delta.isEmpty && !delta.isFirstPurchase && delta.pairs.isEmpty)
    }

    @Test func confidenceAndLiftAreComputedFromCustomerCounts() {
        let pair = CoPurchase(
            source: "PHONE", product: Product(sku: "GLASS", name: "g", price: 1), bothCustomers: 2, sourceCustomers: 3,
            productCustomers: 2)
        let score = CoPurchaseScore(pair, purchasingCustomers: 5)
        #expect(score.support == 2)
        #expect(abs(score.confidence - 2.0 / 3.0) < 1e-12)
        // P(GLASS) = 2/5, so lift = (2/3) / (2/5) = 5/3.
        #expect(abs(score.lift - 5.0 / 3.0) < 1e-12)
    }

    @Test func alsoBoughtForAPhoneRanksByConfidenceThenLift() throws {
        let store = try exampleStore()
        let ranked = try store.read {
            try RecommendationSource.alsoBought(sources: ["PHONE"], categories: [], depth: 10, in: $0)
        }
        // P(GLASS|PHONE) = 2/3, lift (2/3)/(2/5) = 5/3; P(CASE|PHONE) = 2/3, lift (2/3)/(3/5) = 10/9.
        #expect(ranked.map(\.product.sku) == ["GLASS", "CASE"])
        let glass = try #require(ranked[0].score)
        #expect(glass.support == 2 && abs(glass.confidence - 2.0 / 3) < 1e-12 && abs(glass.lift - 5.0 / 3) < 1e-12)
        let caseScore = try #require(ranked[1].score)
        #expect(caseScore.support == 2 && abs(caseScore.confidence - 2.0 / 3) < 1e-12)
        #expect(abs(caseScore.lift - 10.0 / 9) < 1e-12)
    }

    @Test func equalScoresFallBackToSupportThenSKU() throws {
        let store = try exampleStore()
        let ranked = try store.read {
            try RecommendationSource.alsoBought(sources: ["CASE"], categories: [], depth: 10, in: $0)
        }
        // P(PHONE|CASE) = 2/3, lift 10/9; GLASS and CHARGER both 1/3 with lift (1/3)/(2/5) = 5/6 and support 1.
        #expect(ranked.map(\.product.sku) == ["PHONE", "CHARGER", "GLASS"])
        #expect(abs(ranked[1].score!.lift - 5.0 / 6) < 1e-12)
    }

    @Test func severalSourcesKeepEachProductsBestScore() throws {
        let store = try exampleStore()
        let ranked = try store.read {
            try RecommendationSource.alsoBought(
                sources: ["CHARGER", "PHONE"], categories: [], depth: 10, in: $0)
        }
        // CASE: from CHARGER 1/2 (lift (1/2)/(3/5) = 5/6), from PHONE 2/3 (lift 10/9): PHONE's is kept.
        let caseScore = try #require(ranked.first { $0.product.sku == "CASE" }?.score)
        #expect(caseScore.source == "PHONE")
        #expect(abs(caseScore.confidence - 2.0 / 3) < 1e-12)
        #expect(ranked.map(\.product.sku) == ["GLASS", "CASE"])
    }

    @Test func theCheckoutAnswerLeavesOutWhatTheCustomerOwns() throws {
        let store = try exampleStore()
        // c2 owns PHONE and GLASS: from PHONE, CASE; from GLASS (bought by c1, c2), PHONE (owned) and CASE
        // (P = 1/2, lift (1/2)/(3/5) = 5/6). CASE keeps PHONE's 2/3.
        let c2 = try #require(try store.read { try $0.customer("c2") })
        let answer = try store.read { try CheckoutRecommendations.recommend(for: c2, categories: [], limit: 3, in: $0) }
        #expect(answer.map(\.product.sku) == ["CASE"])
        #expect(answer.first?.score?.source == "PHONE")
        let filtered = try store.read {
            try CheckoutRecommendations.recommend(for: c2, categories: ["charger"], limit: 3, in: $0)
        }
        #expect(filtered.isEmpty)
        // Someone who bought nothing gets nothing.
        let newcomer = Customer(id: "new", createdAt: Self.t0)
        #expect(
            try store.read { try CheckoutRecommendations.recommend(for: newcomer, categories: [], limit: 3, in: $0) }
                .isEmpty)
    }
}

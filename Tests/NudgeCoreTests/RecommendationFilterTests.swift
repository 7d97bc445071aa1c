import Foundation
import NudgeTesting
import Testing

@testable import NudgeCore

/// Every filter of `recommend:` on hand-made candidates, and the margin guard under random catalogs.
@Suite struct RecommendationFilterTests {
    static let t0 = Date(timeIntervalSince1970: 1_772_420_400)

    static func rule(
        _ strategy: Recommendation.Strategy = .alsoBought, limit: Int = 3, categories: [String] = [],
        minConfidence: Double? = nil, minLift: Double? = nil, minMargin: Double? = nil, maxPrice: Double? = nil,
        fallback: [String] = [], require: Bool = false
    ) -> Recommendation {
        Recommendation(
            strategy: strategy, limit: limit, categories: categories, skus: [], minConfidence: minConfidence,
            minLift: minLift, minMargin: minMargin, maxPrice: maxPrice, fallback: fallback, require: require)
    }

    static func product(
        _ sku: String, _ category: String? = "case", price: Double = 100, cost: Double? = 50, active: Bool = true
    ) -> Product {
        Product(sku: sku, name: sku, category: category, price: price, cost: cost, active: active)
    }

    static func scored(_ product: Product, confidence: Double = 0.5, lift: Double = 2, support: Int = 10)
        -> RankedProduct
    {
        RankedProduct(
            product, score: CoPurchaseScore(source: "PHONE", support: support, confidence: confidence, lift: lift))
    }

    static func customer(owning owned: [String] = []) -> Customer {
        var customer = Customer(id: "c1", createdAt: t0)
        customer.facts.ownedSKUs = owned
        return customer
    }

    func pick(
        _ rule: Recommendation, _ candidates: [RankedProduct], fallback: [Product] = [], owned: [String] = [],
        triggerTotal: Double? = nil
    ) -> [String] {
        RecommendationPicker.pick(
            rule, candidates: candidates, fallback: fallback, customer: Self.customer(owning: owned),
            triggerTotal: triggerTotal
        ).map(\.product.sku)
    }

    @Test func ownedAndInactiveProductsAreNeverOffered() {
        let candidates = [
            Self.scored(Self.product("A")), Self.scored(Self.product("B", active: false)),
            Self.scored(Self.product("C")),
        ]
        #expect(pick(Self.rule(), candidates, owned: ["A"]) == ["C"])
    }

    @Test func onlyAllowedCategoriesPassAndAProductWithoutOneFailsAnAllowList() {
        let candidates = [
            Self.scored(Self.product("A", "case")), Self.scored(Self.product("B", "phone")),
            Self.scored(Self.product("C", nil)), Self.scored(Self.product("D", "headphones")),
        ]
        #expect(pick(Self.rule(categories: ["case", "headphones"]), candidates) == ["A", "D"])
        #expect(pick(Self.rule(), candidates) == ["A", "B", "C"])
    }

    @Test func theMarginFloorIsInclusiveAndUnknownCostFailsIt() {
        let candidates = [
            Self.scored(Self.product("AT-FLOOR", price: 100, cost: 85)),  // (100-85)/100 = 15%
            Self.scored(Self.product("BELOW", price: 100, cost: 85.01)),
            Self.scored(Self.product("NO-COST", price: 100, cost: nil)),
            Self.scored(Self.product("FREE", price: 0, cost: 0)),
            Self.scored(Self.product("LOSS", price: 100, cost: 120)),
            Self.scored(Self.product("RICH", price: 100, cost: 10)),
        ]
        #expect(pick(Self.rule(limit: 10, minMargin: 0.15), candidates) == ["AT-FLOOR", "RICH"])
        // Without a floor, cost does not matter.
        #expect(pick(Self.rule(limit: 10), candidates).count == 6)
    }

    @Test func thePriceCapIsAShareOfTheTriggerPurchase() {
        let candidates = [
            Self.scored(Self.product("HALF", price: 500)), Self.scored(Self.product("MORE", price: 500.5)),
            Self.scored(Self.product("CHEAP", price: 10)),
        ]
        #expect(pick(Self.rule(maxPrice: 0.5), candidates, triggerTotal: 1000) == ["HALF", "CHEAP"])
        // Without a trigger purchase there is nothing to compare with.
        #expect(pick(Self.rule(maxPrice: 0.5), candidates) == ["HALF", "MORE", "CHEAP"])
    }

    @Test func confidenceAndLiftThresholdsAreInclusive() {
        let candidates = [
            Self.scored(Self.product("STRONG"), confidence: 0.3, lift: 2.5),
            Self.scored(Self.product("EXACT"), confidence: 0.05, lift: 1.2),
            Self.scored(Self.product("RARE"), confidence: 0.049, lift: 9),
            Self.scored(Self.product("COMMON"), confidence: 0.9, lift: 1.19),
        ]
        #expect(pick(Self.rule(limit: 10, minConfidence: 0.05), candidates) == ["STRONG", "EXACT", "COMMON"])
        #expect(pick(Self.rule(limit: 10, minLift: 1.2), candidates) == ["STRONG", "EXACT", "RARE"])
        #expect(pick(Self.rule(limit: 10, minConfidence: 0.05, minLift: 1.2), candidates) == ["STRONG", "EXACT"])
        // Candidates without statistics (fixed, same_category) are not held to them.
        #expect(pick(Self.rule(minConfidence: 0.5, minLift: 5), [RankedProduct(Self.product("FIXED"))]) == ["FIXED"])
    }

    @Test func theFallbackIsUsedOnlyWhenNothingClearsAndIsFilteredToo() {
        let fallback = [Self.product("FB-OWNED"), Self.product("FB-THIN", cost: 99), Self.product("FB-OK")]
        let weak = [Self.scored(Self.product("WEAK"), confidence: 0.01)]
        let strong = [Self.scored(Self.product("STRONG"), confidence: 0.5)]
        let rule = Self.rule(minConfidence: 0.05, minMargin: 0.15, fallback: fallback.map(\.sku))
        #expect(pick(rule, weak, fallback: fallback, owned: ["FB-OWNED"]) == ["FB-OK"])
        #expect(pick(rule, strong, fallback: fallback, owned: ["FB-OWNED"]) == ["STRONG"])
    }

    @Test func theLimitKeepsTheBestAndEachProductOnce() {
        let candidates = ["A", "B", "A", "C", "D"].map { Self.scored(Self.product($0)) }
        #expect(pick(Self.rule(limit: 3), candidates) == ["A", "B", "C"])
    }

    /// Random catalogs, costs, floors and candidate orders: whatever passes clears the floor, and nothing without
    /// a cost passes when there is a floor.
    @Test func theMarginGuardNeverLetsABelowFloorItemThrough() {
        var random = SplitMix64(seed: 0x6e75_6467_6531)
        for _ in 0..<2_000 {
            let floor: Double? = Bool.random(using: &random) ? Double.random(in: 0...0.9, using: &random) : nil
            let count = Int.random(in: 0...12, using: &random)
            let candidates = (0..<count).map { index -> RankedProduct in
                let price = [0, 1, 99.99, 100, 250_000, Double.random(in: 0...10_000_000, using: &random)]
                    .randomElement(using: &random)!
                let cost: Double? =
                    Int.random(in: 0..<5, using: &random) == 0
                    ? nil : price * Double.random(in: 0...1.3, using: &random)
                let product = Self.product(
                    "P\(index)", price: price, cost: cost, active: Int.random(in: 0..<8, using: &random) != 0)
                return Self.scored(product, confidence: Double.random(in: 0...1, using: &random))
            }
            let fallback = (0..<Int.random(in: 0...3, using: &random)).map { index in
                Self.product(
                    "F\(index)", price: 100,
                    cost: Bool.random(using: &random) ? nil : Double.random(in: 0...130, using: &random))
            }
            let rule = Self.rule(
                limit: Int.random(in: 1...5, using: &random), minConfidence: Bool.random(using: &random) ? 0.3 : nil,
                minMargin: floor)
            let picked = RecommendationPicker.pick(
                rule, candidates: candidates, fallback: fallback, customer: Self.customer(), triggerTotal: nil)
            #expect(picked.count <= rule.limit)
            guard let floor else { continue }
            for item in picked.map(\.product) {
                guard let cost = item.cost else {
                    Issue.record("\(item.sku) has no cost and passed the floor \(floor)")
                    continue
                }
                #expect(item.price > 0)
                #expect((item.price - cost) / item.price >= floor, "\(item) is below the floor \(floor)")
            }
        }
    }
}

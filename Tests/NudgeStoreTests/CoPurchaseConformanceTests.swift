import Foundation
import NudgeCore
import NudgeStore
import NudgeTesting
import Testing

/// Co-purchase statistics and the catalog learned from purchases, through the real ingest path, on both stores.
@Suite("Store conformance: recommendations")
struct CoPurchaseConformanceTests {
    /// The example baskets (see `Baskets.example`), ingested one event per transaction like separate API calls.
    func storeWithExample(_ kind: StoreKind) throws -> any Store {
        let store = try kind.make()
        let engine = Baskets.engineWithoutCampaigns()
        for event in Baskets.example(at: t0) {
            _ = try store.write { try engine.ingest([event], into: $0, now: t0) }
        }
        return store
    }

    func pairs(_ store: any Store, of sku: String, categories: [String] = [], limit: Int = 10) throws
        -> [String: (both: Int, source: Int, product: Int)]
    {
        var found: [String: (Int, Int, Int)] = [:]
        for pair in try store.read({ try $0.coPurchases(of: [sku], categories: categories, limit: limit) }) {
            #expect(pair.source == sku)
            found[pair.product.sku] = (pair.bothCustomers, pair.sourceCustomers, pair.productCustomers)
        }
        return found
    }

    @Test(arguments: StoreKind.allCases)
    func customerCountsMatchTheHandCountedBaskets(kind: StoreKind) throws {
        let store = try storeWithExample(kind)
        #expect(try store.read { try $0.purchasingCustomers() } == 5)
        let phone = try pairs(store, of: "PHONE")
        #expect(phone.count == 2)
        #expect(phone["CASE"]! == (2, 3, 3))
        #expect(phone["GLASS"]! == (2, 3, 2))
        let caseItem = try pairs(store, of: "CASE")
        #expect(caseItem.count == 3)
        #expect(caseItem["PHONE"]! == (2, 3, 3))
        #expect(caseItem["GLASS"]! == (1, 3, 2))
        #expect(caseItem["CHARGER"]! == (1, 3, 2))
        let charger = try pairs(store, of: "CHARGER")
        #expect(charger.count == 1)
        #expect(charger["CASE"]! == (1, 2, 3))
        #expect(try pairs(store, of: "UNKNOWN").isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func theSameEventTwiceCountsOnce(kind: StoreKind) throws {
        let store = try storeWithExample(kind)
        let engine = Baskets.engineWithoutCampaigns()
        let again = Baskets.example(at: t0)
        let summary = try store.write { try engine.ingest(again, into: $0, now: t0) }
        #expect(summary.duplicates == again.count)
        #expect(try store.read { try $0.purchasingCustomers() } == 5)
        #expect(try pairs(store, of: "PHONE")["CASE"]! == (2, 3, 3))
    }

    @Test(arguments: StoreKind.allCases)
    func manyPurchasesInOneBatchCountLikeOnePerRequest(kind: StoreKind) throws {
        // 400 purchases by 60 customers of 12 SKUs: the same pairs, SKUs and customers come back many times a batch.
        var random = SplitMix64(seed: 0xBA5C_E7)
        let skus = (0..<12).map { Baskets.Line("SKU-\($0)", "category-\($0 % 3)") }
        let purchases = (0..<400).map { index in
            Baskets.purchase(
                "o\(index)", customer: "c\(random.below(60))", at: t0 + Double(index) * 60,
                (0..<(1 + random.below(3))).map { _ in random.pick(skus) })
        }
        let engine = Baskets.engineWithoutCampaigns()
        let batched = try kind.make()
        _ = try batched.write { try engine.ingest(purchases, into: $0, now: t0) }
        let separate = try kind.make()
        for purchase in purchases { _ = try separate.write { try engine.ingest([purchase], into: $0, now: t0) } }

        #expect(try batched.read { try $0.purchasingCustomers() } == separate.read { try $0.purchasingCustomers() })
        #expect(try separate.read { try $0.purchasingCustomers() } > 50)
        for line in skus {
            let together = try pairs(batched, of: line.sku)
            let apart = try pairs(separate, of: line.sku)
            #expect(together.count == apart.count && !apart.isEmpty, "\(line.sku)")
            for (other, counts) in apart {
                #expect(together[other].map { $0 == counts } == true, "\(line.sku) with \(other)")
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aBatchCountsLikeSeparateRequests(kind: StoreKind) throws {
        let store = try kind.make()
        let engine = Baskets.engineWithoutCampaigns()
        _ = try store.write { try engine.ingest(Baskets.example(at: t0), into: $0, now: t0) }
        #expect(try store.read { try $0.purchasingCustomers() } == 5)
        #expect(try pairs(store, of: "PHONE")["GLASS"]! == (2, 3, 2))
        #expect(try pairs(store, of: "CASE")["CHARGER"]! == (1, 3, 2))
    }

    @Test(arguments: StoreKind.allCases)
    func lookupsRankByCustomersThenSKUAndHonourLimitCategoriesAndActive(kind: StoreKind) throws {
        let store = try storeWithExample(kind)
        let ranked = try store.read { try $0.coPurchases(of: ["CASE"], categories: [], limit: 10) }
        #expect(ranked.map(\.product.sku) == ["PHONE", "CHARGER", "GLASS"])
        let two = try store.read { try $0.coPurchases(of: ["CASE", "PHONE"], categories: [], limit: 1) }
        #expect(two.map { "\($0.source)>\($0.product.sku)" } == ["CASE>PHONE", "PHONE>CASE"])
        let onlyGlass = try store.read {
            try $0.coPurchases(of: ["CASE"], categories: ["screen_protector", "nothing"], limit: 10)
        }
        #expect(onlyGlass.map(\.product.sku) == ["GLASS"])

        // A lookup goes only so deep into a source's list: GLASS is CASE's third.
        #expect(
            try store.read {
                try $0.coPurchases(of: ["CASE"], categories: ["screen_protector"], limit: 10, scanning: 2)
            }.isEmpty)
        #expect(
            try store.read {
                try $0.coPurchases(of: ["CASE"], categories: ["screen_protector"], limit: 10, scanning: 3)
            }.map(\.product.sku) == ["GLASS"])

        var phone = try #require(try store.read { try $0.product("PHONE") })
        phone.active = false
        try store.write { try $0.saveProduct(phone) }
        #expect(
            try store.read { try $0.coPurchases(of: ["CASE"], categories: [], limit: 10) }.map(\.product.sku) == [
                "CHARGER", "GLASS",
            ])
    }

    @Test(arguments: StoreKind.allCases)
    func aCategorysBestSellersComeFirstAndInactiveOnesNever(kind: StoreKind) throws {
        let store = try storeWithExample(kind)
        try store.write {
            try $0.saveProduct(Product(sku: "CASE-NEW", name: "Ốp mới", category: "case", price: 100))
            try $0.saveProduct(Product(sku: "CASE-OLD", name: "Ốp cũ", category: "case", price: 100, active: false))
            try $0.saveProduct(Product(sku: "A-CASE", name: "Ốp A", category: "case", price: 100))
        }
        #expect(
            try store.read { try $0.popularProducts(in: ["case"], limit: 10) }.map(\.sku) == [
                "CASE", "A-CASE", "CASE-NEW",
            ])
        #expect(
            try store.read { try $0.popularProducts(in: ["case", "phone"], limit: 2) }.map(\.sku) == [
                "CASE", "PHONE",
            ])
        #expect(try store.read { try $0.popularProducts(in: ["none"], limit: 2) }.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func purchasesRecordUnknownProductsAndFillOnlyWhatTheCatalogLacks(kind: StoreKind) throws {
        let store = try kind.make()
        let engine = Baskets.engineWithoutCampaigns()
        try store.write {
            try $0.saveProduct(Product(sku: "CASE", name: "Ốp lưng", price: 250_000, cost: 100_000))
            try $0.saveProduct(Product(sku: "GLASS", name: "Kính", category: "screen_protector", price: 150_000))
        }
        let event = Baskets.purchase(
            "o1", customer: "c1", at: t0,
            [
                .init("CASE", "case", price: 199_000, cost: nil), .init("GLASS", "glass", price: 99_000, cost: 20_000),
                .init("CABLE", "cable", price: 50_000, cost: 10_000), .init("MYSTERY", nil, price: nil),
            ])
        _ = try store.write { try engine.ingest([event], into: $0, now: t0) }

        // Known products keep their price and cost; only gaps are filled.
        #expect(
            try store.read { try $0.product("CASE") }
                == Product(
                    sku: "CASE", name: "Ốp lưng", category: "case", price: 250_000, cost: 100_000))
        #expect(
            try store.read { try $0.product("GLASS") }
                == Product(
                    sku: "GLASS", name: "Kính", category: "screen_protector", price: 150_000, cost: 20_000))
        // An unknown product with a price is recorded; one without is not (a product needs a price).
        #expect(
            try store.read { try $0.product("CABLE") }
                == Product(
                    sku: "CABLE", name: "CABLE", category: "cable", price: 50_000, cost: 10_000, currency: "VND"))
        #expect(try store.read { try $0.product("MYSTERY") } == nil)
        // The statistics count every SKU bought, catalogued or not.
        #expect(try store.read { try $0.purchasingCustomers() } == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func aQueuedMessageKeepsTheSKUsItRecommended(kind: StoreKind) throws {
        let store = try kind.make()
        try store.write { try $0.saveCustomer(Customer(id: "c1", createdAt: t0)) }
        let message = OutboxMessage(
            key: "k1", campaign: "phone-accessories", step: "accessories-email", variant: nil, customerID: "c1",
            channel: .email, recipient: Recipient(addresses: ["lan@example.vn"]),
            content: MessageContent(subject: "s", html: "<p>h</p>", text: "t", recommendedSKUs: ["GLASS", "CASE"]),
            nextAttemptAt: t0, createdAt: t0)
        _ = try store.write { try $0.enqueue(message) }
        #expect(try store.read { try $0.message(key: "k1") }?.content.recommendedSKUs == ["GLASS", "CASE"])
    }
}

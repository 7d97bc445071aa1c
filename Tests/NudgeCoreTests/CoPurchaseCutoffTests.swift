import Foundation
import NudgeCore
import Testing

/// The confidence below which a co-purchase lookup may stop reading a source, counted by hand.
@Suite struct CoPurchaseCutoffTests {
    func pair(_ source: String, _ sku: String, both: Int, sourceCustomers: Int) -> CoPurchase {
        CoPurchase(
            source: source, product: Product(sku: sku, name: sku, price: 1), bothCustomers: both,
            sourceCustomers: sourceCustomers, productCustomers: 1)
    }

    @Test func nothingIsCutUntilEnoughProductsAreKnown() {
        var cutoff = CoPurchaseCutoff(count: 2, excluding: [])
        #expect(cutoff.leastCustomers(sourceCustomers: 10) == 0)
        cutoff.admit(pair("S", "A", both: 9, sourceCustomers: 10))
        #expect(cutoff.leastCustomers(sourceCustomers: 10) == 0)
        var none = CoPurchaseCutoff.none
        none.admit(pair("S", "A", both: 9, sourceCustomers: 10))
        #expect(none.leastCustomers(sourceCustomers: 10) == 0)
    }

    @Test func theFloorIsTheLastKeptConfidenceRoundedUpToACustomer() {
        var cutoff = CoPurchaseCutoff(count: 2, excluding: [])
        cutoff.admit(pair("S", "A", both: 3, sourceCustomers: 10))
        cutoff.admit(pair("T", "B", both: 1, sourceCustomers: 2))
        cutoff.admit(pair("T", "C", both: 1, sourceCustomers: 4))
        // The best two: B (1/2) and A (3/10). A source bought by 7 needs 2.1 customers, so 3; by 20, exactly 6.
        #expect(cutoff.leastCustomers(sourceCustomers: 7) == 3)
        #expect(cutoff.leastCustomers(sourceCustomers: 20) == 6)
        #expect(cutoff.leastCustomers(sourceCustomers: 0) == 0)
        // D (2/5) pushes A out: a source bought by 10 now needs 4.
        cutoff.admit(pair("U", "D", both: 2, sourceCustomers: 5))
        #expect(cutoff.leastCustomers(sourceCustomers: 10) == 4)
    }

    @Test func aProductCountsOnceWithItsBestConfidence() {
        var cutoff = CoPurchaseCutoff(count: 2, excluding: [])
        cutoff.admit(pair("S", "A", both: 1, sourceCustomers: 4))
        cutoff.admit(pair("T", "A", both: 3, sourceCustomers: 4))
        #expect(cutoff.leastCustomers(sourceCustomers: 4) == 0)
        cutoff.admit(pair("S", "B", both: 2, sourceCustomers: 4))
        // A at 3/4 and B at 2/4: a pair needs half the source's customers.
        #expect(cutoff.leastCustomers(sourceCustomers: 4) == 2)
        cutoff.admit(pair("U", "B", both: 1, sourceCustomers: 100))
        #expect(cutoff.leastCustomers(sourceCustomers: 4) == 2)
    }

    @Test func productsThatWillNotBeOfferedNeverRaiseIt() {
        var cutoff = CoPurchaseCutoff(count: 1, excluding: ["OWNED"])
        cutoff.admit(pair("S", "OWNED", both: 10, sourceCustomers: 10))
        #expect(cutoff.leastCustomers(sourceCustomers: 10) == 0)
        cutoff.admit(pair("S", "A", both: 1, sourceCustomers: 10))
        #expect(cutoff.leastCustomers(sourceCustomers: 10) == 1)
    }

    @Test func equalFractionsAreEqualConfidences() {
        var cutoff = CoPurchaseCutoff(count: 1, excluding: [])
        cutoff.admit(pair("S", "A", both: 1, sourceCustomers: 3))
        cutoff.admit(pair("T", "B", both: 2, sourceCustomers: 6))
        // 2/6 is not above 1/3: A stays, and a pair as confident as it is still read.
        #expect(cutoff.leastCustomers(sourceCustomers: 3) == 1)
        #expect(cutoff.leastCustomers(sourceCustomers: 6) == 2)
    }
}

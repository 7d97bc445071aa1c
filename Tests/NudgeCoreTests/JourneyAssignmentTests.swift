import Foundation
import Testing

@testable import NudgeCore

@Suite struct JourneyAssignmentTests {
    static let population = (0..<100_000).map { "customer-\($0)" }

    let fiftyFifty = [Variant(id: "a", weight: 50, template: nil), Variant(id: "b", weight: 50, template: "b")]

    @Test func fnv1aMatchesTheReferenceVectors() {
        #expect(StableHash.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(StableHash.fnv1a64("foobar") == 0x85944171f73967e8)
    }

    @Test func assignmentsArePinned() {
        // Changing the hash reassigns every enrolled customer: these values must never change.
        let ids = (0..<8).map { "c-\($0)" }
        let arms = ids.map { Assignment.arm(campaign: "phone-accessories", customerID: $0, holdout: 0.3) }
        #expect(arms == [.treatment, .treatment, .treatment, .holdout, .holdout, .treatment, .treatment, .holdout])
        let variants = ids.map {
            Assignment.variant(campaign: "phone-accessories", customerID: $0, variants: fiftyFifty) ?? "-"
        }
        #expect(variants == ["a", "b", "b", "b", "a", "b", "a", "b"])
    }

    @Test func sameInputsSameAssignment() {
        for id in Self.population.prefix(1000) {
            let arm = Assignment.arm(campaign: "promo", customerID: id, holdout: 0.1)
            #expect(Assignment.arm(campaign: "promo", customerID: id, holdout: 0.1) == arm)
            let variant = Assignment.variant(campaign: "promo", customerID: id, variants: fiftyFifty)
            #expect(Assignment.variant(campaign: "promo", customerID: id, variants: fiftyFifty) == variant)
        }
    }

    @Test func holdoutShareIsWithinHalfAPoint() {
        let holdout = Self.population.count {
            Assignment.arm(campaign: "promo", customerID: $0, holdout: 0.1) == .holdout
        }
        let share = Double(holdout) / Double(Self.population.count)
        #expect(abs(share - 0.10) <= 0.005, "holdout share \(share)")
    }

    @Test func noHoldoutAndTheHalfCap() {
        #expect(
            Self.population.prefix(10_000).allSatisfy {
                Assignment.arm(campaign: "p", customerID: $0, holdout: 0) == .treatment
            })
        let capped = Self.population.count { Assignment.arm(campaign: "p", customerID: $0, holdout: 0.9) == .holdout }
        #expect(abs(Double(capped) / Double(Self.population.count) - 0.5) <= 0.01)
    }

    @Test func fiftyFiftyVariantsWithinOnePoint() {
        let a = Self.population.count {
            Assignment.variant(campaign: "promo", customerID: $0, variants: fiftyFifty) == "a"
        }
        let share = Double(a) / Double(Self.population.count)
        #expect(abs(share - 0.5) <= 0.01, "variant a share \(share)")
    }

    @Test func weightedVariantsFollowTheirWeights() {
        let variants = [
            Variant(id: "a", weight: 20, template: nil), Variant(id: "b", weight: 30, template: nil),
            Variant(id: "c", weight: 50, template: nil),
        ]
        var counts: [String: Int] = [:]
        for id in Self.population {
            counts[Assignment.variant(campaign: "promo", customerID: id, variants: variants)!, default: 0] += 1
        }
        for (id, weight) in [("a", 0.2), ("b", 0.3), ("c", 0.5)] {
            #expect(abs(Double(counts[id] ?? 0) / Double(Self.population.count) - weight) <= 0.01, "variant \(id)")
        }
    }

    @Test func variantsDoNotDependOnTheArm() {
        var holdoutA = 0
        var holdout = 0
        var treatmentA = 0
        for id in Self.population {
            let isA = Assignment.variant(campaign: "promo", customerID: id, variants: fiftyFifty) == "a"
            if Assignment.arm(campaign: "promo", customerID: id, holdout: 0.1) == .holdout {
                holdout += 1
                if isA { holdoutA += 1 }
            } else if isA {
                treatmentA += 1
            }
        }
        #expect(abs(Double(holdoutA) / Double(holdout) - 0.5) <= 0.02)
        #expect(abs(Double(treatmentA) / Double(Self.population.count - holdout) - 0.5) <= 0.01)
    }

    @Test func campaignsAssignIndependently() {
        let both = Self.population.count {
            Assignment.arm(campaign: "spring", customerID: $0, holdout: 0.1) == .holdout
                && Assignment.arm(campaign: "autumn", customerID: $0, holdout: 0.1) == .holdout
        }
        #expect(abs(Double(both) / Double(Self.population.count) - 0.01) <= 0.003)
    }

    @Test func noVariantsNoVariant() {
        #expect(Assignment.variant(campaign: "promo", customerID: "c-1", variants: []) == nil)
    }

    @Test func zeroWeightVariantsAreNeverPicked() {
        let variants = [Variant(id: "off", weight: 0, template: nil), Variant(id: "on", weight: 100, template: nil)]
        #expect(
            Self.population.prefix(5000).allSatisfy {
                Assignment.variant(campaign: "promo", customerID: $0, variants: variants) == "on"
            })
        let allOff = [Variant(id: "x", weight: 0, template: nil), Variant(id: "y", weight: 0, template: nil)]
        #expect(Assignment.variant(campaign: "promo", customerID: "c-1", variants: allOff) == "x")
    }
}

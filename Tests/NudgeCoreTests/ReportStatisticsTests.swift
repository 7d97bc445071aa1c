import Foundation
import Testing

@testable import NudgeCore

/// The two-proportion test against figures worked out by hand from its formulas.
@Suite("Report statistics")
struct ReportStatisticsTests {
    func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-12) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    /// 312 of 1,600 treated customers against 52 of 388 held out.
    ///
    /// p₁ = 0.195, p₂ = 0.134020618…, difference 0.060979381…; pooled p = 364/1988 = 0.183098…,
    /// pooled SE = √(p(1−p)(1/1600 + 1/388)) = 0.0218856…, z = 2.78627…, p-value = erfc(z/√2) = 0.0053318…;
    /// unpooled SE = √(p₁(1−p₁)/1600 + p₂(1−p₂)/388) = 0.0199210…, interval 0.0609794 ± 1.959964 × SE;
    /// risk ratio 1.455, log SE = √(1/312 − 1/1600 + 1/52 − 1/388) = 0.137196…, interval exp(ln 1.455 ± 1.959964 × SE).
    @Test func aClearLift() throws {
        let test = try #require(TwoProportionTest(treatment: (312, 1600), holdout: (52, 388)))
        #expect(close(test.treatmentRate, 0.195))
        #expect(close(test.holdoutRate, 52.0 / 388))
        #expect(close(test.absoluteLift, 0.06097938144329898))
        #expect(close(test.absoluteInterval.lowerBound, 0.02191602832127877))
        #expect(close(test.absoluteInterval.upperBound, 0.10004273456531919))
        #expect(close(test.relativeLift, 0.455))
        #expect(close(test.relativeInterval?.lowerBound, 0.1086997716607161))
        #expect(close(test.relativeInterval?.upperBound, 0.9094664345685926))
        #expect(close(test.z, 2.786270998829673))
        #expect(close(test.pValue, 0.00533182762216012, tolerance: 1e-9))
        #expect(test.isSignificant)
    }

    /// 30 of 200 against 25 of 200: z = 0.7260, p = 0.4679 — not significant, and both intervals cross zero.
    @Test func aDifferenceTooSmallToTell() throws {
        let test = try #require(TwoProportionTest(treatment: (30, 200), holdout: (25, 200)))
        #expect(close(test.absoluteLift, 0.025))
        #expect(close(test.pValue, 0.467866965446457, tolerance: 1e-9))
        #expect(!test.isSignificant)
        #expect(test.absoluteInterval.contains(0))
        #expect(try #require(test.relativeInterval).contains(0))
    }

    @Test func edgesOfTheCounts() throws {
        #expect(TwoProportionTest(treatment: (3, 10), holdout: (0, 0)) == nil)
        #expect(TwoProportionTest(treatment: (0, 0), holdout: (1, 10)) == nil)
        #expect(TwoProportionTest(treatment: (11, 10), holdout: (1, 10)) == nil)

        let noHoldoutConversions = try #require(TwoProportionTest(treatment: (5, 50), holdout: (0, 50)))
        #expect(noHoldoutConversions.relativeLift == nil)
        #expect(noHoldoutConversions.relativeInterval == nil)
        #expect(noHoldoutConversions.pValue < 0.05)

        let nobody = try #require(TwoProportionTest(treatment: (0, 40), holdout: (0, 10)))
        #expect(nobody.pValue == 1)
        #expect(nobody.z == 0)
        #expect(nobody.absoluteLift == 0)
        #expect(!nobody.isSignificant)

        let everybody = try #require(TwoProportionTest(treatment: (40, 40), holdout: (10, 10)))
        #expect(everybody.pValue == 1)
        #expect(everybody.relativeLift == 0)
    }

    @Test func theSignFollowsTheArms() throws {
        let worse = try #require(TwoProportionTest(treatment: (52, 388), holdout: (312, 1600)))
        #expect(worse.absoluteLift < 0)
        #expect(worse.z < 0)
        #expect(close(worse.pValue, 0.00533182762216012, tolerance: 1e-9))
        #expect(worse.absoluteInterval.upperBound < 0)
    }
}

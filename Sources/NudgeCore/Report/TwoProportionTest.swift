import Foundation

/// Whether a campaign's treatment arm converts at a different rate from its holdout (SPEC §10): the difference of
/// the two rates with a 95% confidence interval, the same as a ratio, and the two-sided p-value of the
/// two-proportion z-test.
///
/// - The p-value pools both arms under the null hypothesis that they convert alike:
///   `z = (p₁ − p₂) / √(p(1 − p)(1/n₁ + 1/n₂))`, `p = (x₁ + x₂)/(n₁ + n₂)`.
/// - The interval of the difference is Wald's, unpooled: `p₁ − p₂ ± 1.96·√(p₁(1 − p₁)/n₁ + p₂(1 − p₂)/n₂)`.
/// - The interval of the relative lift `p₁/p₂ − 1` comes from the log of the risk ratio, whose standard error is
///   `√(1/x₁ − 1/n₁ + 1/x₂ − 1/n₂)`; it needs a conversion in each arm.
///
/// These are the textbook large-sample formulas (statsmodels' `proportions_ztest` and
/// `confint_proportions_2indep` with `method="wald"` and `method="log"` compute the same figures).
public struct TwoProportionTest: Sendable, Equatable {
    public var treatmentRate: Double
    public var holdoutRate: Double
    /// `treatmentRate − holdoutRate`, as a share (0.05 is five percentage points).
    public var absoluteLift: Double
    public var absoluteInterval: ClosedRange<Double>
    /// `treatmentRate / holdoutRate − 1`; nil when the holdout never converted.
    public var relativeLift: Double?
    /// Nil when either arm has no conversion.
    public var relativeInterval: ClosedRange<Double>?
    public var z: Double
    /// Two-sided.
    public var pValue: Double

    /// The level of the intervals and of `isSignificant`.
    public static let confidence = 0.95
    /// The standard normal quantile for a two-sided 95% interval.
    static let zCritical = 1.959963984540054

    /// Whether the difference is significant at the 5% level.
    public var isSignificant: Bool { pValue < 1 - Self.confidence }

    /// Nil when either arm has no customers.
    public init?(treatment: (conversions: Int, customers: Int), holdout: (conversions: Int, customers: Int)) {
        let (x1, n1, x2, n2) = (
            Double(treatment.conversions), Double(treatment.customers), Double(holdout.conversions),
            Double(holdout.customers)
        )
        guard n1 > 0, n2 > 0, x1 >= 0, x2 >= 0, x1 <= n1, x2 <= n2 else { return nil }
        let (p1, p2) = (x1 / n1, x2 / n2)
        treatmentRate = p1
        holdoutRate = p2
        absoluteLift = p1 - p2

        let pooled = (x1 + x2) / (n1 + n2)
        let pooledError = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        if pooledError > 0 {
            z = absoluteLift / pooledError
            pValue = min(1, erfc(abs(z) / 2.0.squareRoot()))
        } else {
            // Both arms all converted, or none did: no evidence of a difference.
            z = 0
            pValue = 1
        }

        let error = (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2).squareRoot()
        absoluteInterval = (absoluteLift - Self.zCritical * error)...(absoluteLift + Self.zCritical * error)

        relativeLift = p2 > 0 ? p1 / p2 - 1 : nil
        if x1 > 0, x2 > 0 {
            let logRatio = log(p1 / p2)
            let logError = (1 / x1 - 1 / n1 + 1 / x2 - 1 / n2).squareRoot()
            relativeInterval = (exp(logRatio - Self.zCritical * logError) - 1)...(exp(logRatio + Self.zCritical * logError) - 1)
        } else {
            relativeInterval = nil
        }
    }
}

import Foundation
import NudgeCore
import NudgeTesting

/// What a report must show for one arm, worked out from the purchases the test generated, independently of the
/// report code: a conversion is a purchase after the customer's exposure (the generator only stamps conversions
/// inside the goal window), revenue the order's total (else its lines), margin (price − cost) × quantity over the
/// items whose cost the item or the catalog gives, and a cross-sell a converted customer who bought a category none
/// of their earlier purchases had.
struct ExpectedArm {
    var customers = 0
    var conversions = 0
    var orders = 0
    var revenue = 0.0
    var margin = 0.0
    var itemsWithoutCost = 0
    var units = 0.0
    var crossSellCustomers = 0

    /// `customers` measured in the arm; `purchases` every purchase on record, by customer (imported and posted).
    init(customers: Set<String>, conversions: [ReportDataset.Order], purchases: [String: [ReportDataset.Order]]) {
        self.customers = customers.count
        let counted = conversions.filter { customers.contains($0.customer) }
        self.conversions = Set(counted.map(\.customer)).count
        orders = counted.count
        var crossSold = Set<String>()
        for order in counted {
            revenue += order.total ?? order.items.reduce(0) { $0 + $1.price * $1.quantity }
            for item in order.items {
                units += item.quantity
                if let cost = item.cost ?? ReportDataset.products[item.sku]?.cost {
                    margin += (item.price - cost) * item.quantity
                } else {
                    itemsWithoutCost += 1
                }
            }
            let known = Set(
                (purchases[order.customer] ?? []).filter { $0.at < order.at }.flatMap { $0.items.map(\.category) })
            if !Set(order.items.map(\.category)).subtracting(known).isEmpty { crossSold.insert(order.customer) }
        }
        crossSellCustomers = crossSold.count
    }

    var rate: Double { Double(conversions) / Double(customers) }
}

/// The two-proportion test of a treatment and a holdout as statsmodels computes it (python3, run beside the test):
/// `proportions_ztest` (pooled) for z and the p-value, `confint_proportions_2indep` with `compare="diff",
/// method="wald"` for the interval of the difference and `compare="ratio", method="log"` for the ratio's (given here
/// as relative lift, ratio − 1).
struct ReferenceLift: Decodable {
    var z: Double
    var pValue: Double
    var absoluteCI95: [Double]
    var relativeCI95: [Double]

    enum CodingKeys: String, CodingKey {
        case z
        case pValue = "p_value"
        case absoluteCI95 = "absolute_ci95"
        case relativeCI95 = "relative_ci95"
    }

    /// One result per `(treatment conversions, treatment customers, holdout conversions, holdout customers)`.
    static func compute(_ counts: [[Int]]) async throws -> [ReferenceLift] {
        let input = String(decoding: try JSONSerialization.data(withJSONObject: counts), as: UTF8.self)
        let run = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", script, input])
        guard run.status == 0 else {
            if run.output.contains("No module named") {
                throw ReferenceError(
                    "the reference computation needs statsmodels for python3 (`make test` installs it: "
                        + "python3 -m pip install statsmodels):\n\(run.output)")
            }
            throw ReferenceError("python3 failed (\(run.status)):\n\(run.output)")
        }
        return try JSONDecoder().decode([ReferenceLift].self, from: Data(run.output.utf8))
    }

    static let script = """
        import json, sys
        from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

        results = []
        for x1, n1, x2, n2 in json.loads(sys.argv[1]):
            z, p = proportions_ztest([x1, x2], [n1, n2])
            diff = confint_proportions_2indep(x1, n1, x2, n2, compare="diff", method="wald")
            ratio = confint_proportions_2indep(x1, n1, x2, n2, compare="ratio", method="log")
            results.append({
                "z": float(z), "p_value": float(p),
                "absolute_ci95": [float(diff[0]), float(diff[1])],
                "relative_ci95": [float(ratio[0]) - 1, float(ratio[1]) - 1],
            })
        print(json.dumps(results))
        """

    struct ReferenceError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

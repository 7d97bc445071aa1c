import Foundation
import NudgeCore
import Testing

/// The report's figures, as JSON, table and CSV, against what the test expects.
extension ReportEndToEndTests {
    /// One row of the report (total, step or variant) against the expected arms.
    func check(_ row: [String: Any], treatment: ExpectedArm, holdout: ExpectedArm, sent: Int, _ name: String) {
        #expect(row["sent"] as? Int == sent, "\(name): sent")
        #expect(row["delivered"] as? Int == 0, "\(name): the file transport confirms no delivery")
        #expect(row["failed"] as? Int == 0, "\(name): failed")
        check(row["treatment"], treatment, "\(name) treatment")
        check(row["holdout"], holdout, "\(name) holdout")
    }

    func check(_ value: Any?, _ expected: ExpectedArm, _ name: String) {
        guard let arm = value as? [String: Any] else {
            Issue.record("\(name): no figures")
            return
        }
        let counts: [(String, Int)] = [
            ("customers", expected.customers), ("conversions", expected.conversions), ("orders", expected.orders),
            ("items_without_cost", expected.itemsWithoutCost), ("cross_sell_customers", expected.crossSellCustomers),
        ]
        for (key, count) in counts { #expect(arm[key] as? Int == count, "\(name): \(key)") }
        let orders = Double(expected.orders)
        let customers = Double(expected.customers)
        let amounts: [(String, Double)] = [
            ("revenue", expected.revenue), ("margin", expected.margin), ("units", expected.units),
            ("conversion_rate", expected.rate), ("aov", expected.revenue / orders), ("upt", expected.units / orders),
            ("revenue_per_recipient", expected.revenue / customers),
            ("cross_sell_rate", Double(expected.crossSellCustomers) / customers),
        ]
        for (key, amount) in amounts {
            #expect(close(number(arm[key]), amount, 1e-12), "\(name): \(key) \(arm[key] ?? "nil"), expected \(amount)")
        }
    }

    /// A lift against the two arms' counts and statsmodels' figures for them.
    func check(
        _ lift: [String: Any], treatment: ExpectedArm, holdout: ExpectedArm, reference: ReferenceLift, _ name: String
    ) {
        let pair = { (key: String) in (lift[key] as? [Any] ?? []).compactMap(number) }
        #expect(close(number(lift["absolute"]), treatment.rate - holdout.rate, 1e-12), "\(name): absolute lift")
        #expect(close(number(lift["relative"]), treatment.rate / holdout.rate - 1, 1e-12), "\(name): relative lift")
        #expect(
            closePair(pair("absolute_ci95"), reference.absoluteCI95),
            "\(name): \(pair("absolute_ci95")) against statsmodels \(reference.absoluteCI95)")
        #expect(
            closePair(pair("relative_ci95"), reference.relativeCI95),
            "\(name): \(pair("relative_ci95")) against statsmodels \(reference.relativeCI95)")
        #expect(close(number(lift["z"]), reference.z, 1e-9), "\(name): z \(lift["z"] ?? "nil") against \(reference.z)")
        #expect(
            close(number(lift["p_value"]), reference.pValue, 1e-9),
            "\(name): p \(lift["p_value"] ?? "nil") against statsmodels \(reference.pValue)")
        #expect(lift["significant"] as? Bool == (reference.pValue < 0.05), "\(name): significant")
    }

    /// The lift in words, with its interval and p-value, and the arms' counts.
    func checkTable(_ text: String, lift: [String: Any], treatment: ExpectedArm, holdout: ExpectedArm) {
        let points = { (share: Double) in String(format: "%+.2f pp", share * 100) }
        let interval = (lift["absolute_ci95"] as? [Any] ?? []).compactMap(number)
        guard let absolute = number(lift["absolute"]), let p = number(lift["p_value"]), interval.count == 2 else {
            Issue.record("no lift to look for in the table")
            return
        }
        let expected = "lift: \(points(absolute)) (95% CI \(points(interval[0])) to \(points(interval[1])))"
        #expect(text.contains(expected), "\(expected) missing from:\n\(text)")
        // Four decimals; a p-value too small for them reads as below 0.0001.
        let shown = p < 0.0001 ? "< 0.0001" : "= " + String(format: "%.4f", p)
        let verdict = p < 0.05 ? "significant at 95%" : "not significant"
        let liftLine = text.split(separator: "\n").first { $0.hasPrefix("lift: ") }.map(String.init) ?? ""
        #expect(liftLine.hasSuffix(" \(shown): \(verdict)"), "\(liftLine)")
        let enrolled = text.split(separator: "\n").first { $0.hasPrefix("enrolled") }?.split(separator: " ") ?? []
        #expect(
            enrolled.suffix(2) == [grouped(treatment.customers), grouped(holdout.customers)].map { Substring($0) },
            "\(enrolled)")
        let conversions = text.split(separator: "\n").first { $0.hasPrefix("conversions") }.map(String.init) ?? ""
        let rate = { (arm: ExpectedArm) in "\(grouped(arm.conversions)) (\(String(format: "%.2f%%", arm.rate * 100)))" }
        #expect(conversions.contains(rate(treatment)) && conversions.contains(rate(holdout)), "\(conversions)")
    }

    /// Header and rows; the campaign row's counts and p-value are the JSON's.
    func checkCSV(_ text: String, lift: [String: Any], treatment: ExpectedArm, holdout: ExpectedArm) {
        let rows = CSVText.rows(text)
        guard let header = rows.first, rows.count == 5 else {
            Issue.record("expected a header, the campaign, its step and two variants:\n\(text)")
            return
        }
        #expect(rows.allSatisfy { $0.count == header.count }, "rows of different widths:\n\(text)")
        #expect(rows.dropFirst().map { $0[1] } == ["campaign", "step", "variant", "variant"])
        let row = Dictionary(uniqueKeysWithValues: zip(header, rows[1]))
        #expect(row["campaign"] == Self.campaign)
        #expect(
            row["enrolled_treatment"] == "\(treatment.customers)" && row["enrolled_holdout"] == "\(holdout.customers)")
        #expect(
            row["customers_treatment"] == "\(treatment.customers)" && row["customers_holdout"] == "\(holdout.customers)"
        )
        #expect(row["conversions_treatment"] == "\(treatment.conversions)", "\(row)")
        #expect(row["conversions_holdout"] == "\(holdout.conversions)", "\(row)")
        #expect(row["orders_treatment"] == "\(treatment.orders)" && row["orders_holdout"] == "\(holdout.orders)")
        #expect(row["suppressed"] == "holdout=\(holdout.customers)")
        #expect(close(row["p_value"].flatMap { Double($0) }, number(lift["p_value"]) ?? .nan, 1e-12), "\(row)")
        #expect(row["significant"] == ((lift["significant"] as? Bool) == true ? "true" : "false"))
        #expect(close(row["revenue_treatment"].flatMap { Double($0) }, treatment.revenue, 1e-12), "\(row)")
    }

    func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }

    /// Equal within `tolerance`, relative to the larger.
    func close(_ value: Double?, _ expected: Double, _ tolerance: Double) -> Bool {
        guard let value else { return false }
        return abs(value - expected) <= tolerance * max(abs(value), abs(expected))
    }

    func closePair(_ values: [Double], _ expected: [Double]) -> Bool {
        values.count == 2 && expected.count == 2 && close(values[0], expected[0], 1e-9)
            && close(values[1], expected[1], 1e-9)
    }

    /// `1,234`: counts as the table shows them.
    func grouped(_ count: Int) -> String {
        var digits = Array(String(count))
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        return String(digits)
    }
}

/// RFC 4180 text as a spreadsheet reads it: quoted fields may hold commas, quotes (doubled) and line breaks.
enum CSVText {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\r\n", "\n":
                row.append(field)
                rows.append(row)
                (row, field) = ([], "")
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        return rows
    }
}

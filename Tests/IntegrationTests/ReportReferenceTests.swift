import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// The report's statistics against an independent implementation: statsmodels, run on the same counts.
@Suite("Report statistics against statsmodels")
struct ReportReferenceTests {
    /// Seeded counts from tiny arms to large ones, rare to common conversions, lifts up and down.
    static func counts() -> [[Int]] {
        var random = SplitMix64(seed: 20_261_123)
        var sets: [[Int]] = [[312, 1600, 52, 388], [30, 200, 25, 200], [1, 12, 3, 9], [999, 1000, 1, 2]]
        while sets.count < 80 {
            let n1 = Int.random(in: 5...200_000, using: &random)
            let n2 = Int.random(in: 5...50_000, using: &random)
            let rate = Double.random(in: 0.001...0.6, using: &random)
            let x1 = min(n1 - 1, max(1, Int(Double(n1) * rate * Double.random(in: 0.5...1.8, using: &random))))
            let x2 = min(n2 - 1, max(1, Int(Double(n2) * rate)))
            sets.append([x1, n1, x2, n2])
        }
        return sets
    }

    static let script = """
        import json, sys
        from statsmodels.stats.proportion import proportions_ztest, confint_proportions_2indep
        rows = []
        for x1, n1, x2, n2 in json.load(open(sys.argv[1])):
            z, p = proportions_ztest([x1, x2], [n1, n2])
            dlow, dhigh = confint_proportions_2indep(x1, n1, x2, n2, compare="diff", method="wald")
            rlow, rhigh = confint_proportions_2indep(x1, n1, x2, n2, compare="ratio", method="log")
            rows.append([float(z), float(p), float(dlow), float(dhigh), float(rlow) - 1, float(rhigh) - 1])
        json.dump(rows, open(sys.argv[2], "w"))
        """

    @Test func liftIntervalsAndPValuesMatch() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-report-ref-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (scriptPath, countsPath, resultPath) = (
            folder.appendingPathComponent("reference.py").path, folder.appendingPathComponent("counts.json").path,
            folder.appendingPathComponent("result.json").path
        )
        let counts = Self.counts()
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        try JSONSerialization.data(withJSONObject: counts).write(to: URL(fileURLWithPath: countsPath))

        let (status, output) = try await ChildProcess.run("/usr/bin/env", ["python3", scriptPath, countsPath, resultPath])
        try #require(
            status == 0,
            "the reference computation needs python3 with statsmodels (`make test` installs it): \(output)")
        let reference = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: resultPath))) as? [[Double]])
        try #require(reference.count == counts.count)

        for (count, expected) in zip(counts, reference) {
            let test = try #require(TwoProportionTest(treatment: (count[0], count[1]), holdout: (count[2], count[3])))
            let figures = [
                test.z, test.pValue, test.absoluteInterval.lowerBound, test.absoluteInterval.upperBound,
                test.relativeInterval?.lowerBound ?? .nan, test.relativeInterval?.upperBound ?? .nan,
            ]
            for (name, (ours, theirs)) in zip(["z", "p", "diff low", "diff high", "ratio low", "ratio high"], zip(figures, expected)) {
                // p-values far out in the tail are compared absolutely: both are ~0.
                let tolerance = name == "p" ? max(1e-9 * theirs, 1e-15) : 1e-9 * max(1, abs(theirs))
                #expect(abs(ours - theirs) <= tolerance, "\(name) for \(count): \(ours) vs statsmodels \(theirs)")
            }
        }
    }
}

import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// `nudge report` and `GET /v1/reports` on the real daemon: a shop of 2,000 generated customers and their baskets is
/// imported, a post-purchase campaign with a 20% holdout runs on it, the purchases that follow are posted, and the
/// report must show exactly what the test posted, with the lift, its intervals and p-value as statsmodels computes
/// them on the same counts.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ReportEndToEndTests {
    static let campaign = "post-purchase"
    static let step = "accessories-email"

    /// One accessories email three to five weeks after a phone; a fifth of the buyers held out.
    static let campaignFile = """
        # Cross-sell: three to five weeks after someone buys a phone, one email about accessories for it.
        # A fifth of the buyers get nothing, so that the report can tell what the email adds.
        campaign: post-purchase
        name: Phụ kiện sau khi mua điện thoại
        kind: cross_sell
        priority: 50
        trigger:
          event: purchase
          where: event.items.exists(i, i.category == "phone")
        audience:
          stages: [new_customer, active]
          where: customer.attributes.country == "VN"
        reentry: never
        holdout: 20%
        goal:
          event: purchase
          within: 14d
        steps:
          - id: accessories-email
            channel: email
            after: 3w
            before: 5w
            template: post-purchase
            variants:
              - {id: a, weight: 50}
              - {id: b, weight: 50, template: post-purchase-b}

        """

    static func template(subject: String) -> String {
        """
        ---
        subject: "\(subject)"
        ---
        <html>
        <body>
          <p>Chào {{customer.attributes.name}},</p>
          <p>Ốp lưng, kính cường lực và tai nghe cho chiếc điện thoại mới của bạn.</p>
          {{> footer}}
        </body>
        </html>

        """
    }

    /// A workspace whose only campaign is `post-purchase` (the shipped ones would message the same buyers and use up
    /// their frequency caps), with quiet hours off so that no step waits for the morning.
    func workspace() throws -> DaemonProcess {
        let daemon = try DaemonProcess(extraConfig: "timezone: Asia/Ho_Chi_Minh\nquiet_hours: off\n")
        let campaigns = daemon.directory.appendingPathComponent("campaigns")
        for file in try FileManager.default.contentsOfDirectory(atPath: campaigns.path) where file != "stages.yml" {
            try FileManager.default.removeItem(at: campaigns.appendingPathComponent(file))
        }
        try Self.campaignFile.write(
            to: campaigns.appendingPathComponent("\(Self.campaign).yml"), atomically: true, encoding: .utf8)
        let templates = daemon.directory.appendingPathComponent("templates")
        try Self.template(subject: "{{customer.attributes.name}} ơi, phụ kiện cho điện thoại mới").write(
            to: templates.appendingPathComponent("post-purchase.email.mustache"), atomically: true, encoding: .utf8)
        try Self.template(subject: "Điện thoại mới cần phụ kiện mới, {{customer.attributes.name}}").write(
            to: templates.appendingPathComponent("post-purchase-b.email.mustache"), atomically: true, encoding: .utf8)
        return daemon
    }

    /// How the campaign's one step ended for an enrollment, as the dispatch log shows it.
    struct Decision {
        var arm: Arm
        var variant: String?
        /// When the step reached the customer: the message sent, or the holdout decision at the due time.
        var at: Date
        var enrolledAt = Date.distantPast
    }

    @Test func theLiftOverTheHoldoutIsReportedWithItsIntervalTheSameByCommandAndAPI() async throws {
        let started = Date()
        let daemon = try workspace()
        try daemon.start()
        try await daemon.waitUntilReady()

        // The shop's history, imported beside the running daemon; SIGHUP has it schedule the new enrollments now.
        let shop = try await onOwnThread { ReportDataset(customers: 2_000, seed: 20_260_711, now: Date()) }
        for (kind, text, count) in [
            ("products", shop.productsNDJSON, ReportDataset.catalog.count),
            ("customers", shop.customersNDJSON, shop.profiles.count), ("events", shop.eventsNDJSON, shop.history.count),
        ] {
            let file = daemon.directory.appendingPathComponent("\(kind).ndjson")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let run = try await daemon.run(["import", kind, file.path])
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("read \(count), stored \(count), duplicates 0, skipped 0"), "\(run.output)")
        }
        daemon.signal(SIGHUP)
        let imported = Date()

        // Every enrollment's step decided: sent to the treatment, `suppressed holdout` for the holdout.
        let decisions = try await waitForDecisions(daemon, enrollments: shop.enrollable.count)
        #expect(Set(decisions.keys) == shop.enrollable, "the enrolled customers are the VN buyers of a phone")
        let treated = Set(decisions.filter { $0.value.arm == .treatment }.keys)
        let held = Set(decisions.filter { $0.value.arm == .holdout }.keys)
        let decided = Date()

        // What customers bought next, posted once the clock is past every exposure.
        let latest = try #require(decisions.values.map(\.at).max())
        try await Polling.until(5, "the clock to pass the last exposure") { Date() > latest + 0.05 }
        let followUps = FollowUps(
            shop, exposures: decisions.mapValues { Reach(arm: $0.arm, enrolledAt: $0.enrolledAt, at: $0.at) },
            postedAt: ReportDataset.milliseconds(Date()), seed: 2_026)
        let lines = (followUps.conversions + followUps.ignored).map(ReportDataset.event) + followUps.pageViews
        for start in stride(from: 0, to: lines.count, by: 500) {
            let batch = lines[start..<min(start + 500, lines.count)].joined(separator: "\n")
            let posted = try await daemon.request(
                "POST", "/v1/events", body: batch, contentType: "application/x-ndjson")
            #expect(posted.status == 202, "\(posted.text)")
        }
        // A retry of some conversions counts nothing twice.
        let retried = followUps.conversions.prefix(50).map(ReportDataset.event).joined(separator: "\n")
        let retry = try await daemon.request("POST", "/v1/events", body: retried, contentType: "application/x-ndjson")
        #expect(retry.status == 202, "\(retry.text)")
        #expect((retry.json as? [String: Any])?["duplicates"] as? Int == 50, "\(retry.text)")

        // The same JSON from the command and from the API (for this campaign, and for all, which is only this one).
        let command = try await daemon.run(["report", "--campaign", Self.campaign, "--format", "json"])
        #expect(command.status == 0, "\(command.output)")
        let served = try await daemon.request("GET", "/v1/reports?campaign=\(Self.campaign)")
        #expect(served.status == 200, "\(served.text)")
        #expect(command.output == served.text, "nudge report --format json and GET /v1/reports differ")
        let all = try await daemon.request("GET", "/v1/reports")
        #expect(all.text == served.text)
        let reported = Date()

        let report = try #require(served.json as? [String: Any], "\(served.text)")
        #expect(report["since"] is NSNull)
        let campaigns = try #require(report["campaigns"] as? [[String: Any]])
        try #require(campaigns.count == 1)
        let campaign = campaigns[0]
        #expect(campaign["campaign"] as? String == Self.campaign)
        #expect(campaign["name"] as? String == "Phụ kiện sau khi mua điện thoại")
        let goal = campaign["goal"] as? [String: String]
        #expect(goal?["event"] == "purchase")
        let within: TimeInterval? = goal?["within"].flatMap { DurationText.parse($0) }
        let fourteenDays: TimeInterval = 14 * 86_400
        #expect(within == fourteenDays, "\(goal ?? [:])")

        // Per arm: what the log showed and what the test posted.
        var purchases = Dictionary(grouping: shop.history + followUps.conversions + followUps.ignored, by: \.customer)
        for key in purchases.keys { purchases[key]!.sort { $0.at < $1.at } }
        let treatment = ExpectedArm(customers: treated, conversions: followUps.conversions, purchases: purchases)
        let holdout = ExpectedArm(customers: held, conversions: followUps.conversions, purchases: purchases)
        let total = try #require(campaign["total"] as? [String: Any])
        #expect(total["enrolled"] as? [String: Int] == ["treatment": treated.count, "holdout": held.count])
        check(total, treatment: treatment, holdout: holdout, sent: treated.count, "total")
        #expect(campaign["open_windows"] as? Int == decisions.count, "every goal window is still open")
        let warnings = campaign["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.hasPrefix("\(decisions.count) customers are still inside their goal window") })
        #expect(!warnings.contains { $0.contains("fewer than") }, "\(warnings)")

        let steps = try #require(campaign["steps"] as? [[String: Any]])
        #expect(steps.map { $0["step"] as? String } == [Self.step])
        #expect(steps.first?["channel"] as? String == "email")
        #expect(steps.first?["enrolled"] == nil, "step rows count customers reached, not enrollments")
        if let step = steps.first { check(step, treatment: treatment, holdout: holdout, sent: treated.count, "step") }

        // Per A/B variant: its treatment customers against the whole holdout.
        let variants = try #require(campaign["variants"] as? [[String: Any]])
        #expect(variants.map { $0["variant"] as? String } == ["a", "b"])
        var variantArms: [ExpectedArm] = []
        for row in variants {
            let id = row["variant"] as? String
            let customers = treated.filter { decisions[$0]?.variant == id }
            #expect(customers.count > 0 && customers.count < treated.count, "variant \(id ?? "nil")")
            let arm = ExpectedArm(customers: customers, conversions: followUps.conversions, purchases: purchases)
            variantArms.append(arm)
            #expect(row["enrolled"] as? [String: Int] == ["treatment": customers.count, "holdout": held.count])
            check(row, treatment: arm, holdout: holdout, sent: customers.count, "variant \(id ?? "nil")")
        }

        // A clear lift, its interval clear of zero.
        let lift = try #require(total["lift"] as? [String: Any])
        let absolute = try #require(number(lift["absolute"]))
        let interval = (lift["absolute_ci95"] as? [Any] ?? []).compactMap(number)
        try #require(interval.count == 2)
        #expect(
            absolute > 0 && interval[0] > 0 && interval[0] < absolute && absolute < interval[1],
            "30% against 15% converting: a lift whose interval excludes zero, found \(absolute) in \(interval)")

        // The table says it in words; the CSV carries the same counts.
        let table = try await daemon.run(["report", "--campaign", Self.campaign])
        #expect(table.status == 0, "\(table.output)")
        checkTable(table.output, lift: lift, treatment: treatment, holdout: holdout)
        let csv = try await daemon.run(["report", "--campaign", Self.campaign, "--format", "csv"])
        #expect(csv.status == 0, "\(csv.output)")
        checkCSV(csv.output, lift: lift, treatment: treatment, holdout: holdout)

        try await checkSinceAndErrors(daemon, unfiltered: total)
        #expect(try await daemon.stop() == 0)

        // Lift, intervals and p-value against statsmodels on the same counts.
        let measured = [(treatment, "total")] + zip(variantArms, ["variant a", "variant b"]).map { ($0, $1) }
        let references = try await ReferenceLift.compute(
            measured.map { [$0.0.conversions, $0.0.customers, holdout.conversions, holdout.customers] })
        let lifts = [total["lift"]] + variants.map { $0["lift"] }
        for ((arm, name), (lift, reference)) in zip(measured, zip(lifts, references)) {
            let lift = try #require(lift as? [String: Any], "\(name) has no lift")
            check(lift, treatment: arm, holdout: holdout, reference: reference, name)
        }
        let seconds = { (from: Date, to: Date) in String(format: "%.1f s", to.timeIntervalSince(from)) }
        print(
            """
            report end to end: \(shop.profiles.count) customers, \(shop.history.count) purchases imported; \
            enrolled \(treated.count) treatment / \(held.count) holdout; conversions \(treatment.conversions) \
            (\(treatment.orders) orders) / \(holdout.conversions) (\(holdout.orders) orders), \
            \(followUps.ignored.count) purchases not to count; lift \
            \(String(format: "%+.2f pp", absolute * 100)) (95% CI \(String(format: "%+.2f", interval[0] * 100)) to \
            \(String(format: "%+.2f", interval[1] * 100))), relative \(number(lift["relative"]) ?? .nan) (95% CI \
            \(lift["relative_ci95"] ?? "–")), p = \(number(lift["p_value"]) ?? .nan); import \
            \(seconds(started, imported)), decisions \(seconds(imported, decided)), posting and reports \
            \(seconds(decided, reported)), total \(seconds(started, Date()))
            """)
    }

    /// Polls the dispatch log until each of `enrollments` customers has a final decision for the step; returns them
    /// by customer. A treatment customer's is `sent`, a holdout customer's `suppressed holdout`: anything else fails.
    func waitForDecisions(_ daemon: DaemonProcess, enrollments: Int) async throws -> [String: Decision] {
        var rows: [[String?]] = []
        try await daemon.waitUntil(120, "a decision for each of \(enrollments) enrollments", every: 0.2) {
            let database = try DatabaseFile(path: daemon.databasePath)
            rows = try database.rows(
                """
                SELECT customer_id, status, reason, variant, at FROM dispatch_log
                WHERE campaign = '\(Self.campaign)' AND status NOT IN ('queued', 'retrying') ORDER BY seq
                """)
            return Set(rows.map { $0[0] }).count >= enrollments
        }
        let enrolled = try DatabaseFile(path: daemon.databasePath).rows(
            "SELECT customer_id, enrolled_at FROM enrollments WHERE campaign = '\(Self.campaign)'")
        let enrolledAt = Dictionary(
            enrolled.compactMap { row in
                row[0].map { ($0, Date(timeIntervalSince1970: row[1].flatMap(Double.init) ?? 0)) }
            },
            uniquingKeysWith: { first, _ in first })
        var decisions: [String: Decision] = [:]
        for row in rows {
            guard let customer = row[0], let status = row[1], let at = row[4].flatMap(RFC3339.parse) else {
                Issue.record("unreadable dispatch log row \(row)")
                continue
            }
            #expect(decisions[customer] == nil, "two decisions for \(customer)")
            switch (status, row[2]) {
            case ("sent", nil): decisions[customer] = Decision(arm: .treatment, variant: row[3], at: at)
            case ("suppressed", "holdout"): decisions[customer] = Decision(arm: .holdout, variant: row[3], at: at)
            default: Issue.record("\(customer): \(status) \(row[2] ?? "") is neither sent nor held out")
            }
            decisions[customer]?.enrolledAt = try #require(enrolledAt[customer], "\(customer) decided, not enrolled")
        }
        #expect(enrolled.count == decisions.count, "one enrollment per customer decided")
        return decisions
    }

    /// `--since` after every enrollment counts none, before them all counts them all; unknown campaigns and bad
    /// dates are refused clearly.
    func checkSinceAndErrors(_ daemon: DaemonProcess, unfiltered: [String: Any]) async throws {
        let database = try DatabaseFile(path: daemon.databasePath)
        let times = try database.rows(
            "SELECT MIN(enrolled_at), MAX(enrolled_at) FROM enrollments WHERE campaign = '\(Self.campaign)'")
        let first = try #require(times.first?[0].flatMap(Double.init))
        let last = try #require(times.first?[1].flatMap(Double.init))

        let after = LogTime.format(Date(timeIntervalSince1970: last + 1))
        let none = try await daemon.run(["report", "--campaign", Self.campaign, "--since", after, "--format", "json"])
        #expect(none.status == 0, "\(none.output)")
        let noneServed = try await daemon.request("GET", "/v1/reports?campaign=\(Self.campaign)&since=\(after)")
        #expect(noneServed.text == none.output)
        let empty = try #require(
            ((try? JSONSerialization.jsonObject(with: Data(none.output.utf8))) as? [String: Any]), "\(none.output)")
        let emptyTotal = (empty["campaigns"] as? [[String: Any]])?.first?["total"] as? [String: Any]
        #expect(emptyTotal?["enrolled"] as? [String: Int] == ["treatment": 0, "holdout": 0], "\(none.output)")
        #expect(emptyTotal?["lift"] is NSNull, "no customers, no lift")
        #expect((emptyTotal?["treatment"] as? [String: Any])?["conversions"] as? Int == 0)
        #expect(empty["since"] as? String == after)

        let before = LogTime.format(Date(timeIntervalSince1970: first - 1))
        let every = try await daemon.request("GET", "/v1/reports?campaign=\(Self.campaign)&since=\(before)")
        let everyTotal =
            ((every.json as? [String: Any])?["campaigns"] as? [[String: Any]])?.first?["total"]
            as? [String: Any]
        for key in ["enrolled", "suppressed"] {
            let counts = everyTotal?[key] as? [String: Int]
            #expect(counts != nil && counts == unfiltered[key] as? [String: Int], "since before them all: \(key)")
        }
        #expect(everyTotal?["sent"] as? Int == unfiltered["sent"] as? Int)
        for arm in ["treatment", "holdout"] {
            let counted = (everyTotal?[arm] as? [String: Any])?["conversions"] as? Int
            #expect(counted != nil && counted == (unfiltered[arm] as? [String: Any])?["conversions"] as? Int)
        }

        let unknown = try await daemon.run(["report", "--campaign", "no-such-campaign"])
        #expect(unknown.status == 1, "\(unknown.output)")
        #expect(unknown.output.contains("no campaign 'no-such-campaign'"), "\(unknown.output)")
        let garbage = try await daemon.run(["report", "--since", "garbage"])
        #expect(garbage.status == 2, "a usage error: \(garbage.output)")
        #expect(garbage.output.contains("--since takes YYYY-MM-DD or an RFC 3339 time"), "\(garbage.output)")

        let badSince = try await daemon.request("GET", "/v1/reports?since=garbage")
        #expect(badSince.status == 400, "\(badSince.text)")
        #expect(((badSince.json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String == "invalid_since")
        let notFound = try await daemon.request("GET", "/v1/reports?campaign=no-such-campaign")
        #expect(notFound.status == 404, "\(notFound.text)")
        #expect(((notFound.json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String == "not_found")
    }
}

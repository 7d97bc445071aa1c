import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// The five shipped example campaigns through the real binary and its HTTP API, on the real clock: for each, the
/// customer the campaign is for gets exactly the message it promises, and the customer it must leave alone gets
/// nothing, with the reason on record (the dispatch log, or the enrollment and stage the API shows).
///
/// Steps are made due now with backfilled events; where only the passing of days can make a step due, the test
/// stops the daemon and moves the enrollment's times into the past (`ageEnrollment`).
@Suite(.serialized, .timeLimit(.minutes(2))) struct ExampleCampaignTests {
    let scenario = DaemonEndToEndTests()
    /// Frequency caps off: a silent case must be silent because of the rule under test, not because a cap was full.
    static let noCaps = "limits: {per_customer: [], per_channel: {}}\n"

    func profile(
        name: String, email: String? = nil, phone: String? = nil, pushTokens: [String] = [], zone: String,
        consent: String = #"{"email": true}"#
    ) -> String {
        let contact = [
            email.map { #""email": "\#($0)""# }, phone.map { #""phone": "\#($0)""# },
            pushTokens.isEmpty ? nil : #""push_tokens": [\#(pushTokens.map { "\"\($0)\"" }.joined(separator: ", "))]"#,
        ].compactMap { $0 }
        return "{"
            + (contact + [
                #""timezone": "\#(zone)""#, #""consent": \#(consent)"#,
                #""attributes": {"country": "VN", "name": "\#(name)"}"#,
            ]).joined(separator: ", ") + "}"
    }

    func put(_ daemon: DaemonProcess, _ path: String, _ body: String) async throws {
        let reply = try await daemon.request("PUT", path, body: body)
        #expect(reply.status == 200, "\(path): \(reply.text)")
    }

    func post(_ daemon: DaemonProcess, _ events: [String]) async throws {
        let reply = try await daemon.request(
            "POST", "/v1/events", body: events.joined(separator: "\n"), contentType: "application/x-ndjson")
        #expect(reply.status == 202, "\(reply.text)")
    }

    // MARK: - phone-accessories

    @Test func aPhoneBuyerGetsTheAccessoriesEmailAndOneWhoAlreadyBoughtACaseGetsNeitherEmailNorSMS() async throws {
        let daemon = try DaemonProcess(extraConfig: Self.noCaps)
        try daemon.start()
        try await daemon.waitUntilReady()
        // 19:00 local: after both preferred times (email 10:00, SMS 18:30), before the quiet hours (21:00).
        let zone = scenario.zone(whereItIsNow: 19)
        try await put(
            daemon, "/v1/products/CASE-01",
            #"{"name": "Ốp lưng trong suốt", "category": "case", "price": 250000, "cost": 90000}"#)
        let buyer = scenario.treated("buyer", campaign: "phone-accessories", holdout: 0.1)
        let owner = scenario.treated("owner", campaign: "phone-accessories", holdout: 0.1)
        let consent = #"{"email": true, "sms": true}"#
        try await put(
            daemon, "/v1/customers/\(buyer)",
            profile(name: "Lan", email: "lan@example.vn", phone: "+84901000001", zone: zone, consent: consent))
        try await put(
            daemon, "/v1/customers/\(owner)",
            profile(name: "Minh", email: "minh@example.vn", phone: "+84901000002", zone: zone, consent: consent))

        // The owner bought a phone 29 days ago, when both the email and the SMS would be due, and a case since:
        // the exit rule ends the enrollment before either goes.
        try await post(
            daemon,
            [
                scenario.purchase("owner-phone", customer: owner, at: scenario.now - 29 * 86_400),
                scenario.purchase("owner-case", customer: owner, at: scenario.now - 2 * 86_400, category: "case"),
            ])
        // The buyer bought a phone 22 days ago: the email (3–5 weeks) is due, the SMS (4–5 weeks) not yet.
        try await post(daemon, [scenario.purchase("buyer-phone", customer: buyer, at: scenario.now - 22 * 86_400)])

        try await scenario.waitForDecision(daemon, customer: buyer, step: "accessories-email", "sent")
        let rows = try scenario.tail(daemon, customer: buyer)
        #expect(rows.map { $0["status"] as? String } == ["queued", "sent"])
        let variant = try #require(rows.last?["variant"] as? String)
        let emails = daemon.outbox("email")
        try #require(emails.count == 1, "\(emails)")
        #expect(emails[0].lastPathComponent.hasPrefix("phone-accessories_accessories-email_\(buyer)_"))
        let email = try await DecodedEmail(file: emails[0])
        #expect(email.defects.isEmpty, "\(email.defects)")
        #expect(email.header("To") == "Lan <lan@example.vn>")
        let subjects = [
            "a": "Lan ơi, phụ kiện hợp với chiếc điện thoại mới của bạn",
            "b": "Bảo vệ chiếc điện thoại mới của bạn ngay hôm nay",
        ]
        #expect(email.header("Subject") == subjects[variant], "variant \(variant)")
        let html = try #require(email.html)
        #expect(html.contains("Chào Lan"), "\(html)")
        // The recommendation: the fallback case, the only accessory above the 15% margin floor in the catalog.
        #expect(html.contains("Ốp lưng trong suốt") && html.contains("250.000"), "\(html)")
        #expect(email.header("List-Unsubscribe")?.hasPrefix("<http://127.0.0.1:\(daemon.port)/u/") == true)
        // The reminder SMS waits for the fourth week.
        let enrollment = try #require(try await scenario.enrollments(daemon, buyer).first)
        #expect(enrollment["state"] as? String == "active")
        #expect(enrollment["next_step"] as? String == "reminder-sms")
        let reminderDue = try #require((enrollment["next_due_at"] as? String).flatMap { LogTime.parse($0) })
        #expect(reminderDue > Date() + 5 * 86_400)

        // The owner: the enrollment ended on the case purchase; nothing was sent on any channel.
        let ended = try await scenario.enrollments(daemon, owner)
        #expect(ended.map { $0["campaign"] as? String } == ["phone-accessories"])
        #expect(ended.first?["state"] as? String == "exited" && ended.first?["end_reason"] as? String == "exited")
        #expect(!daemon.outbox("email").contains { $0.lastPathComponent.contains(owner) })
        #expect(daemon.outbox("sms").isEmpty)
        // The email the enrollment was waiting for is on record, with why it never came.
        let ownerRows = try scenario.tail(daemon, customer: owner)
        #expect(
            ownerRows.map { "\($0["step"] ?? "") \($0["status"] ?? "") \($0["reason"] ?? "")" } == [
                "accessories-email suppressed exited"
            ])
        #expect(try await daemon.stop() == 0)
    }

    // MARK: - plan-upgrade-sms

    @Test func aBasicPlanCustomerAt80PercentGetsTheUpgradeSMSAndTrialCustomersAreNotUpsold() async throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        try await daemon.waitUntilReady()
        let zone = scenario.zone(whereItIsNow: 14)
        let basic = scenario.treated("basic", campaign: "plan-upgrade-sms", holdout: 0.1)
        // Both in the treatment arm, so that only the audience can keep them out; one at 80%, one at 95% of the plan
        // (in the at_plan_limit stage, not trial: the stage alone would not protect them).
        let trialing = scenario.treated("trial", campaign: "plan-upgrade-sms", holdout: 0.1)
        let trialingNearLimit = scenario.treated("trial-limit", campaign: "plan-upgrade-sms", holdout: 0.1)
        let customers = [
            (id: basic, phone: "+84902000001", used: 8, limit: 10),
            (id: trialing, phone: "+84902000002", used: 8, limit: 10),
            (id: trialingNearLimit, phone: "+84902000003", used: 19, limit: 20),
        ]
        for (id, phone, _, _) in customers {
            try await put(
                daemon, "/v1/customers/\(id)",
                profile(name: "Hà", phone: phone, zone: zone, consent: #"{"sms": true}"#))
        }
        let trialEnds = scenario.iso(scenario.now + 10 * 86_400)
        for id in [trialing, trialingNearLimit] {
            try await post(
                daemon,
                [
                    scenario.event(
                        "\(id)-trial", "trial_started", customer: id, at: scenario.now - 86_400,
                        #"{"ends_at": "\#(trialEnds)"}"#)
                ])
        }
        for (id, _, used, limit) in customers {
            try await post(
                daemon,
                [
                    scenario.event(
                        "\(id)-plan", "plan_changed", customer: id, at: scenario.now - 3600, #"{"plan": "co-ban"}"#),
                    scenario.event(
                        "\(id)-usage", "plan_usage", customer: id, at: scenario.now - 60,
                        #"{"metric": "seats", "used": \#(used), "limit": \#(limit)}"#),
                ])
        }

        try await scenario.waitForDecision(daemon, customer: basic, step: "upgrade-offer", "sent")
        let rows = try scenario.tail(daemon, customer: basic)
        #expect(rows.map { $0["status"] as? String } == ["queued", "sent"])
        let queuedAt = try #require((rows.first?["at"] as? String).flatMap { LogTime.parse($0) })
        let messages = try scenario.payloads(daemon, "sms")
        try #require(messages.count == 1, "\(messages)")
        let sms = messages[0]
        #expect(sms["to"] as? String == "+84902000001")
        #expect(sms["customer_id"] as? String == basic)
        #expect(sms["campaign"] as? String == "plan-upgrade-sms")
        let text = try #require(sms["body"] as? String)
        // The code, valid 48 hours from the moment it was written, shown on the customer's clock.
        let expiry = scenario.vietnameseDateTime(queuedAt + 48 * 3600, zone: zone)
        let expected =
            "Bạn đã dùng gần hết gói Cơ bản. Nâng cấp lên gói Chuyên nghiệp, giảm 20% với mã NANGCAP20 "
            + "(hết hạn \(expiry)). Từ chối: http://127.0.0.1:\(daemon.port)/u/"
        #expect(text.hasPrefix(expected), "\(text)")

        // Trial customers on the same plan and usage: never enrolled, so never upsold.
        for id in [trialing, trialingNearLimit] {
            let detail = try await scenario.customerDetail(daemon, id)
            let facts = detail["facts"] as? [String: Any]
            #expect(facts?["plan"] as? String == "co-ban", "\(detail)")
            #expect(facts?["trial_ends_at"] as? String == trialEnds, "\(detail)")
            let enrollments = detail["enrollments"] as? [[String: Any]] ?? []
            #expect(!enrollments.contains { $0["campaign"] as? String == "plan-upgrade-sms" }, "\(enrollments)")
            #expect(
                !(try scenario.tail(daemon, customer: id)).contains { $0["campaign"] as? String == "plan-upgrade-sms" })
        }
        #expect((try await scenario.customerDetail(daemon, trialing))["stage"] as? String == "trial")
        #expect((try await scenario.customerDetail(daemon, trialingNearLimit))["stage"] as? String == "at_plan_limit")
        #expect(try await daemon.stop() == 0)
    }

    // MARK: - an SMS offer that expires

    @Test func anSMSOfferIsNeverSentAfterItExpiresWhileTheGatewayIsDown() async throws {
        try await PeerProcess.with(.httpSink) { peer in
            let sink = HTTPSink(peer)
            try await sink.script([], default: ["status": 503, "body": #"{"error": "maintenance"}"#])
            let daemon = try DaemonProcess(
                extraConfig: """
                    retry: {max_attempts: 50, first: 0.4s, max: 0.8s}
                    channels:
                      sms: {transport: http, url: "\(sink.baseURL)/sms", timeout: 5s}

                    """)
            // The upgrade code is valid for 48 hours; here for 5 seconds, so that the gateway outage outlasts it.
            try daemon.edit("campaigns/plan-upgrade-sms.yml", replacing: "valid_for: 48h", with: "valid_for: 5s")
            try daemon.start()
            try await daemon.waitUntilReady()
            let customer = scenario.treated("expiring", campaign: "plan-upgrade-sms", holdout: 0.1)
            try await put(
                daemon, "/v1/customers/\(customer)",
                profile(
                    name: "Hà", phone: "+84903000001", zone: scenario.zone(whereItIsNow: 14), consent: #"{"sms": true}"#
                ))
            try await post(
                daemon,
                [
                    scenario.event(
                        "plan", "plan_changed", customer: customer, at: scenario.now - 3600, #"{"plan": "co-ban"}"#),
                    scenario.event(
                        "usage", "plan_usage", customer: customer, at: scenario.now - 60,
                        #"{"metric": "seats", "used": 8, "limit": 10}"#),
                ])

            try await scenario.waitForDecision(
                daemon, customer: customer, step: "upgrade-offer", "suppressed", reason: "expired")
            let rows = try scenario.tail(daemon, customer: customer)
            let statuses = rows.map { $0["status"] as? String ?? "" }
            // Queued, refused while the offer lasted, then given up: never sent, never dead.
            #expect(statuses.first == "queued" && statuses.last == "suppressed", "\(statuses)")
            #expect(statuses.dropFirst().dropLast().allSatisfy { $0 == "retrying" }, "\(statuses)")
            #expect(rows.last?["reason"] as? String == "expired")

            let database = try DatabaseFile(path: daemon.databasePath)
            let stored = try #require(
                try database.rows(
                    """
                    SELECT o.state, c.offer_expires_at FROM outbox o
                    JOIN outbox_content c ON c.message_id = o.id WHERE o.customer_id = '\(customer)'
                    """
                ).first)
            #expect(stored[0] == "failed")
            let expiresAt = try #require(stored[1].flatMap(Double.init))
            let queuedAt = try #require((rows.first?["at"] as? String).flatMap { LogTime.parse($0) })
            #expect(abs(expiresAt - queuedAt.timeIntervalSince1970 - 5) < 0.01)

            // The gateway was asked while the offer lasted, and never after it expired.
            let requests = try await sink.requests()
            #expect(!requests.isEmpty)
            #expect(requests.allSatisfy { $0.time < expiresAt }, "\(requests.map(\.time)) vs \(expiresAt)")
            let body = requests.first?.json as? [String: Any]
            #expect(body?["to"] as? String == "+84903000001")
            #expect((body?["body"] as? String)?.contains("NANGCAP20") == true, "\(body ?? [:])")
            #expect(try await daemon.stop() == 0)
        }
    }

    // MARK: - plan-limit-push

    @Test func reaching90PercentSendsOnePushAndReenteringTheStageWithinThirtyDaysSendsNoOther() async throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        try await daemon.waitUntilReady()
        let zone = scenario.zone(whereItIsNow: 14)
        let customer = scenario.treated("limit", campaign: "plan-limit-push", holdout: 0.05)
        let fence = scenario.treated("fence", campaign: "plan-limit-push", holdout: 0.05)
        for (id, token) in [(customer, "tok-1"), (fence, "tok-fence")] {
            try await put(
                daemon, "/v1/customers/\(id)",
                profile(name: "Bình", pushTokens: [token], zone: zone, consent: #"{"push": true}"#))
        }
        func usage(_ id: String, _ n: Int, used: Int, ago seconds: TimeInterval) -> String {
            scenario.event(
                "\(id)-u\(n)", "plan_usage", customer: id, at: scenario.now - seconds,
                #"{"metric": "storage", "used": \#(used), "limit": 100}"#)
        }
        try await post(
            daemon,
            [
                scenario.event(
                    "plan", "plan_changed", customer: customer, at: scenario.now - 600, #"{"plan": "Gia đình"}"#),
                usage(customer, 1, used: 95, ago: 500),
            ])
        try await scenario.waitForDecision(daemon, customer: customer, step: "limit-push", "sent")
        let pushes = try scenario.payloads(daemon, "push")
        try #require(pushes.count == 1)
        #expect(pushes[0]["to"] as? [String] == ["tok-1"])
        #expect(pushes[0]["title"] as? String == "Sắp đạt giới hạn gói của bạn")
        #expect(pushes[0]["body"] as? String == "Bạn đã dùng hơn 90% gói Gia đình. Nâng cấp để không bị gián đoạn.")
        #expect(pushes[0]["url"] as? String == "shop://account/plan?from=plan-limit-push")

        // More usage within the 30 days of `reentry`: staying at the limit, dropping below it, reaching it again.
        try await post(daemon, [usage(customer, 2, used: 97, ago: 400)])
        try await post(daemon, [usage(customer, 3, used: 40, ago: 300)])
        try await post(daemon, [usage(customer, 4, used: 92, ago: 200)])
        #expect(
            try await scenario.stageHistory(daemon, customer).suffix(3) == [
                "at_plan_limit", "prospect", "at_plan_limit",
            ])
        let enrollments = try await scenario.enrollments(daemon, customer)
        #expect(enrollments.count == 1, "\(enrollments)")
        #expect(enrollments.first?["state"] as? String == "completed")

        // Another customer reaching the limit now is pushed at once; by then a second push of the first would be too.
        try await post(daemon, [usage(fence, 1, used: 99, ago: 100)])
        try await scenario.waitForDecision(daemon, customer: fence, step: "limit-push", "sent")
        #expect(try scenario.payloads(daemon, "push").filter { $0["customer_id"] as? String == customer }.count == 1)
        #expect(try scenario.decisions(daemon, customer: customer) == ["queued", "sent"])
        #expect(try await daemon.stop() == 0)
    }

    // MARK: - win-back, then one-click unsubscribe

    @Test func aLapsedCustomerGetsTheWinBackEmailAndAfterOneClickUnsubscribeNoMoreMarketing() async throws {
        let daemon = try DaemonProcess(extraConfig: Self.noCaps)
        try daemon.start()
        try await daemon.waitUntilReady()
        let zone = scenario.zone(whereItIsNow: 14)
        // In the treatment arm of win-back and of the accessories campaign it will be offered later.
        let lapsed = scenario.treated("lapsed", campaigns: ["win-back": 0.15, "phone-accessories": 0.1])
        let smallSpender = scenario.treated("small", campaign: "win-back", holdout: 0.15)
        try await put(daemon, "/v1/customers/\(lapsed)", profile(name: "Lan", email: "lan@example.vn", zone: zone))
        try await put(daemon, "/v1/customers/\(smallSpender)", profile(name: "Tú", email: "tu@example.vn", zone: zone))
        try await put(
            daemon, "/v1/products/CASE-01",
            #"{"name": "Ốp lưng trong suốt", "category": "case", "price": 250000, "cost": 90000}"#)
        // Last purchases 95 days ago: both are lapsed, only one spent the 500,000 ₫ the audience asks for.
        try await post(
            daemon,
            [
                scenario.purchase("lapsed-1", customer: lapsed, at: scenario.now - 95 * 86_400),
                scenario.purchase("small-1", customer: smallSpender, at: scenario.now - 95 * 86_400, price: 300_000),
            ])
        #expect(try await scenario.customerDetail(daemon, smallSpender)["stage"] as? String == "lapsed")
        #expect(try await scenario.enrollments(daemon, smallSpender).isEmpty)
        #expect(try await scenario.customerDetail(daemon, lapsed)["stage"] as? String == "lapsed")
        let enrolled = try #require(try await scenario.enrollments(daemon, lapsed).first)
        #expect(enrolled["campaign"] as? String == "win-back" && enrolled["next_step"] as? String == "miss-you")

        // The first email comes a day after the stage change, at 10:00: two days later it is due.
        try await daemon.restart { try daemon.ageEnrollment(campaign: "win-back", customer: lapsed, by: 2 * 86_400) }
        try await scenario.waitForDecision(daemon, customer: lapsed, step: "miss-you", "sent")
        let emails = daemon.outbox("email")
        try #require(emails.count == 1)
        let email = try await DecodedEmail(file: emails[0])
        #expect(email.header("To") == "Lan <lan@example.vn>")
        #expect(email.header("Subject") == "Lan ơi, lâu rồi không gặp bạn")
        #expect(email.html?.contains("Đã lâu bạn chưa ghé cửa hàng") == true, "\(email.html ?? "")")
        #expect(email.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
        let link = try #require(email.header("List-Unsubscribe"), "\(email.headers)")
        let prefix = "<http://127.0.0.1:\(daemon.port)/u/"
        try #require(link.hasPrefix(prefix) && link.hasSuffix(">"), "\(link)")
        #expect(email.html?.contains(String(link.dropFirst().dropLast())) == true)

        // The mail client's one-click unsubscribe (RFC 8058).
        let click = try await daemon.request(
            "POST", "/u/" + link.dropFirst(prefix.count).dropLast(), body: "List-Unsubscribe=One-Click",
            contentType: "application/x-www-form-urlencoded", token: "")
        #expect(click.status == 200, "\(click.text)")
        #expect(
            (try await scenario.customerDetail(daemon, lapsed)["facts"] as? [String: Any])?["unsubscribed"] as? [String]
                == ["email"])

        // Two weeks on, the voucher is due: suppressed.
        try await daemon.restart { try daemon.ageEnrollment(campaign: "win-back", customer: lapsed, by: 14 * 86_400) }
        try await scenario.waitForDecision(
            daemon, customer: lapsed, step: "voucher", "suppressed", reason: "unsubscribed")

        // A new phone bought 22 days ago: the accessories email is due, and suppressed too.
        try await post(daemon, [scenario.purchase("lapsed-2", customer: lapsed, at: scenario.now - 22 * 86_400)])
        try await scenario.waitForDecision(
            daemon, customer: lapsed, step: "accessories-email", "suppressed", reason: "unsubscribed")
        #expect(
            try scenario.decisions(daemon, customer: lapsed) == [
                "queued", "sent", "suppressed unsubscribed", "suppressed unsubscribed",
            ])
        #expect(daemon.outbox("email").count == 1)
        #expect(try await daemon.stop() == 0)
    }

    // MARK: - black-friday

    @Test func theBlackFridayPromotionReachesItsAudienceAndNoOneElse() async throws {
        let daemon = try DaemonProcess()
        // Until the customers are in, the promotion is far off (it goes through the customers known when it starts).
        try daemon.edit(
            "campaigns/black-friday.yml", replacing: #"at: "2026-11-27T09:00""#, with: #"at: "2099-11-27T09:00""#)
        try daemon.start()
        try await daemon.waitUntilReady()
        let zone = scenario.zone(whereItIsNow: 14)
        let shopper = scenario.treated("shopper", campaign: "black-friday", holdout: 0.05)
        let prospect = scenario.treated("prospect", campaign: "black-friday", holdout: 0.05)
        let churned = scenario.treated("churned", campaign: "black-friday", holdout: 0.05)
        for (id, name) in [(shopper, "Lan"), (prospect, "Phúc"), (churned, "Quân")] {
            try await put(daemon, "/v1/customers/\(id)", profile(name: name, email: "\(id)@example.vn", zone: zone))
        }
        try await post(
            daemon,
            [
                scenario.purchase("shopper-1", customer: shopper, at: scenario.now - 10 * 86_400, category: "watch"),
                scenario.purchase("churned-1", customer: churned, at: scenario.now - 400 * 86_400, category: "watch"),
            ])
        #expect(try await scenario.customerDetail(daemon, shopper)["stage"] as? String == "new_customer")
        #expect(try await scenario.customerDetail(daemon, prospect)["stage"] as? String == "prospect")
        #expect(try await scenario.customerDetail(daemon, churned)["stage"] as? String == "churned")

        // The marketer moves the promotion to an hour ago on the customers' clocks (its one-day window is open) and
        // reloads: it starts at once, not at the next stage sweep (15 minutes by default).
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        let start = formatter.string(from: Date() - 3600)
        try daemon.edit("campaigns/black-friday.yml", replacing: #"at: "2099-11-27T09:00""#, with: #"at: "\#(start)""#)
        daemon.signal(SIGHUP)

        try await scenario.waitForDecision(daemon, customer: shopper, step: "announce", "sent")
        #expect(try scenario.decisions(daemon, customer: shopper) == ["queued", "sent"])
        let emails = daemon.outbox("email")
        try #require(emails.count == 1, "\(emails)")
        #expect(emails[0].lastPathComponent.hasPrefix("black-friday_announce_\(shopper)_"))
        let email = try await DecodedEmail(file: emails[0])
        #expect(email.header("To") == "Lan <\(shopper)@example.vn>")
        #expect(email.header("Subject") == "Black Friday: giảm đến 50% — mã BLACKFRIDAY26")
        let html = try #require(email.html)
        #expect(html.contains("Chào Lan, giảm đến 50% cho điện thoại, phụ kiện và đồng hồ thông minh."), "\(html)")
        #expect(html.contains("<strong>BLACKFRIDAY26</strong>"), "\(html)")

        // Outside the audience (prospect, churned): not enrolled, nothing sent.
        for id in [prospect, churned] {
            #expect(try await scenario.enrollments(daemon, id).isEmpty)
            #expect(try scenario.tail(daemon, customer: id).isEmpty)
        }
        #expect(try await daemon.stop() == 0)
    }
}

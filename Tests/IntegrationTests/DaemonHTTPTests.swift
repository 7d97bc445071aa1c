import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// The real binary delivering SMS and push through its `http` transport to the recording HTTP sink, scripted to
/// limit, fail and drop: what the gateway receives on each attempt, when the retries come, and what the dispatch
/// log says until the message is sent or given up.
@Suite(.serialized) struct DaemonHTTPTests {
    let scenario = DaemonEndToEndTests()
    /// The gateway's API key, given to the daemon in its environment only.
    static let secret = "sk-live-5b1d7e0c9a"

    @Test func anSMSIsRetriedThroughDropsLimitsAndFailuresUntilTheGatewayTakesIt() async throws {
        try await PeerProcess.with(.httpSink) { peer in
            let sink = HTTPSink(peer)
            // A drop on a fresh connection is the daemon's to retry. A drop on a connection kept open from an earlier
            // attempt, before any byte of an answer, libcurl retries at once on a new connection: the gateway sees
            // the request twice (with the same Idempotency-Key) and the log one attempt.
            try await sink.script([
                ["drop": true],
                ["status": 429, "headers": ["Retry-After": "1"], "body": #"{"error": "rate limited"}"#],
                ["status": 503],
                ["drop": true],
            ])
            let daemon = try DaemonProcess(
                extraConfig: """
                    retry: {max_attempts: 6, first: 0.2s, max: 1s}
                    channels:
                      sms:
                        transport: http
                        url: \(sink.baseURL)/sms/send
                        headers: {Authorization: "Bearer ${SMS_GATEWAY_KEY}", X-Tenant: shop-vn}
                        body: sms-gateway.json.mustache
                        timeout: 5s

                    """)
            let template = #"{"to": "{{to}}", "text": "{{body}}", "reference": "{{key}}", "campaign": "{{campaign}}"}"#
            try template.write(
                to: daemon.directory.appendingPathComponent("templates/sms-gateway.json.mustache"), atomically: true,
                encoding: .utf8)
            try daemon.start(environment: ["SMS_GATEWAY_KEY": Self.secret])
            try await daemon.waitUntilReady()

            // On the basic plan with 80% used: the upgrade offer goes out by SMS at once.
            let customer = scenario.treated("sms", campaign: "plan-upgrade-sms", holdout: 0.1)
            let profile =
                #"{"phone": "+84901234567", "timezone": "\#(scenario.zone(whereItIsNow: 14))", "consent": {"sms": true}}"#
            #expect(try await daemon.request("PUT", "/v1/customers/\(customer)", body: profile).status == 200)
            let plan = scenario.event(
                "p1", "plan_changed", customer: customer, at: scenario.now - 3600, #"{"plan": "co-ban"}"#)
            #expect(try await daemon.request("POST", "/v1/events", body: plan).status == 202)
            let usage = scenario.event(
                "u1", "plan_usage", customer: customer, at: scenario.now,
                #"{"metric": "seats", "used": 8, "limit": 10}"#)
            let ingest = try await daemon.request("POST", "/v1/events", body: usage)
            #expect(ingest.status == 202, "\(ingest.text)")

            try await daemon.waitUntil(30, "the SMS to be sent after three failed attempts") {
                try scenario.tail(daemon, customer: customer).contains { $0["status"] as? String == "sent" }
            }
            let rows = try scenario.tail(daemon, customer: customer)
            #expect(rows.map { $0["status"] as? String } == ["queued", "retrying", "retrying", "retrying", "sent"])
            #expect(rows.dropFirst().map { $0["attempt"] as? Int } == [1, 2, 3, 4])
            try #require(rows.count == 5)
            let errors = rows.map { $0["error"] as? String ?? "" }
            #expect(errors[1].hasPrefix("connection dropped: "), "\(errors[1])")
            #expect(errors[2] == #"the gateway answered HTTP 429: {"error": "rate limited"}"#, "\(errors[2])")
            #expect(errors[3] == #"the gateway answered HTTP 503: {"error": 503}"#, "\(errors[3])")
            let key = try #require(rows.last?["message_key"] as? String)
            // The sink numbers requests from 1 and answers {"ok":true,"id":"<number>"}.
            #expect(rows.last?["provider_id"] as? String == "5")

            let requests = try await sink.requests()
            #expect(requests.map(\.status) == [nil, 429, 503, nil, 200])
            for request in requests {
                #expect(request.method == "POST" && request.path == "/sms/send")
                #expect(request.header("Idempotency-Key") == key)
                #expect(request.header("Authorization") == "Bearer \(Self.secret)")
                #expect(request.header("X-Tenant") == "shop-vn")
                #expect(request.header("Content-Type") == "application/json")
            }
            let body = try #require(requests.last?.json as? [String: Any])
            #expect(body["to"] as? String == "+84901234567")
            #expect(body["reference"] as? String == key)
            #expect(body["campaign"] as? String == "plan-upgrade-sms")
            let text = try #require(body["text"] as? String)
            #expect(text.hasPrefix("Bạn đã dùng gần hết gói Cơ bản. Nâng cấp lên gói Chuyên nghiệp"), "\(text)")
            #expect(text.contains("NANGCAP20"))
            #expect(requests.allSatisfy { $0.body == requests[0].body })

            // Retry-After: 1 holds the second attempt back a full second (the backoff alone is 0.1–0.2 s).
            let wait = requests[2].time - requests[1].time
            #expect(wait >= 0.95, "the retry came \(wait) s after a Retry-After of 1 s")

            // The key reaches the gateway; it never reaches the logs.
            let everything = try daemon.command(["tail", "--json", "--lines", "1000"]).output
            #expect(!everything.contains(Self.secret))
            #expect(!daemon.output.contains(Self.secret))
            #expect(daemon.output.contains("http       sms: \(sink.baseURL)/sms/send"))
            #expect(try await daemon.stop() == 0)
            #expect(!daemon.output.contains(Self.secret))
        }
    }

    @Test func aPushThatTheGatewayKeepsRefusingEndsDeadAfterTheLastAttempt() async throws {
        try await PeerProcess.with(.httpSink) { peer in
            let sink = HTTPSink(peer)
            try await sink.script([], default: ["status": 503, "body": #"{"error": "maintenance"}"#])
            let daemon = try DaemonProcess(
                extraConfig: """
                    retry: {max_attempts: 3, first: 0.1s, max: 0.2s}
                    channels:
                      push: {transport: http, url: "\(sink.baseURL)/push", headers: {X-Api-Key: "${PUSH_KEY}"}, timeout: 5s}

                    """)
            try daemon.start(environment: ["PUSH_KEY": Self.secret])
            try await daemon.waitUntilReady()

            // 95% of the plan used: the customer enters at_plan_limit and gets the push at once.
            let customer = scenario.treated("push", campaign: "plan-limit-push", holdout: 0.05)
            let profile = """
                {"push_tokens": ["tok-a", "tok-b"], "timezone": "\(scenario.zone(whereItIsNow: 14))",
                 "consent": {"push": true}}
                """
            #expect(try await daemon.request("PUT", "/v1/customers/\(customer)", body: profile).status == 200)
            let usage = scenario.event(
                "u1", "plan_usage", customer: customer, at: scenario.now,
                #"{"metric": "storage", "used": 95, "limit": 100}"#)
            let ingest = try await daemon.request("POST", "/v1/events", body: usage)
            #expect(ingest.status == 202, "\(ingest.text)")

            try await daemon.waitUntil(30, "the push to be given up") {
                try scenario.tail(daemon, customer: customer).contains { $0["status"] as? String == "dead" }
            }
            let rows = try scenario.tail(daemon, customer: customer)
            #expect(rows.map { $0["status"] as? String } == ["queued", "retrying", "retrying", "dead"])
            #expect(rows.last?["attempt"] as? Int == 3)
            #expect(rows.last?["error"] as? String == #"the gateway answered HTTP 503: {"error": "maintenance"}"#)

            // Exactly max_attempts requests, each the standard body with the customer's tokens.
            let requests = try await sink.requests()
            #expect(requests.count == 3)
            let key = try #require(rows.last?["message_key"] as? String)
            #expect(
                requests.allSatisfy { $0.header("Idempotency-Key") == key && $0.header("X-Api-Key") == Self.secret })
            let body = try #require(requests.first?.json as? [String: Any])
            #expect(body["to"] as? [String] == ["tok-a", "tok-b"])
            #expect(body["channel"] as? String == "push")
            #expect(body["title"] as? String == "Sắp đạt giới hạn gói của bạn")
            #expect(body["key"] as? String == key)

            #expect(try await daemon.stop() == 0)
            #expect(!daemon.output.contains(Self.secret))
        }
    }
}

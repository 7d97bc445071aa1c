import Foundation
import Testing

@testable import NudgeCore

@Suite struct ConfigLoadingTests {
    static func load(_ text: String, env: [String: String] = [:], files: [String: String] = [:]) -> (Config?, [String]) {
        let environment = ConfigEnvironment(variable: { env[$0] }, readFile: { files[$0] })
        let (config, diagnostics) = ConfigLoader.load(SourceFile(path: "etc/nudge.yml", text: text), environment: environment)
        return (config, diagnostics.sorted.map(\.description))
    }

    @Test func noFileMeansEmbeddedDefaults() throws {
        let (config, diagnostics) = ConfigLoader.load(nil, environment: .empty)
        let defaults = try #require(config)
        #expect(diagnostics.all.isEmpty)
        #expect(defaults.dataDirectory == "./var")
        #expect(defaults.campaignsDirectory == "./campaigns")
        #expect(defaults.listen.description == "127.0.0.1:8470")
        #expect(defaults.timezone.identifier == "Asia/Ho_Chi_Minh")
        #expect(defaults.quietHours?.description == "21:00-08:00")
        #expect(defaults.defaultConsent == [.email: true, .sms: false, .push: false])
        for channel in Channel.allCases {
            #expect(defaults.channels[channel]?.transport.name == "file")
        }
    }

    @Test func emptyFileKeepsDefaultsWithPathsFromItsFolder() throws {
        let (config, diagnostics) = Self.load("# nothing yet\n")
        #expect(diagnostics.isEmpty)
        #expect(config?.dataDirectory == "etc/var")
        #expect(config?.templatesDirectory == "etc/templates")
    }

    @Test func fullConfigurationIsRead() throws {
        let text = """
            data_dir: /var/lib/nudge
            campaigns_dir: campaigns
            listen: "[::1]:9000"
            api_token: ${NUDGE_API_TOKEN}
            timezone: Asia/Bangkok
            stage_sweep: 5m
            quiet_hours: "22:30-07:00"
            default_consent: {sms: true}
            limits:
              per_customer: [{max: 2, per: 1d}]
              per_channel: {push: [{max: 5, per: 7d}]}
            retry: {max_attempts: 3, first: 10s, max: 10m}
            max_body: 2MiB
            log_format: json
            channels:
              email: {transport: smtp, url: "smtps://mail.example.vn:465", username: u, password: "${SMTP_PASSWORD}", from: "Shop <shop@example.vn>", rate: 50/s}
              sms: {transport: kannel, url: "http://127.0.0.1:13013/cgi-bin/sendsms", strip_diacritics: true, max_parts: 4}
              push: {transport: http, url: "https://push.example/send", headers: {Authorization: "Bearer ${PUSH_KEY}"}}
            """
        let (loaded, diagnostics) = Self.load(
            text, env: ["NUDGE_API_TOKEN": "token-0123456789abcdef", "SMTP_PASSWORD": "pw", "PUSH_KEY": "k"])
        #expect(diagnostics.isEmpty)
        let config = try #require(loaded)
        #expect(config.dataDirectory == "/var/lib/nudge")
        #expect(config.campaignsDirectory == "etc/campaigns")
        #expect(config.listen == ListenAddress(host: "::1", port: 9000))
        #expect(config.apiToken?.value == "token-0123456789abcdef")
        #expect(config.timezone.identifier == "Asia/Bangkok")
        #expect(config.stageSweep == 300)
        #expect(config.quietHours == QuietHours(start: TimeOfDay(hour: 22, minute: 30), end: TimeOfDay(hour: 7, minute: 0)))
        #expect(config.defaultConsent == [.email: true, .sms: true, .push: false])
        #expect(config.limits.perCustomer == [FrequencyCap(max: 2, per: 86_400)])
        #expect(config.limits.perChannel == [.push: [FrequencyCap(max: 5, per: 7 * 86_400)]])
        #expect(config.retry == RetrySettings(maxAttempts: 3, first: 10, max: 600))
        #expect(config.maxBodyBytes == 2 * 1024 * 1024)
        #expect(config.logFormat == .json)
        guard case .smtp(let smtp) = config.channels[.email]?.transport else {
            Issue.record("email is not smtp")
            return
        }
        #expect(smtp.password?.value == "pw")
        #expect(smtp.startTLS == .required)
        #expect(config.channels[.email]?.rate == Rate(count: 50, per: 1))
        guard case .kannel(let kannel) = config.channels[.sms]?.transport else {
            Issue.record("sms is not kannel")
            return
        }
        #expect(kannel.stripDiacritics && kannel.maxParts == 4)
        #expect(kannel.deliveryReports && kannel.deliveryReportURL == nil)
        guard case .http(let http) = config.channels[.push]?.transport else {
            Issue.record("push is not http")
            return
        }
        #expect(http.headers["Authorization"]?.value == "Bearer k")
    }

    @Test func missingVariablesAreErrorsNotEmptyStrings() {
        let (config, diagnostics) = Self.load("api_token: ${NUDGE_API_TOKEN}\nlocale: \"${LOCALE:-vi-VN}\"\n")
        #expect(config == nil)
        #expect(diagnostics == ["etc/nudge.yml:1:12: error: api_token: environment variable 'NUDGE_API_TOKEN' is not set"])
    }

    @Test func fileAndCredentialInterpolation() throws {
        let (config, diagnostics) = Self.load(
            "api_token: ${file:/run/token}\nunsubscribe: {secret: \"${credential:unsub}\"}\nlocale: $${literal}\n",
            env: ["CREDENTIALS_DIRECTORY": "/run/credentials/nudge.service"],
            files: ["/run/token": "abcdefghijklmnopqrstuvwxyz\n", "/run/credentials/nudge.service/unsub": "0123456789abcdefXYZ"])
        #expect(diagnostics.isEmpty)
        #expect(config?.apiToken?.value == "abcdefghijklmnopqrstuvwxyz")
        #expect(config?.unsubscribe.secret?.value == "0123456789abcdefXYZ")
        #expect(config?.locale == "${literal}")
    }

    @Test func secretsNeverAppearInDiagnostics() {
        let (_, diagnostics) = Self.load(
            "channels:\n  email: {transport: smtp, url: \"${SMTP_URL}\", from: \"${FROM}\"}\n",
            env: ["SMTP_URL": "ftp://user:topsecret@host", "FROM": "not an address topsecret"])
        #expect(diagnostics.count == 2)
        #expect(!diagnostics.joined().contains("topsecret"))
        #expect(diagnostics[0].contains("the value of '${SMTP_URL}'"))
    }

    @Test func everyProblemIsReportedInOneRun() {
        let (config, diagnostics) = Self.load(
            """
            timezon: Asia/Ho_Chi_Minh
            quiet_hours: "21:00-21:00"
            stage_sweep: soon
            retry: {first: 1h, max: 1m}
            channels:
              fax: {transport: file}
              sms: {transport: smtp, url: "smtp://x:25"}
              push: {transport: pigeon}
              email: {transport: http, url: "https://x", headers: [a]}
            """)
        #expect(config == nil)
        #expect(
            diagnostics == [
                "etc/nudge.yml:1:1: error: unknown key 'timezon' in the configuration (did you mean 'timezone'?)",
                "etc/nudge.yml:2:14: error: quiet_hours must be a range such as \"21:00-08:00\" or off, found '21:00-21:00'",
                "etc/nudge.yml:3:14: error: stage_sweep must be a duration such as 30m, 48h, 21d or 3w, found 'soon'",
                "etc/nudge.yml:4:25: error: retry.max (1m) is shorter than retry.first (1h)",
                "etc/nudge.yml:6:3: error: unknown key 'fax' in channels",
                "etc/nudge.yml:7:8: error: channels.sms is missing 'from' (the sender, such as \"Shop <shop@example.vn>\")",
                "etc/nudge.yml:8:21: error: unknown transport 'pigeon' for channels.push; use one of file, http, kannel, smtp",
                "etc/nudge.yml:9:55: error: channels.email.headers must be a mapping of header names to values, found a list",
            ])
    }

    @Test func kannelDeliveryReportSettings() throws {
        let (loaded, diagnostics) = Self.load(
            """
            channels:
              sms: {transport: kannel, url: "http://k:13013", delivery_reports: false, dlr_url: "https://nudge.example/v1/receipts/sms"}
            """)
        #expect(diagnostics.isEmpty)
        guard case .kannel(let kannel) = try #require(loaded).channels[.sms]?.transport else {
            Issue.record("sms is not kannel")
            return
        }
        #expect(!kannel.deliveryReports)
        #expect(kannel.deliveryReportURL == "https://nudge.example/v1/receipts/sms")

        let (_, errors) = Self.load(
            """
            channels:
              sms: {transport: kannel, url: "http://k:13013", delivery_reports: sometimes, dlr_url: "/v1/receipts"}
            """)
        #expect(errors.count == 2)
        #expect(errors.contains { $0.contains("channels.sms.dlr_url must be a http:// or https:// URL") })
        #expect(errors.contains { $0.contains("channels.sms.delivery_reports") })
    }

    @Test func readingCommandsFindTheDataDirectoryDespiteProblemsElsewhere() {
        func dataDirectory(_ text: String) -> String? {
            ConfigLoader.dataDirectory(SourceFile(path: "etc/nudge.yml", text: text), environment: .empty)
        }
        #expect(dataDirectory("data_dir: /var/lib/nudge\napi_token: ${UNSET_TOKEN}\n") == "/var/lib/nudge")
        #expect(dataDirectory("api_token: ${UNSET_TOKEN}\n") == "etc/var")
        #expect(dataDirectory("") == "etc/var")
        #expect(dataDirectory("data_dir: [1, 2]\n") == nil)
        #expect(dataDirectory("- just\n- a list\n") == nil)
        #expect(ConfigLoader.dataDirectory(nil, environment: .empty) == "./var")
    }

    @Test func capsCanBeTurnedOff() throws {
        let (loaded, diagnostics) = Self.load("limits: {per_customer: [], per_channel: {}}\n")
        #expect(diagnostics.isEmpty)
        let limits = try #require(loaded).limits
        #expect(limits.perCustomer.isEmpty && limits.perChannel.isEmpty)
        #expect(FrequencyCaps.lookback(limits) == 0)
    }
}

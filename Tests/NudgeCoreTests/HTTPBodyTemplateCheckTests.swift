import Foundation
import Testing

@testable import NudgeCore

/// `nudge check` on the `http` transport: the body template exists, uses only the fields of a body and renders
/// to JSON; configured headers are ones that can be sent.
@Suite struct HTTPBodyTemplateCheckTests {
    /// The diagnostics of loading a workspace whose push channel posts `body.json.mustache` (when given).
    static func check(_ template: String?, body: String = "body.json.mustache") throws -> [String] {
        let configText = """
            channels:
              push: {transport: http, url: "https://push.example/send", body: \(body)}
            """
        let (config, configDiagnostics) = ConfigLoader.load(
            SourceFile(path: "nudge.yml", text: configText), environment: .empty)
        #expect(configDiagnostics.all.isEmpty)
        let files = CampaignFiles(
            stages: nil, campaigns: [],
            templates: template.map { [SourceFile(path: "templates/body.json.mustache", text: $0)] } ?? [],
            partials: [])
        let (_, diagnostics) = CampaignSetLoader.load(files, config: try #require(config))
        return diagnostics.sorted.map(\.description)
    }

    @Test func aGoodTemplatePasses() throws {
        let template = """
            {"tokens": {{json.to}}, "title": {{json.title}}, "body": "{{body}}",
             {{#url}}"url": "{{url}}",{{/url}} "tags": [{{#addresses}}"{{.}}"{{^last()}},{{/last()}}{{/addresses}}]}
            """
        #expect(try Self.check(template) == [])
    }

    @Test func aMissingTemplateIsNamedWhereTheConfigurationNamesIt() throws {
        let diagnostics = try Self.check(nil)
        #expect(
            diagnostics == [
                "nudge.yml:2:67: error: the http transport's body template 'body.json.mustache' is not in the templates folder"
            ])
    }

    @Test func unknownFieldsAreErrorsWithAHint() throws {
        let diagnostics = try Self.check(#"{"text": "{{bodi}}", "to": {{json.too}}}"#)
        #expect(
            diagnostics == [
                "templates/body.json.mustache:1:13: error: 'bodi' is not a field of an http body (did you mean 'body'?) (channel push)",
                "templates/body.json.mustache:1:30: error: 'json.too' is not a field of an http body: json has no field 'too' (did you mean 'to'?) (channel push)",
            ])
    }

    @Test func textOutsideQuotesIsCaught() throws {
        let diagnostics = try Self.check(#"{"text": {{body}}}"#)
        #expect(diagnostics.count == 1)
        #expect(
            diagnostics.first?.hasPrefix(
                "templates/body.json.mustache:1:1: error: the http body template of channel 'push' does not render to "
                    + "JSON for a sample message (rendered line 1, column 10: ") == true, "\(diagnostics)")
    }

    @Test func aTrailingCommaWhenAFieldIsAbsentIsCaught() throws {
        let diagnostics = try Self.check(#"{"body": "{{body}}", {{#url}}"url": "{{url}}"{{/url}}}"#)
        #expect(diagnostics.count == 1)
        #expect(
            diagnostics.first?.contains("for a sample message without optional fields (rendered line 1") == true,
            "\(diagnostics)")
    }

    @Test func configuredHeadersThatCannotBeSentAreErrors() {
        let (config, diagnostics) = ConfigLoadingTests.load(
            """
            channels:
              push:
                transport: http
                url: https://push.example/send
                headers: {Idempotency-Key: "x", Ключ: "y", Authorization: "Bearer ${KEY}"}
            """, env: ["KEY": "k-secret"])
        #expect(config == nil)
        #expect(
            diagnostics == [
                "etc/nudge.yml:5:14: error: channels.push.headers: the header Idempotency-Key is set by nudge or libcurl; remove it from the channel's headers",
                "etc/nudge.yml:5:37: error: channels.push.headers: 'Ключ' is not a valid header name",
            ])
        #expect(!diagnostics.joined().contains("k-secret"))
    }
}

import Foundation
import NudgeTesting
import Testing

/// `nudge check` through the real binary: exit codes, output formats, the shipped examples.
@Suite struct CheckCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("nudge")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return repository.appendingPathComponent(".build/debug/nudge")
    }

    struct Run {
        var status: Int32
        var standard: String
        var error: String
    }

    static func nudge(_ arguments: [String], in directory: URL = repository, environment: [String: String] = [:]) throws
        -> Run
    {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var base = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        base.merge(environment) { $1 }
        process.environment = base
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let standard = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, standard: String(decoding: standard, as: UTF8.self),
            error: String(decoding: error, as: UTF8.self))
    }

    static func workspace(_ files: [String: String]) throws -> URL {
        let root = try ScratchDirectory.make("check")
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test func shippedExamplesAreCleanAndPrintOnlyASummary() throws {
        let run = try Self.nudge(["check", "campaigns"])
        #expect(run.status == 0)
        #expect(run.standard == "checked 5 campaigns, stages, 12 templates: no problems\n")
        #expect(run.error.isEmpty)
    }

    @Test func exampleProductionConfigIsValidWithCredentials() throws {
        let credentials = try Self.workspace(
            Dictionary(uniqueKeysWithValues: ["api-token", "unsubscribe-secret", "smtp-password", "kannel-password", "push-key"].map {
                ($0, "credential-value-0123456789-\($0)\n")
            }))
        let run = try Self.nudge(
            ["check", "--config", "systemd/nudge.yml", "campaigns"],
            environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        // The example points at /etc/nudge/templates, which this machine does not have: one error, no secrets.
        #expect(run.standard == "/etc/nudge/templates: error: the templates folder does not exist\nchecked 5 campaigns, stages, 0 templates: 1 error\n")
        #expect(run.status == 1)
        #expect(!run.standard.contains("credential-value"))
    }

    @Test func configErrorsExitWith78() throws {
        let directory = try Self.workspace(["nudge.yml": "timezone: Mars/Olympus\n"])
        let run = try Self.nudge(["check"], in: directory)
        #expect(run.status == 78)
        #expect(
            run.standard
                == "nudge.yml:1:11: error: timezone must be an IANA time zone such as Asia/Ho_Chi_Minh, found 'Mars/Olympus'\nthe configuration cannot be loaded: 1 error\n"
        )
    }

    @Test func missingExplicitConfigExitsWith78() throws {
        let run = try Self.nudge(["check", "--config", "/nonexistent/nudge.yml"])
        #expect(run.status == 78)
        #expect(run.standard.hasPrefix("/nonexistent/nudge.yml: error: cannot read the configuration: no such file\n"))
    }

    @Test func nudgeConfigVariableIsUsed() throws {
        let directory = try Self.workspace(["elsewhere.yml": "listen: nowhere\n"])
        let run = try Self.nudge(["check"], in: directory, environment: ["NUDGE_CONFIG": "elsewhere.yml"])
        #expect(run.status == 78)
        #expect(run.standard.hasPrefix("elsewhere.yml:1:9: error: listen must be host:port"))
    }

    @Test func errorsExitWith1AndWarningsWith0() throws {
        let stages = "stages:\n  - name: everyone\n    when: true\n"
        let template = "---\nsubject: Xin chào\n---\n<p>Chào bạn</p>\n"
        let broken = try Self.workspace([
            "campaigns/stages.yml": stages, "templates/hello.email.mustache": template,
            "campaigns/hello.yml": "campaign: hello\nkind: notice\ntrigger: {event: signup}\nsteps:\n  - {id: one, channel: email, template: helo}\n",
        ])
        let failing = try Self.nudge(["check"], in: broken)
        #expect(failing.status == 1)
        #expect(
            failing.standard
                == "campaigns/hello.yml:5:41: error: unknown template 'helo' for email (did you mean 'hello'?): expected helo.email.mustache in the templates folder\nchecked 1 campaign, stages, 1 template: 1 error\n"
        )

        let warned = try Self.workspace([
            "campaigns/stages.yml": stages, "templates/hello.email.mustache": template,
            "campaigns/hello.yml": "campaign: hello\nkind: cross_sell\ntrigger: {event: signup}\nsteps:\n  - {id: one, channel: email, template: hello}\n",
        ])
        let passing = try Self.nudge(["check"], in: warned)
        #expect(passing.status == 0)
        #expect(passing.standard.contains("campaigns/hello.yml:1:1: warning: a cross_sell campaign without an exit on purchase"))
    }

    @Test func jsonFormatListsEveryDiagnostic() throws {
        let directory = try Self.workspace([
            "campaigns/stages.yml": "stages:\n  - name: everyone\n    when: true\n",
            "templates/partials/.keep": "",
            "campaigns/x.yml": "campaign: x\nkind: notice\ntrigger: {event: signup, where: event.total > \"a\"}\nsteps: []\n",
        ])
        let run = try Self.nudge(["check", "--format", "json"], in: directory)
        #expect(run.status == 1)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(run.standard.utf8)) as? [String: Any])
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        let messages = diagnostics.map { "\($0["line"]!):\($0["column"]!) \($0["message"]!)" }
        #expect(messages.contains("3:33 cannot compare number with string"))
        #expect(messages.contains("4:8 a campaign needs at least one step"))
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary["errors"] == 2)
    }

    @Test func usageErrorsExitWith2() throws {
        let run = try Self.nudge(["check", "--format", "xml"])
        #expect(run.status == 2)
        #expect(run.error.contains("xml"))
    }

    @Test func versionPrints() throws {
        let run = try Self.nudge(["version"])
        #expect(run.status == 0)
        #expect(run.standard.hasPrefix("nudge "))
    }
}

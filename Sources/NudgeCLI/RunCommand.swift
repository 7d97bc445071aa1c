import ArgumentParser
import Foundation
import NudgeDaemon
import NudgeFiles

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon in the foreground (systemd Type=notify).",
        discussion: """
            Serves the HTTP API, enrolls customers, sends due steps and records every decision in the dispatch
            log. SIGHUP reloads the configuration and campaign files (an invalid set is rejected whole and the
            last good one stays live); SIGTERM finishes in-flight work and exits 0.
            Exit status 78 when the configuration or campaign files cannot be loaded at startup.
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let status = await Daemon.run(
            configPath: global.config, reader: WorkspaceReader(), version: NudgeVersion.text,
            print: { StandardOutput().write($0 + "\n") })
        if status != 0 { throw ExitCode(status) }
    }
}

import Foundation
import Logging
import NudgeCore
import NudgeServer
import ServiceLifecycle
import UnixSignals

/// Reloads config, stages, campaigns and templates on SIGHUP. A set with any error is rejected whole and the
/// last good one stays live; every diagnostic is logged and shown at `/readyz`.
struct ReloaderService: Service {
    let workspace: Workspace
    let runtime: RuntimeState
    /// Settings read once at startup; a change to them needs a restart.
    let startup: Config
    /// The key of unsubscribe links, resolved at startup.
    let unsubscribeSecret: String
    /// The channels' transports, rebuilt from each good set.
    let transports: LiveTransports
    let schedulerWake: WakeSignal
    /// Woken after a good reload: a dated promotion may now start earlier than the sweep planned to wake.
    let stageWake: WakeSignal
    let logger: Logger
    let now: @Sendable () -> Date

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            reload()
        }
    }

    func reload() {
        logger.info("reloading campaign files")
        switch workspace.load() {
        case .failure(let failure):
            let lines = failure.diagnostics.map(\.description)
            for line in lines { logger.error("reload rejected", metadata: ["diagnostic": "\(line)"]) }
            runtime.reject(RuntimeState.LoadReport(at: now(), diagnostics: lines, succeeded: false))
            DaemonMetrics.shared.reloadFailed()
            logger.error(
                "reload rejected: the last good set stays live",
                metadata: ["errors": "\(failure.diagnostics.filter { $0.severity == .error }.count)"])
        case .success(let loaded):
            for diagnostic in loaded.diagnostics {
                logger.warning("reload warning", metadata: ["diagnostic": "\(diagnostic.description)"])
            }
            for (name, changed) in [
                ("listen", loaded.config.listen != startup.listen),
                ("data_dir", loaded.config.dataDirectory != startup.dataDirectory),
                ("unsubscribe.secret", loaded.config.unsubscribe.secret != startup.unsubscribe.secret),
            ] where changed {
                logger.warning("\(name) changed: it takes effect after a restart")
            }
            do {
                for change in try transports.reload(loaded.config, startup: startup) {
                    logger.warning("\(change): it takes effect after a restart")
                }
            } catch {
                logger.error("the channels' transports could not be rebuilt; the previous ones stay", metadata: ["error": "\(error)"])
            }
            runtime.install(
                JourneyEngine(loaded, unsubscribeSecret: unsubscribeSecret),
                report: RuntimeState.LoadReport(at: now(), diagnostics: loaded.diagnostics.map(\.description), succeeded: true))
            logger.info("reloaded", metadata: ["campaigns": "\(loaded.campaigns.campaigns.count)"])
            schedulerWake.signal()
            stageWake.signal()
        }
    }
}

import Foundation
import ServiceLifecycle

/// Pings systemd's watchdog at half its interval while the daemon runs.
struct WatchdogService: Service {
    let notifier: SystemdNotifier
    let interval: TimeInterval

    func run() async throws {
        await cancelWhenGracefulShutdown { [notifier, interval] in
            while !Task.isCancelled {
                notifier.notify("WATCHDOG=1")
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
            }
        }
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a data directory (`<data_dir>/nudge.lock`, `flock`), held while the daemon runs: one
/// daemon per database. Holding it, the daemon knows that no other process holds leases on the outbox, so messages
/// left `sending` belong to a process that died, and can go back to the queue at once rather than after their lease.
/// The kernel releases the lock when the process ends, however it ends (`kill -9` included).
final class DataDirectoryLock {
    let path: String
    private let descriptor: Int32

    /// Takes the lock, or throws when another process holds it (naming its pid when known).
    init(directory: String) throws {
        path = (directory as NSString).appendingPathComponent("nudge.lock")
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DaemonError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            let holder =
                (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            if reason == EWOULDBLOCK {
                throw DaemonError(
                    "another nudge\(holder.isEmpty ? "" : " (pid \(holder))") is running on the data directory "
                        + "\(directory); one daemon per database")
            }
            throw DaemonError("cannot lock \(path): \(String(cString: strerror(reason)))")
        }
        // The holder's pid, for the message above and for operators.
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        close(descriptor)
    }
}

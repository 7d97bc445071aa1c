import Foundation

/// A hung peer: a loopback TCP listener that accepts connections and never says a word, as a server does when
/// it hangs. `acceptWaiting()` accepts what has arrived and tells how many connections came so far.
public final class SilentListener: @unchecked Sendable {
    // `connections` is guarded by `lock`; `listener` is set once.
    private let lock = NSLock()
    private let listener: Int32
    private var connections: [Int32] = []
    public let port: Int

    public init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw PeerError("cannot open a socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound, listen(listener, 64) == 0 else {
            close(listener)
            throw PeerError("cannot listen on 127.0.0.1")
        }
        _ = fcntl(listener, F_SETFL, O_NONBLOCK)
        _ = fcntl(listener, F_SETFD, FD_CLOEXEC)
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Accepts every connection waiting; returns how many have arrived since the start.
    @discardableResult
    public func acceptWaiting() -> Int {
        lock.withLock {
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { break }
                connections.append(connection)
            }
            return connections.count
        }
    }

    deinit {
        for connection in connections { close(connection) }
        close(listener)
    }
}

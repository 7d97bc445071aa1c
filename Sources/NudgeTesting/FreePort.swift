import Foundation

/// Loopback TCP ports that nothing listens on right now, for test peers.
public enum FreePort {
    /// One free port chosen by the kernel.
    public static func find() throws -> Int {
        try find(consecutive: 1)
    }

    /// The first of `count` consecutive free ports (Kannel takes four: sendsms, admin, box, SMSC).
    public static func find(consecutive count: Int) throws -> Int {
        for _ in 0..<50 {
            let first = try kernelChosenPort()
            guard first + count - 1 <= 65535 else { continue }
            if (1..<count).allSatisfy({ isFree(first + $0) }) { return first }
        }
        throw PeerError("no \(count) consecutive free ports on 127.0.0.1")
    }

    /// Whether a listening socket could be bound to 127.0.0.1:`port`.
    public static func isFree(_ port: Int) -> Bool {
        (try? probe(port)) != nil
    }

    private static func kernelChosenPort() throws -> Int {
        try probe(0)
    }

    /// Binds a socket to 127.0.0.1:`port`, closes it and returns the port it had.
    private static func probe(_ port: Int) throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PeerError("cannot open a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw PeerError("port \(port) is in use") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A test peer could not be started, stopped or waited for.
public struct PeerError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

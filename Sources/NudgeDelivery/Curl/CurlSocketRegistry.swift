import CCurl
import Foundation

/// The sockets libcurl has open for one loop, in flight or idle in its connection cache: libcurl opens and
/// closes them through `curlOpenSocketCallback` and `curlCloseSocketCallback`, so the set is exact. Used on the
/// loop thread only (libcurl calls back from inside the loop's own calls).
final class CurlSocketRegistry {
    private var open: Set<curl_socket_t> = []

    func opened(_ socket: curl_socket_t) {
        open.insert(socket)
    }

    func closed(_ socket: curl_socket_t) {
        open.remove(socket)
    }

    /// Shuts every socket down for reading and writing (without closing it): whatever libcurl then sends or
    /// waits for on it fails at once.
    func shutDownAll() {
        for socket in open { _ = shutdown(socket, Int32(SHUT_RDWR)) }
    }
}

/// `CURLOPT_OPENSOCKETFUNCTION`: opens the socket as libcurl would, close-on-exec, and records it.
let curlOpenSocketCallback: curl_opensocket_callback = { context, _, address in
    guard let context, let address else { return CURL_SOCKET_BAD }
    let socket = Foundation.socket(
        address.pointee.family, address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.protocol)
    guard socket >= 0 else { return CURL_SOCKET_BAD }
    Unmanaged<CurlSocketRegistry>.fromOpaque(context).takeUnretainedValue().opened(socket)
    return socket
}

/// `CURLOPT_CLOSESOCKETFUNCTION`: forgets the socket and closes it.
let curlCloseSocketCallback: curl_closesocket_callback = { context, socket in
    if let context { Unmanaged<CurlSocketRegistry>.fromOpaque(context).takeUnretainedValue().closed(socket) }
    return close(socket)
}

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file writes that a reader never sees half done: the bytes go to a temporary file beside the target,
/// are flushed to disk, and the temporary file is renamed over the target. Failures carry the system's reason.
enum AtomicFile {
    /// Creates `folder` and any missing parent folders.
    static func createFolder(_ folder: String) throws {
        var prefix = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) == 0 { continue }
            let code = errno
            var isFolder: ObjCBool = false
            if code == EEXIST, FileManager.default.fileExists(atPath: prefix, isDirectory: &isFolder) {
                if isFolder.boolValue { continue }
                throw FileDeliveryError("cannot create the outbox folder \(folder): \(prefix) is a file, not a folder")
            }
            throw FileDeliveryError("cannot create the outbox folder \(folder): \(reason(code))")
        }
    }

    /// Replaces the file at `path` (in an existing folder) with `data`.
    static func write(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (folder as NSString).appendingPathComponent(
            ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileDeliveryError("cannot write \(path): \(reason(errno))") }

        var failure: Int32?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = errno }
        if let failure {
            unlink(temporary)
            throw FileDeliveryError("cannot write \(path): \(reason(failure))")
        }
    }

    /// The system's text for an `errno` value (`Permission denied`, `No space left on device`).
    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// `write(2)`, named apart from `AtomicFile.write(_:to:)`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(descriptor, bytes, count)
    #else
        Darwin.write(descriptor, bytes, count)
    #endif
}

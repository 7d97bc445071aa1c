import Foundation

/// Folders for tests' files, all inside one folder per test process that is removed when the process exits
/// normally: a test that hands its folder on (a store returned to a parameterised test, a workspace to a
/// command) leaves nothing behind in the system's temporary directory.
public enum ScratchDirectory {
    /// A new, empty folder whose name starts with `prefix`.
    public static func make(_ prefix: String) throws -> URL {
        let directory = root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// `nudge-tests-<pid>`, created on first use, with its removal at exit registered then.
    private static let root: URL = {
        atexit { try? FileManager.default.removeItem(at: ScratchDirectory.rootPath) }
        return rootPath
    }()

    private static var rootPath: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("nudge-tests-\(getpid())")
    }
}

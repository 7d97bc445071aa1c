import Foundation

/// Runs `body` with the path of a database file in a new temporary folder, removed afterwards.
func withScratchDatabase(_ body: (String) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-store-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try body(directory.appendingPathComponent("nudge.sqlite").path)
}

// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "nudge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "nudge", targets: ["nudge"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Pure core: value types and decisions. No files, sockets, database, logger or clock.
        .target(
            name: "NudgeCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // Reads a workspace (config, stages, campaigns, templates) from disk into NudgeCore's loader.
        .target(name: "NudgeFiles", dependencies: ["NudgeCore"]),
        .target(
            name: "NudgeCLI",
            dependencies: [
                "NudgeCore",
                "NudgeFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "nudge", dependencies: ["NudgeCLI"]),
        .testTarget(name: "NudgeCoreTests", dependencies: ["NudgeCore"]),
        .testTarget(
            name: "NudgeCLITests",
            dependencies: ["NudgeCLI", "NudgeFiles", "NudgeCore"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

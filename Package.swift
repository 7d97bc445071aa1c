// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "nudge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nudge", targets: ["nudge"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
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
        // The system SQLite library.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // Reads a workspace (config, stages, campaigns, templates) from disk into NudgeCore's loader.
        .target(name: "NudgeFiles", dependencies: ["NudgeCore"]),
        // The Store port on SQLite: migrations, every SQL statement, claims and leases.
        .target(name: "NudgeStore", dependencies: ["NudgeCore", "CSQLite"]),
        // libcurl's variadic calls as typed C functions; links the system libcurl (libcurl4-openssl-dev).
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        // Transports that deliver outbox messages, and the libcurl multi loop they share.
        .target(name: "NudgeDelivery", dependencies: ["NudgeCore", "CCurl"]),
        // The HTTP API.
        .target(
            name: "NudgeServer",
            dependencies: [
                "NudgeCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The long-running services composed into one ServiceGroup.
        .target(
            name: "NudgeDaemon",
            dependencies: [
                "NudgeCore", "NudgeFiles", "NudgeStore", "NudgeDelivery", "NudgeServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "NudgeCLI",
            dependencies: [
                "NudgeCore", "NudgeFiles", "NudgeStore", "NudgeDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "nudge", dependencies: ["NudgeCLI"]),
        // Test doubles of the ports (in-memory store, manual clock, recording transport).
        .target(name: "NudgeTesting", dependencies: ["NudgeCore"]),
        .testTarget(name: "NudgeCoreTests", dependencies: ["NudgeCore", "NudgeTesting"]),
        .testTarget(name: "NudgeStoreTests", dependencies: ["NudgeStore", "NudgeTesting", "NudgeCore"]),
        .testTarget(name: "NudgeDeliveryTests", dependencies: ["NudgeDelivery", "NudgeCore", "NudgeTesting"]),
        .testTarget(
            name: "NudgeDaemonTests",
            dependencies: [
                "NudgeDaemon", "NudgeServer", "NudgeStore", "NudgeTesting", "NudgeCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "NudgeCLITests",
            dependencies: ["NudgeCLI", "NudgeFiles", "NudgeCore", "NudgeTesting"],
            exclude: ["Fixtures"]
        ),
        // The real binary end to end: HTTP, files, signals.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "NudgeCore", "NudgeTesting", "CSQLite", "NudgeDaemon", "NudgeServer", "NudgeStore", "NudgeDelivery",
                "NudgeFiles", .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

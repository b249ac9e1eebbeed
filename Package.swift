// swift-tools-version: 6.2
// Dependencies point one way, downwards (Docs/Architecture.md). The CLI never links the store,
// the domain or NIO; the explicit-target-dependency import check in the Makefile keeps it so.
import PackageDescription

let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// Test targets are held to the same bar: a warning in a test is an error too.
let strictTests: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "coachd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "coachd", targets: ["coachd"]),
        // `coachctl` is the small Foundation-free front (plain `coachctl due` itself, all else by
        // execv of coachctl-full, found next to it or in ../libexec/coachd; Docs/Decisions.md, issue 16).
        .executable(name: "coachctl", targets: ["CoachctlFront"]),
        .executable(name: "coachctl-full", targets: ["coachctl"]),
    ],
    // The PostgreSQL store costs ~11 CPU-minutes of build (postgres-nio, two BoringSSLs): `make run` and
    // the TSan and fuzz builds leave it out with --disable-default-traits (Docs/Decisions.md, issue 15).
    traits: [
        .trait(name: "PostgreSQL", description: "coachd can keep its data on PostgreSQL (store.backend: postgresql)"),
        .default(enabledTraits: ["PostgreSQL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-configuration", exact: "1.4.0", traits: [.defaults, "YAML"]),
        // Property-based tests (issue 10): every method with extreme integers, dates and strings.
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        // RFC 4180: writing for `coachctl report --csv`; reading for `people.import` (issue 13, coachd).
        .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
        // HTML for `coachctl report --html` (coachctl only): elements built, text escaped, no string concatenation.
        .package(url: "https://github.com/JohnSundell/Plot", exact: "0.14.0"),
        // The PostgreSQL store (issue 15): only CoachStorePostgres links it, never coachctl.
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        // Pure model and scheduler: no I/O, no clock; time is passed in.
        .target(name: "CoachDomain", swiftSettings: strict),
        // Small helpers every layer shares, written once: the Unix socket address, the account
        // database (passwd, group) and a seeded generator. No dependencies.
        .target(name: "CoachSupport", swiftSettings: strict),
        // Persistence behind a protocol; SQLite (GRDB) is the embedded default.
        .target(
            name: "CoachStore",
            dependencies: ["CoachDomain", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // The PostgreSQL store (issue 15), behind the same protocol; a target of its own so that what
        // does not use it (coachctl, the SQLite-only daemon build) does not build postgres-nio.
        .target(
            name: "CoachStorePostgres",
            dependencies: [
                "CoachDomain", "CoachStore",
                // Only with the trait: a build without it (TSan, fuzz, `make run`) compiles no postgres-nio.
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
                // Reads a school's SQLite file for `coachd --migrate-to-postgresql`.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The build's version and git commit, stamped on every build (Plugins/VersionStamp).
        .target(name: "CoachVersion", swiftSettings: strict, plugins: ["VersionStamp"]),
        .plugin(name: "VersionStamp", capability: .buildTool()),
        // The one wire contract shared by daemon and CLI: Codable only, no I/O. Append-only.
        .target(name: "CoachRPC", swiftSettings: strict),
        // NIO Unix-socket server transport: framing, limits, peer credentials.
        .target(
            name: "CoachRPCSocket",
            dependencies: [
                "CoachRPC", "CoachSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // A small blocking client over the same contract: what coachctl and tests link (fast start-up).
        .target(
            name: "CoachClient", dependencies: ["CoachRPC", "CoachSupport", "CoachctlCore"], swiftSettings: strict),
        // What `coachctl due` needs, without Foundation: argv, the request and reply, the table, the
        // times, escaping. Linked by the front (`coachctl`) and by coachctl-full: one implementation.
        .target(name: "CoachctlCore", swiftSettings: strict),
        .executableTarget(name: "CoachctlFront", dependencies: ["CoachctlCore"], swiftSettings: strict),
        // libsystemd, as a system library (Debian: libsystemd-dev).
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // sd_notify, socket activation and a journald log handler; quiet no-ops off systemd.
        .target(
            name: "CoachSystemd",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // Linux interfaces Glibc does not export to Swift (timerfd): a C shim of its own.
        .target(name: "CLinux"),
        // Composition root: configuration, services, RPC handlers, scheduler timer.
        .target(
            name: "CoachDaemon",
            dependencies: [
                "CoachDomain", "CoachStore", "CoachRPC", "CoachRPCSocket", "CoachSupport", "CoachSystemd", "CLinux",
                "CoachVersion",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                // The staff list of `people.import` is parsed in the daemon: the method takes the file's text.
                .product(name: "CSV", package: "CSV.swift"),
                .target(name: "CoachStorePostgres", condition: .when(traits: ["PostgreSQL"])),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "coachd",
            dependencies: [
                "CoachDaemon", "CoachSystemd", "CoachRPC", "CoachVersion",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "coachctl",
            dependencies: [
                "CoachRPC", "CoachClient", "CoachVersion", "CoachctlCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Plot", package: "Plot"),
            ],
            swiftSettings: strict
        ),
        // The fuzz harness (framer and decoder properties, wire samples) and libFuzzer's entry point
        // (mk/robustness.mk builds it with -sanitize=fuzzer; an ordinary build replays inputs).
        .target(
            name: "CoachFuzzing", dependencies: ["CoachRPC", "CoachRPCSocket", "CoachSupport"], swiftSettings: strict),
        .executableTarget(name: "coachd-fuzz", dependencies: ["CoachFuzzing"], swiftSettings: strict),
        // The service-level fuzz target: request scripts through the real dispatcher and a real store
        // (`make fuzz-service`; an ordinary build replays inputs).
        .executableTarget(name: "coachd-service-fuzz", dependencies: ["CoachDaemon"], swiftSettings: strict),
        // Benchmarks (`make bench`): the dataset generator and the side-by-side runner (Docs/Performance.md).
        .executableTarget(
            name: "coachbench",
            dependencies: [
                "CoachDomain", "CoachStore", "CoachSupport", "PostgresTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // A real PostgreSQL server for the store and end-to-end tests (issue 15); no dependencies.
        .target(name: "PostgresTestSupport", path: "Tests/PostgresTestSupport", swiftSettings: strictTests),
        .testTarget(name: "CoachSupportTests", dependencies: ["CoachSupport"], swiftSettings: strictTests),
        .testTarget(
            name: "CoachDomainTests", dependencies: ["CoachDomain", "CoachSupport"], swiftSettings: strictTests),
        .testTarget(
            name: "CoachStoreTests",
            dependencies: [
                "CoachStore", "CoachDomain", "PostgresTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .target(name: "CoachStorePostgres", condition: .when(traits: ["PostgreSQL"])),
            ],
            swiftSettings: strictTests
        ),
        .testTarget(name: "CoachRPCTests", dependencies: ["CoachRPC"], swiftSettings: strictTests),
        .testTarget(
            name: "CoachRPCSocketTests",
            dependencies: [
                "CoachRPCSocket", "CoachRPC", "CoachSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictTests
        ),
        .testTarget(
            name: "CoachDaemonTests",
            dependencies: [
                "CoachDaemon", "CoachRPC", "CoachRPCSocket", "CoachClient", "CoachDomain", "CoachStore", "CoachSupport",
                "CoachSystemd",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictTests
        ),
        .testTarget(
            name: "CoachCtlTests", dependencies: ["CoachClient", "CoachRPC", "CoachSupport"], swiftSettings: strictTests
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "CoachRPC", "CoachClient", "CoachFuzzing", "CoachSupport", "PostgresTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictTests
        ),
        .testTarget(name: "CoachFuzzingTests", dependencies: ["CoachFuzzing", "CoachRPC"], swiftSettings: strictTests),
    ]
)

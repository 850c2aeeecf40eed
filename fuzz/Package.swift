// swift-tools-version:6.1
import PackageDescription

// Coverage-guided fuzzers (libFuzzer) for the parsers that read untrusted bytes.
// A package of its own so the main build never compiles them; `bench/fuzz.sh`
// builds them with `--sanitize=fuzzer` and runs them. Each harness is a file of
// the test target that replays the corpus (symlinked here), so the fuzzer and
// `swift test` run the same code.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "kms-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "kms", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "FuzzSupport", swiftSettings: swiftSettings),
        // The ciphertext blob parser, and Decrypt on an in-memory service.
        .executableTarget(
            name: "fuzz-ciphertext-blob",
            dependencies: [
                "FuzzSupport",
                .product(name: "KeyService", package: "kms"),
                .product(name: "KeyCrypto", package: "kms"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/CiphertextBlobFuzzer",
            swiftSettings: swiftSettings
        ),
        // The envelope message reader: header, body scanner, decryptor.
        .executableTarget(
            name: "fuzz-envelope",
            dependencies: ["FuzzSupport", .product(name: "KeyCrypto", package: "kms")],
            path: "Sources/EnvelopeFuzzer",
            swiftSettings: swiftSettings
        ),
        // The request JSON reader and writer, and both doors' input decoding.
        .executableTarget(
            name: "fuzz-wire-json",
            dependencies: ["FuzzSupport", .product(name: "KeyService", package: "kms")],
            path: "Sources/WireJSONFuzzer",
            swiftSettings: swiftSettings
        ),
        // The SigV4 Authorization parser and verifier.
        .executableTarget(
            name: "fuzz-sigv4",
            dependencies: [
                "FuzzSupport",
                .product(name: "KeyService", package: "kms"),
                .product(name: "KeyServiceClient", package: "kms"),
                .product(name: "KeyCrypto", package: "kms"),
            ],
            path: "Sources/SigV4Fuzzer",
            swiftSettings: swiftSettings
        ),
    ]
)

import Foundation
import Testing
@testable import KeyCrypto

/// Wrapping imported key material: the unwrap path against files made with the
/// openssl command line (keys-fixtures/import, fixed RSA-2048 wrapping key), the
/// same with openssl run now, and round trips for every algorithm and size.
struct KeyMaterialWrappingTests {
    static func fixtureWrappingKey() throws -> AsymmetricPrivateKey {
        let pem = try Fixtures.text("import/wrapping-key-rsa2048.pem")
        let body = pem.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        return try AsymmetricPrivateKey(pkcs8: SecureBytes(copying: try #require(Base64.decode(body))))
    }

    @Test(arguments: ImportWrappingAlgorithm.allCases)
    func unwrapsMaterialWrappedByOpenSSL(algorithm: ImportWrappingAlgorithm) throws {
        let key = try Self.fixtureWrappingKey()
        let material = try Fixtures.data("import/material-symmetric.bin")
        let wrapped = Array(try Fixtures.data("import/symmetric.\(algorithm.rawValue).bin"))
        #expect(try KeyMaterialWrapping.unwrap(wrapped, privateKey: key, algorithm: algorithm).exportBytes() == Array(material))
        if algorithm.usesAESKeyWrap {
            let p256 = Array(try Fixtures.data("import/material-p256.der"))
            let wrappedKey = Array(try Fixtures.data("import/p256.\(algorithm.rawValue).bin"))
            let unwrapped = try KeyMaterialWrapping.unwrap(wrappedKey, privateKey: key, algorithm: algorithm)
            #expect(unwrapped.exportBytes() == p256)
            #expect(try AsymmetricPrivateKey(pkcs8: unwrapped).keyType == .ecP256)
        }
        // The wrong algorithm, truncation and a flipped bit all fail the same way.
        let other = ImportWrappingAlgorithm.allCases.first { $0 != algorithm && $0.usesAESKeyWrap == algorithm.usesAESKeyWrap }!
        #expect(thrownKind { try KeyMaterialWrapping.unwrap(wrapped, privateKey: key, algorithm: other) } == .authenticationFailure)
        #expect(thrownKind { try KeyMaterialWrapping.unwrap(Array(wrapped.dropLast()), privateKey: key, algorithm: algorithm) } == .authenticationFailure)
        #expect(thrownKind { try KeyMaterialWrapping.unwrap(Array(wrapped.prefix(10)), privateKey: key, algorithm: algorithm) } == .authenticationFailure)
        var flipped = wrapped
        flipped[wrapped.count - 3] ^= 1
        #expect(thrownKind { try KeyMaterialWrapping.unwrap(flipped, privateKey: key, algorithm: algorithm) } == .authenticationFailure)
    }

    @Test(arguments: [2048, 3072, 4096])
    func everyAlgorithmRoundTripsWithEveryWrappingKeySize(bits: Int) throws {
        let key = try AsymmetricPrivateKey.generate(.rsa(bits: bits))
        let publicKey = try AsymmetricPublicKey(spki: key.publicKeyDER())
        let symmetric = try SecureBytes.random(count: 32)
        let privateKey = try AsymmetricPrivateKey.generate(.ecP521).pkcs8Representation()
        for algorithm in ImportWrappingAlgorithm.allCases {
            let wrapped = try KeyMaterialWrapping.wrap(symmetric, publicKey: publicKey, algorithm: algorithm)
            #expect(wrapped.count == bits / 8 + (algorithm.usesAESKeyWrap ? 40 : 0))
            #expect(try KeyMaterialWrapping.unwrap(wrapped, privateKey: key, algorithm: algorithm) == symmetric)
            if algorithm.usesAESKeyWrap {
                let wrappedKey = try KeyMaterialWrapping.wrap(privateKey, publicKey: publicKey, algorithm: algorithm)
                #expect(try KeyMaterialWrapping.unwrap(wrappedKey, privateKey: key, algorithm: algorithm) == privateKey)
            } else if bits == 2048 {
                // A P-521 private key does not fit one RSA-2048 OAEP block.
                #expect(thrownKind { try KeyMaterialWrapping.wrap(privateKey, publicKey: publicKey, algorithm: algorithm) } == .invalidArgument)
            }
        }
    }

    @Test(arguments: ImportWrappingAlgorithm.allCases)
    func unwrapsWhatTheOpenSSLCommandLineWrapsNow(algorithm: ImportWrappingAlgorithm) throws {
        guard OpenSSLCLI.isAvailable else { return }
        let directory = try OpenSSLCLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = try AsymmetricPrivateKey.generate(.rsa(bits: 3072))
        try key.publicKey.pemRepresentation().write(toFile: "\(directory)/pub.pem", atomically: true, encoding: .utf8)
        let material = try SecureBytes.random(count: 32)
        try Data(material.exportBytes()).write(to: URL(fileURLWithPath: "\(directory)/material.bin"))
        let md = algorithm.oaepDigest == .sha1 ? "sha1" : "sha256"
        func oaep(_ input: String, _ output: String) throws {
            try OpenSSLCLI.run(["pkeyutl", "-encrypt", "-pubin", "-inkey", "\(directory)/pub.pem", "-in", input, "-out", output,
                                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:\(md)", "-pkeyopt", "rsa_mgf1_md:\(md)"])
        }
        var wrapped: [UInt8]
        if algorithm.usesAESKeyWrap {
            let ephemeral = try SecureBytes.random(count: 32)
            try Data(ephemeral.exportBytes()).write(to: URL(fileURLWithPath: "\(directory)/aes.bin"))
            try oaep("\(directory)/aes.bin", "\(directory)/w1.bin")
            try OpenSSLCLI.run(["enc", "-id-aes256-wrap-pad", "-K", Hex.encode(ephemeral.exportBytes()), "-iv", "A65959A6",
                                "-in", "\(directory)/material.bin", "-out", "\(directory)/w2.bin"])
            wrapped = Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/w1.bin")))
                + Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/w2.bin")))
        } else {
            try oaep("\(directory)/material.bin", "\(directory)/w.bin")
            wrapped = Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/w.bin")))
        }
        #expect(try KeyMaterialWrapping.unwrap(wrapped, privateKey: key, algorithm: algorithm) == material)
        secureZero(&wrapped)
    }
}

/// The `openssl` command line, for interoperability tests.
enum OpenSSLCLI {
    static let path = "/usr/bin/openssl"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }

    struct Failed: Error, CustomStringConvertible { var description: String }

    /// Runs openssl with `arguments`; throws unless it exits 0. Returns its standard output.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: "openssl \(arguments.first ?? "") exited \(process.terminationStatus): \(String(decoding: err, as: UTF8.self))")
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kms-openssl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
